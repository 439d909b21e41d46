import { DeleteMessageCommand, DeleteRoomCommand, DisconnectUserCommand, SendEventCommand, UpdateRoomCommand } from '@aws-sdk/client-ivschat';
import { eventually } from '@rekey/testing';
import { DeleteMessageRequest, DisconnectUserRequest, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { ChatStack, createRoom, RecordingRoom, startChatStack, TokenRequest, tokenProvider, wsUrl } from './gateway-test-kit';

const ALL: TokenRequest['capabilities'] = ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'];

describe('chat gateway: the official client on two replicas', () => {
  let stack: ChatStack;
  const rooms: RecordingRoom[] = [];

  beforeAll(async () => {
    stack = await startChatStack(2);
  }, 90_000);
  afterAll(async () => {
    for (const room of rooms) room.room.disconnect();
    await stack?.close();
  });

  /** A user in `roomArn` on replica `replica`, connected. */
  const join = async (roomArn: string, replica: number, request: TokenRequest) => {
    const room = new RecordingRoom(wsUrl(stack.gateways[replica]), tokenProvider(stack, roomArn, request));
    rooms.push(room);
    return room.connect();
  };

  it('two users on two replicas exchange messages both ways, with the sender echoed and attributes carried', async () => {
    const roomArn = await createRoom(stack);
    const ann = await join(roomArn, 0, { userId: 'ann', capabilities: ['SEND_MESSAGE'], attributes: { displayName: 'Ann' } });
    const bob = await join(roomArn, 1, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });

    const sent = await ann.room.sendMessage(new SendMessageRequest('hello from 0', { mood: 'happy' }));
    expect(sent).toMatchObject({ content: 'hello from 0', attributes: { mood: 'happy' }, sender: { userId: 'ann', attributes: { displayName: 'Ann' } } });
    expect(sent.id).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(await bob.received('hello from 0')).toMatchObject({ id: sent.id, sender: { userId: 'ann', attributes: { displayName: 'Ann' } } });

    const reply = await bob.room.sendMessage(new SendMessageRequest('hello from 1'));
    expect((await ann.received('hello from 1')).id).toBe(reply.id);
  });
});
