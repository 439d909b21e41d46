import { CreateChatTokenCommand, CreateRoomCommand, DisconnectUserCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { SpanKind } from '@opentelemetry/api';
import { awsClientConfig, eventually, OtlpReceiver, ProductionApp, spawnProductionApp, uniqueMongoUri, uniqueName, waitUntilReady } from '@rekey/testing';
import { WebSocket } from 'ws';

/**
 * The chat app and the gateway as processes of their own, both exporting over OTLP: the gateway
 * takes its token as the WebSocket subprotocol (`Sec-WebSocket-Protocol`), which no span may hold.
 */
describe('tracing the chat data plane', () => {
  let receiver: OtlpReceiver;
  let chat: ProductionApp;
  let gateway: ProductionApp;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    chat = await spawnProductionApp('chat', receiver.appEnv, { fromSource: true });
    gateway = await spawnProductionApp('chat-gateway', { ...receiver.appEnv, MONGO_URI: uniqueMongoUri('rekey_chat_gateway'), REKEY_KEYRING_FILE: chat.env.REKEY_KEYRING_FILE }, { fromSource: true });
    await Promise.all([waitUntilReady(chat, 90_000), waitUntilReady(gateway, 90_000)]);
  }, 150_000);
  afterAll(async () => {
    for (const app of [gateway, chat]) app?.process.kill('SIGTERM');
    await Promise.all([gateway?.exited, chat?.exited]);
    await receiver?.stop();
  });

  const gatewaySpan = (name: string, traceId: string) =>
    receiver.spans.find((span) => span.service === 'rekey-chat-gateway' && span.kind === SpanKind.CONSUMER && span.name === name && span.traceId === traceId);

  it("continues CreateRoom's trace into the gateway's room cache; no chat token or message content in anything exported", async () => {
    const ivschat = new IvschatClient(awsClientConfig(chat.url));
    const roomArn = (await ivschat.send(new CreateRoomCommand({}))).arn!;
    const createRoom = await eventually(() => receiver.spans.find((span) => span.service === 'rekey-chat' && span.name === 'CreateRoom'), 20_000, 'the CreateRoom span');
    await eventually(() => gatewaySpan('rekey.chat.RoomCreated process', createRoom.traceId), 20_000, "the gateway's RoomCreated consumer span in CreateRoom's trace");

    const { token } = await ivschat.send(new CreateChatTokenCommand({ roomIdentifier: roomArn, userId: 'traced', capabilities: ['SEND_MESSAGE'] }));
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), token!);
    const frames: Array<{ Type: string; Content?: string }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const content = uniqueName('traced-message');
    socket.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'r1', Content: content, Attributes: {} }));
    await eventually(() => frames.find((frame) => frame.Type === 'MESSAGE' && frame.Content === content), 20_000, 'the message back');

    // Its consumer span ends after everything the socket did: the exports before it are complete.
    await ivschat.send(new DisconnectUserCommand({ roomIdentifier: roomArn, userId: 'traced' }));
    const disconnect = await eventually(() => receiver.spans.find((span) => span.service === 'rekey-chat' && span.name === 'DisconnectUser'), 20_000, 'the DisconnectUser span');
    await eventually(() => gatewaySpan('rekey.chat.UserDisconnected process', disconnect.traceId), 20_000, "the gateway's UserDisconnected consumer span");
    socket.close();

    expect(receiver.received('rekey.chat.UserDisconnected process')).toBe(true); // the search does find what was exported
    expect(receiver.received(token!)).toBe(false);
    expect(receiver.received(content)).toBe(false);
  });
});
