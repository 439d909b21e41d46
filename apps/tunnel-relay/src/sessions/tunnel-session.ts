import { PeerMode } from '@rekey/contracts';
import { decodeFramed, MalformedMessageError, MessageDeframer, TunnelMessage, TunnelMessageType } from '@rekey/tunnel-protocol';
import type { WebSocket } from 'ws';
import { adaptForPeer, judgeClientMessage, StreamTable, withImpliedService } from '../protocol/message-rules';
import { CLOSE } from './close-codes';
import { OTHER, Peer, TunnelEnd } from './peer';

const LOCAL_PROXY_MODE = { SOURCE: 'source', DESTINATION: 'destination' } as const;

/**
 * The two ends of one tunnel as this replica sees them (local proxies, or a link to the replica
 * holding the other end), and the serviceId history of its streams.
 */
export class TunnelSession {
  private readonly peers: Partial<Record<PeerMode, TunnelEnd>> = {};
  private readonly streams: StreamTable;

  constructor(
    readonly tunnelId: string,
    private readonly services: readonly string[],
  ) {
    this.streams = new StreamTable(services);
  }

  peer(mode: PeerMode): TunnelEnd | undefined {
    return this.peers[mode];
  }

  /** The local proxy of `mode`, if this replica holds it. */
  localPeer(mode: PeerMode): Peer | undefined {
    const end = this.peers[mode];
    return end instanceof Peer ? end : undefined;
  }

  get empty(): boolean {
    return !this.peers.SOURCE && !this.peers.DESTINATION;
  }

  /** Takes `end` as its mode's end; the end it replaces (if any) is returned, its streams reset on the other end unless `!reset`. */
  attach(end: TunnelEnd, reset = true): TunnelEnd | undefined {
    const replaced = this.peers[end.mode];
    this.peers[end.mode] = end;
    if (replaced && reset) this.resetStreams(end.mode);
    return replaced;
  }

  /**
   * SERVICE_IDS to a V2/V3 peer: localproxy waits for it before it listens (source) or accepts
   * streams (destination), so it is sent once the peer's partner, here or on another replica, is known.
   */
  greet(peer: Peer): void {
    if (peer.version > 1 && this.peers[peer.mode] === peer) peer.send([{ type: TunnelMessageType.SERVICE_IDS, availableServiceIds: [...this.services] }]);
  }

  /** Forgets `peer` if it is still its mode's end; the other end's streams are reset. True if it was. */
  detach(peer: TunnelEnd): boolean {
    if (this.peers[peer.mode] !== peer) return false;
    delete this.peers[peer.mode];
    this.resetStreams(peer.mode);
    return true;
  }

  /**
   * One binary WebSocket message from `sender`: every complete protocol message in it is checked
   * and relayed to the other end. Messages the other end reads as they are (same fields for its
   * version) are relayed as the bytes that came, and a WebSocket message made only of such
   * messages is relayed whole, without a copy. Returns the bytes relayed; a rule broken closes
   * the sender.
   */
  receive(sender: Peer, data: Buffer): number {
    const target = this.peers[OTHER[sender.mode]];
    const alignedBefore = sender.deframer.buffered === 0;
    const messages = sender.deframer.push(data);
    let whole = alignedBefore && sender.deframer.buffered === 0;
    const forward: Array<Buffer | TunnelMessage> = [];
    const bounce: TunnelMessage[] = [];
    for (const framed of messages) {
      let received: TunnelMessage;
      try {
        received = decodeFramed(framed);
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        sender.close(CLOSE.protocolError.code, CLOSE.protocolError.reason);
        return 0;
      }
      const verdict = judgeClientMessage(received, LOCAL_PROXY_MODE[sender.mode]);
      const message = withImpliedService(received, this.services);
      const checked = verdict.action === 'relay' ? this.streams.judge(message) : verdict;
      if (checked.action === 'close') {
        sender.close(CLOSE.protocolError.code, `${CLOSE.protocolError.reason}: ${checked.reason}`);
        return 0;
      }
      const adapted = checked.action === 'relay' && target ? adaptForPeer(message, target.version) : undefined;
      if (adapted && sameOnTheWire(adapted, received)) {
        forward.push(framed);
        continue;
      }
      whole = false;
      if (adapted) forward.push(adapted);
      else if (checked.action === 'relay' && !target) {
        const reset = resetFor(message);
        if (reset) bounce.push(reset);
      }
    }
    sender.send(bounce);
    if (!target) return 0;
    return target.send(whole && forward.length > 0 ? [data] : forward, sender.socket);
  }

  /**
   * Messages from the replica holding `remote`'s end, already checked and adapted there: relayed
   * as they are to the local end, the stream history kept for the rules of what the local end sends.
   */
  fromLink(remote: TunnelEnd & { socket: WebSocket }, data: Buffer, deframer: MessageDeframer): number {
    if (this.peers[remote.mode] !== remote) return 0;
    for (const framed of deframer.push(data)) this.streams.judge(withImpliedService(decodeFramed(framed), this.services));
    return this.peers[OTHER[remote.mode]]?.send([data], remote.socket) ?? 0;
  }

  /** Cuts every local peer with a close frame (tunnel closed); each replica cuts its own. */
  closeAll(code: number, reason: string): void {
    for (const mode of ['SOURCE', 'DESTINATION'] as const) this.localPeer(mode)?.close(code, reason);
  }

  /** Tells the end other than `gone` that its streams are over. */
  private resetStreams(gone: PeerMode): void {
    const streams = this.streams.drain();
    const other = this.peers[OTHER[gone]];
    if (!other) return;
    other.send(streams.map(({ serviceId, streamId }) => adaptForPeer({ type: TunnelMessageType.STREAM_RESET, streamId, ...(serviceId && { serviceId }) }, other.version)!));
  }
}

/** The adapted message has the fields of the one received: its bytes can go as they came. */
function sameOnTheWire(adapted: TunnelMessage, received: TunnelMessage): boolean {
  return adapted === received || ((adapted.serviceId || undefined) === (received.serviceId || undefined) && (adapted.connectionId || undefined) === (received.connectionId || undefined));
}

/** With nobody at the other end, a stream cannot start: the sender is told so. */
function resetFor(message: TunnelMessage): TunnelMessage | undefined {
  const { streamId, serviceId, connectionId } = message;
  if (message.type === TunnelMessageType.STREAM_START || message.type === TunnelMessageType.DATA) return { type: TunnelMessageType.STREAM_RESET, streamId, serviceId };
  if (message.type === TunnelMessageType.CONNECTION_START) return { type: TunnelMessageType.CONNECTION_RESET, streamId, serviceId, connectionId };
  return undefined;
}

