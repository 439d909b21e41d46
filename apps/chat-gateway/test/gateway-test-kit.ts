import { CreateChatTokenCommand, CreateRoomCommand, CreateRoomCommandInput, IvschatClient } from '@aws-sdk/client-ivschat';
import { awsClientConfig, buildApps, DEV_TENANTS, eventually, ProductionApp, spawnProductionApp, startTestApp, TestApp, uniqueMongoUri, waitUntilReady } from '@rekey/testing';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import { createServer, Server, Socket } from 'node:net';
import { WebSocket } from 'ws';
import { ChatGatewayAppModule } from '../src/gateway.module';

// The official client in Node: `ws` as its WebSocket, as data-plane-notes.md §0 says.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface ChatStack {
  /** The chat app, from its production build: apps do not import one another. */
  chat: ProductionApp;
  gateways: TestApp[];
  ivschat(tenant?: keyof typeof DEV_TENANTS): IvschatClient;
  close(): Promise<void>;
}

/**
 * The chat app and `replicas` gateway replicas sharing one gateway database and the chat app's
 * keyring, on the real servers; `shared` is given to all of them (a private Kafka).
 */
export async function startChatStack(replicas: number, shared: NodeJS.ProcessEnv = {}): Promise<ChatStack> {
  await buildApps(['chat']);
  const chat = await spawnProductionApp('chat', shared);
  await waitUntilReady(chat);
  const env = { ...shared, MONGO_URI: uniqueMongoUri('rekey_chat_gateway'), REKEY_KEYRING_FILE: chat.env.REKEY_KEYRING_FILE };
  const gateways = await Promise.all(Array.from({ length: replicas }, () => startTestApp('chat-gateway', (config) => ChatGatewayAppModule.register(config), env)));
  await Promise.all(gateways.map((gateway) => eventually(async () => ((await fetch(`${gateway.url}/health/ready`)).ok ? true : undefined), 30_000, 'gateway ready')));
  const clients = new Map<string, IvschatClient>();
  return {
    chat,
    gateways,
    ivschat: (tenant = 'A') => clients.get(tenant) ?? clients.set(tenant, new IvschatClient(awsClientConfig(chat.url, tenant))).get(tenant)!,
    close: async () => {
      for (const client of clients.values()) client.destroy();
      await Promise.all(gateways.map((gateway) => gateway.close().catch(() => undefined)));
      chat.process.kill('SIGTERM');
      await chat.exited;
    },
  };
}

export const wsUrl = (app: TestApp | { url: string }) => app.url.replace(/^http/, 'ws');

export async function createRoom(stack: ChatStack, input: CreateRoomCommandInput = {}): Promise<string> {
  return (await stack.ivschat().send(new CreateRoomCommand(input))).arn!;
}

export interface TokenRequest {
  userId: string;
  capabilities?: Array<'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER'>;
  attributes?: Record<string, string>;
  sessionDurationInMinutes?: number;
}

/** A token provider as an app writes one: CreateChatToken through the AWS SDK. */
export function tokenProvider(stack: ChatStack, roomArn: string, request: TokenRequest) {
  return async () => {
    const answer = await stack.ivschat().send(new CreateChatTokenCommand({ roomIdentifier: roomArn, ...request }));
    return { token: answer.token!, tokenExpirationTime: answer.tokenExpirationTime, sessionExpirationTime: answer.sessionExpirationTime };
  };
}

/** An official ChatRoom that records what it receives. */
export class RecordingRoom {
  readonly room: ChatRoom;
  readonly messages: Array<{ id: string; content: string; sender: { userId: string; attributes?: Record<string, string> } }> = [];
  readonly events: Array<{ eventName: string; attributes?: Record<string, string> }> = [];
  readonly deletions: Array<{ messageId: string; reason?: string }> = [];
  readonly userDisconnects: Array<{ userId: string; reason?: string }> = [];
  readonly disconnects: string[] = [];
  tokensFetched = 0;

  constructor(url: string, provider: () => Promise<{ token: string; tokenExpirationTime?: Date; sessionExpirationTime?: Date }>) {
    this.room = new ChatRoom({
      regionOrUrl: url,
      tokenProvider: async () => {
        this.tokensFetched += 1;
        return provider();
      },
      maxReconnectAttempts: 2,
    });
    this.room.logLevel = 'error';
    this.room.logger = { debug: () => undefined, info: () => undefined, error: () => undefined };
    this.room.addListener('message', (message) => this.messages.push(message));
    this.room.addListener('event', (event) => this.events.push(event));
    this.room.addListener('messageDelete', (deletion) => this.deletions.push(deletion));
    this.room.addListener('userDisconnect', (event) => this.userDisconnects.push(event));
    this.room.addListener('disconnect', (reason) => this.disconnects.push(reason));
  }

  async connect(): Promise<this> {
    const connected = new Promise<void>((resolve, reject) => {
      const offConnect = this.room.addListener('connect', () => {
        offConnect();
        offDisconnect();
        resolve();
      });
      const offDisconnect = this.room.addListener('disconnect', (reason) => {
        offConnect();
        offDisconnect();
        reject(new Error(`disconnected: ${reason}`));
      });
    });
    this.room.connect();
    await connected;
    return this;
  }

  received(content: string) {
    return eventually(() => this.messages.find((message) => message.content === content), 5_000, `message "${content}"`);
  }
}

/**
 * A TCP load balancer in front of the replicas, as a Kubernetes Service is: each connection goes
 * to the next replica that accepts it.
 */
export class TcpBalancer {
  private readonly server: Server;
  private next = 0;
  readonly sockets = new Set<Socket>();

  private constructor(private readonly ports: number[]) {
    this.server = createServer((client) => this.route(client, 0));
  }

  static async start(apps: TestApp[]): Promise<TcpBalancer> {
    const balancer = new TcpBalancer(apps.map((app) => Number(new URL(app.url).port)));
    await new Promise<void>((resolve) => balancer.server.listen(0, '127.0.0.1', resolve));
    return balancer;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private route(client: Socket, tried: number): void {
    const port = this.ports[this.next++ % this.ports.length];
    const upstream = new Socket();
    upstream.once('error', () => {
      upstream.destroy();
      if (tried + 1 < this.ports.length) this.route(client, tried + 1);
      else client.destroy();
    });
    upstream.connect(port, '127.0.0.1', () => {
      upstream.removeAllListeners('error');
      this.sockets.add(client).add(upstream);
      // pipe() passes a FIN on; a reset or an error resets the other side too.
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy()).on('close', () => client.end());
    });
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
