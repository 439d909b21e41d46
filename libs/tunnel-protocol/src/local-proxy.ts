import { DataFramer, decodeFramed, frameMessage, MessageDeframer } from './framing';
import { MAX_DATA_PAYLOAD_BYTES, MAX_WEBSOCKET_FRAME_BYTES, SEND_HIGH_WATER_BYTES } from './limits';
import { TunnelMessage, TunnelMessageType } from './message';
import { LocalProxyMode, ProtocolVersion, subprotocolOf } from './versions';
import { EventEmitter, once } from 'node:events';
import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';
import WebSocket from 'ws';

/** TCP bytes carried by one WebSocket message: two DATA messages of full payloads and their framing fit in a frame. */
const READ_BYTES_PER_FRAME = 2 * MAX_DATA_PAYLOAD_BYTES;

/** `chunks` cut (as views) into consecutive groups of at most `limit` bytes. */
function inGroupsOf(limit: number, chunks: Buffer[]): Buffer[][] {
  const groups: Buffer[][] = [];
  let room = 0;
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length; ) {
      if (room === 0) {
        groups.push([]);
        room = limit;
      }
      const piece = chunk.subarray(offset, offset + room);
      groups[groups.length - 1].push(piece);
      offset += piece.length;
      room -= piece.length;
    }
  }
  return groups;
}

export interface LocalProxyOptions {
  /** Relay base URL, e.g. `ws://127.0.0.1:3004` or `wss://relay.example:443`. */
  endpoint: string;
  mode: LocalProxyMode;
  token: string;
  clientToken?: string;
  version: ProtocolVersion;
  /**
   * Source: service id → local port to listen on (0 = any). Destination: service id → `host:port`
   * to connect to. V1 has exactly one service, under any name.
   */
  services: Record<string, string | number>;
  /** Extra CA certificates (PEM) for wss. */
  ca?: Buffer;
  /** Reconnect with the same tokens after a connection lost without a close frame (as localproxy does). */
  reconnect?: boolean;
}

/** Why the tunnel connection ended for good: a close frame, or a refused handshake. */
export interface ProxyEnd {
  code?: number;
  reason?: string;
  status?: number;
}

interface Stream {
  serviceId: string;
  streamId: number;
  connections: Map<number, Socket>;
  nextConnectionId: number;
}

/**
 * A local proxy speaking the Secure Tunneling protocol V1/V2/V3 to a relay: in source mode it
 * listens on a local port per service and carries each TCP connection through the tunnel; in
 * destination mode it connects to each service's address when a stream or connection starts.
 * Emits `ready` (connected, SERVICE_IDS received for V2/V3), `ended` ({@link ProxyEnd}).
 */
export class LocalProxy extends EventEmitter {
  private socket?: WebSocket;
  private deframer = new MessageDeframer();
  private readonly servers = new Map<string, Server>();
  private readonly accepted = new Set<Socket>();
  private readonly streams = new Map<string, Stream>();
  private nextStreamId = 1;
  private stopped = false;
  /** Local connections whose writes are queued: the tunnel is not read until they drain. */
  private readonly congested = new Set<Socket>();
  /** TCP reads not sent yet, in order; consecutive reads of one connection together. */
  private readonly unsent: Array<{ framer: DataFramer; socket: Socket; chunks: Buffer[] }> = [];
  private flushing?: NodeJS.Immediate;
  /** What the relay announced in SERVICE_IDS (V2/V3). */
  announcedServices?: string[];

  constructor(readonly options: LocalProxyOptions) {
    super();
  }

  /** Connects; resolves once the tunnel is usable, rejects with the {@link ProxyEnd} of a refusal. */
  async start(): Promise<void> {
    if (this.options.mode === 'source') await this.listen();
    await this.connect();
  }

  /** Local port of a source service. */
  port(serviceId: string): number {
    return (this.servers.get(serviceId)!.address() as AddressInfo).port;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Closes everything; `terminate` drops the tunnel connection without a close frame. */
  async stop(terminate = false): Promise<void> {
    this.stopped = true;
    for (const stream of this.streams.values()) for (const socket of stream.connections.values()) socket.destroy();
    this.streams.clear();
    for (const socket of this.accepted) socket.destroy();
    if (terminate) this.socket?.terminate();
    else this.socket?.close(1000);
    await Promise.all([...this.servers.values()].map((server) => new Promise((resolve) => server.close(resolve))));
  }

  private connect(): Promise<void> {
    const { endpoint, mode, token, clientToken, version, ca } = this.options;
    const socket = new WebSocket(`${endpoint.replace(/\/$/, '')}/tunnel?local-proxy-mode=${mode}`, subprotocolOf(version), {
      headers: { 'access-token': token, ...(clientToken && { 'client-token': clientToken }) },
      perMessageDeflate: false,
      maxPayload: MAX_WEBSOCKET_FRAME_BYTES,
      ...(ca && { ca }),
    });
    this.socket = socket;
    this.deframer = new MessageDeframer();
    this.congested.clear();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const ready = () => {
        if (settled) return;
        settled = true;
        this.emit('ready');
        resolve();
      };
      socket.on('unexpected-response', (_request, response) => {
        settled = true;
        const end: ProxyEnd = { status: response.statusCode };
        this.emit('ended', end);
        reject(Object.assign(new Error(`refused with HTTP ${response.statusCode}`), end));
        response.resume();
        socket.terminate();
      });
      socket.on('error', (error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
      socket.on('open', () => {
        if (version === 1) ready();
      });
      socket.on('message', (data: Buffer) => {
        for (const framed of this.deframer.push(data)) {
          const message = decodeFramed(framed);
          if (message.type === TunnelMessageType.SERVICE_IDS) {
            this.announcedServices = message.availableServiceIds ?? [];
            ready();
          } else this.handle(message);
        }
      });
      socket.on('close', (code, reason) => {
        this.resetAll();
        if (this.stopped || socket !== this.socket) return;
        // Like localproxy: a close frame ends the proxy; a dropped connection reconnects at once.
        if (code === 1006 && this.options.reconnect) {
          void this.reconnectSoon();
          return;
        }
        this.emit('ended', { code, reason: reason.toString() } satisfies ProxyEnd);
      });
    });
  }

  private async reconnectSoon(): Promise<void> {
    for (let attempt = 0; attempt < 50 && !this.stopped; attempt += 1) {
      try {
        await this.connect();
        this.emit('reconnected');
        return;
      } catch (error) {
        if ((error as ProxyEnd).status !== undefined && (error as ProxyEnd).status! < 500) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Sends a message (after the TCP bytes read before it); `flushed` runs once it is handed to the kernel (or the connection failed). */
  private send(message: TunnelMessage, flushed?: () => void): void {
    this.flush();
    this.sendFramed(frameMessage(message), flushed);
  }

  /**
   * Sends the TCP reads queued so far, each connection's consecutive reads in as few WebSocket
   * messages as the frame limit allows (libuv reads up to 32 times 64 KiB per turn of the event
   * loop). A connection that finds the tunnel's send queue over {@link SEND_HIGH_WATER_BYTES} is
   * not read until its bytes are written.
   */
  private flush(): void {
    clearImmediate(this.flushing);
    this.flushing = undefined;
    for (const { framer, socket, chunks } of this.unsent.splice(0)) {
      const paced = (this.socket?.bufferedAmount ?? 0) > SEND_HIGH_WATER_BYTES;
      if (paced) socket.pause();
      const frames = inGroupsOf(READ_BYTES_PER_FRAME, chunks);
      frames.forEach((group, i) => this.sendFramed(framer.frame(group), paced && i === frames.length - 1 ? () => socket.resume() : undefined));
    }
  }

  /** Sends framed messages as one WebSocket message; `flushed` once it is written (or dropped: no tunnel). */
  private sendFramed(framed: Buffer, flushed?: () => void): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(framed, flushed);
    else flushed?.();
  }

  /** The service a message is about: V1 messages carry none and mean the only one. */
  private serviceOf(message: TunnelMessage): string {
    return message.serviceId || Object.keys(this.options.services)[0];
  }

  private wireServiceId(serviceId: string): string | undefined {
    return this.options.version === 1 ? undefined : serviceId;
  }

  private async listen(): Promise<void> {
    for (const [serviceId, port] of Object.entries(this.options.services)) {
      const server = createServer({ noDelay: true }, (socket) => {
        this.accepted.add(socket);
        socket.once('close', () => this.accepted.delete(socket));
        this.accept(serviceId, socket);
      });
      server.listen(Number(port), '127.0.0.1');
      await once(server, 'listening');
      this.servers.set(serviceId, server);
    }
  }

  /** Source: a TCP client arrived for `serviceId`. V3 adds a connection to the live stream; V1/V2 start a new stream. */
  private accept(serviceId: string, socket: Socket): void {
    const { version } = this.options;
    const live = this.streams.get(serviceId);
    if (version === 3 && live) {
      const connectionId = live.nextConnectionId++;
      live.connections.set(connectionId, socket);
      this.send({ type: TunnelMessageType.CONNECTION_START, streamId: live.streamId, serviceId, connectionId });
      this.pipe(live, connectionId, socket);
      return;
    }
    if (live) this.endStream(serviceId, true);
    const stream: Stream = { serviceId, streamId: this.nextStreamId++, connections: new Map([[1, socket]]), nextConnectionId: 2 };
    this.streams.set(serviceId, stream);
    this.send({ type: TunnelMessageType.STREAM_START, streamId: stream.streamId, serviceId: this.wireServiceId(serviceId), ...(version === 3 && { connectionId: 1 }) });
    this.pipe(stream, 1, socket);
  }

  /**
   * TCP bytes into DATA messages, reading no more while the tunnel's send queue is over
   * {@link SEND_HIGH_WATER_BYTES}; the TCP end into a reset of the connection (V3) or stream.
   */
  private pipe(stream: Stream, connectionId: number, socket: Socket): void {
    const framer = new DataFramer({ streamId: stream.streamId, serviceId: this.wireServiceId(stream.serviceId), ...(this.options.version === 3 && { connectionId }) });
    socket.on('data', (chunk: Buffer) => {
      const last = this.unsent[this.unsent.length - 1];
      if (last?.framer === framer) last.chunks.push(chunk);
      else this.unsent.push({ framer, socket, chunks: [chunk] });
      this.flushing ??= setImmediate(() => this.flush());
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.uncongest(socket);
      if (stream.connections.get(connectionId) !== socket) return;
      stream.connections.delete(connectionId);
      if (this.options.version === 3 && stream.connections.size > 0) {
        this.send({ type: TunnelMessageType.CONNECTION_RESET, streamId: stream.streamId, serviceId: stream.serviceId, connectionId });
      } else if (this.streams.get(stream.serviceId) === stream) {
        this.streams.delete(stream.serviceId);
        this.send({ type: TunnelMessageType.STREAM_RESET, streamId: stream.streamId, serviceId: this.wireServiceId(stream.serviceId) });
      }
    });
  }

  private handle(message: TunnelMessage): void {
    const serviceId = this.serviceOf(message);
    const connectionId = message.connectionId || 1;
    const stream = this.streams.get(serviceId);
    switch (message.type) {
      case TunnelMessageType.STREAM_START:
        if (this.options.mode !== 'destination') return;
        if (stream) this.endStream(serviceId, false);
        this.open({ serviceId, streamId: message.streamId!, connections: new Map(), nextConnectionId: 2 }, connectionId);
        return;
      case TunnelMessageType.CONNECTION_START:
        if (this.options.mode === 'destination' && stream && stream.streamId === message.streamId) this.open(stream, connectionId);
        return;
      case TunnelMessageType.DATA:
        if (stream && stream.streamId === message.streamId) this.write(stream.connections.get(connectionId), message.payload);
        return;
      case TunnelMessageType.CONNECTION_RESET:
        if (stream && stream.streamId === message.streamId) {
          const socket = stream.connections.get(connectionId);
          stream.connections.delete(connectionId);
          socket?.destroy();
        }
        return;
      case TunnelMessageType.STREAM_RESET:
        if (stream && stream.streamId === message.streamId) this.endStream(serviceId, false);
        return;
    }
  }

  /** Writes to a local connection; while one has writes queued, the tunnel is not read (every stream shares it). */
  private write(socket: Socket | undefined, payload: Uint8Array | undefined): void {
    if (!socket || !payload) return;
    // write() says false past 16 KiB even when the kernel took every byte: wait only for bytes still queued here.
    if (socket.write(payload) || socket.writableLength === 0 || this.congested.has(socket)) return;
    this.congested.add(socket);
    if (this.congested.size === 1) this.socket?.pause();
    socket.once('drain', () => this.uncongest(socket));
  }

  private uncongest(socket: Socket): void {
    if (this.congested.delete(socket) && this.congested.size === 0) this.socket?.resume();
  }

  /** Destination: a TCP connection to the service's address for a new stream or connection. */
  private open(stream: Stream, connectionId: number): void {
    const target = String(this.options.services[stream.serviceId] ?? '');
    const [host, port] = target.includes(':') ? [target.slice(0, target.lastIndexOf(':')), target.slice(target.lastIndexOf(':') + 1)] : ['127.0.0.1', target];
    this.streams.set(stream.serviceId, stream);
    const socket = createConnection({ host, port: Number(port), noDelay: true });
    stream.connections.set(connectionId, socket);
    this.pipe(stream, connectionId, socket);
  }

  /** Ends a stream's TCP connections; `announce` tells the other end. */
  private endStream(serviceId: string, announce: boolean): void {
    const stream = this.streams.get(serviceId);
    if (!stream) return;
    this.streams.delete(serviceId);
    if (announce) this.send({ type: TunnelMessageType.STREAM_RESET, streamId: stream.streamId, serviceId: this.wireServiceId(serviceId) });
    for (const socket of stream.connections.values()) socket.destroy();
  }

  private resetAll(): void {
    for (const serviceId of [...this.streams.keys()]) this.endStream(serviceId, false);
  }
}
