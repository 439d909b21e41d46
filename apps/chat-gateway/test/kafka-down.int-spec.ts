import { withDeadline } from '@rekey/platform';
import { LocalKafka } from '@rekey/testing';
import { ChatError, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatStack, createRoom, RecordingRoom, startChatStack, tokenProvider, wsUrl } from './gateway-test-kit';

/** Longer than the consumers' retries: they give up and restart as new members of their groups. */
const OUTAGE_MS = 20_000;
/** A broadcast group's one member rejoins once its predecessor's session lapsed (Kafka's default, 30 s, before). */
const REJOIN_BOUND_MS = 20_000;
/**
 * The official client itself waits for an answer forever. The first send after Kafka's return also
 * waits for a fresh producer's connection (over 10 s twice in 17 runs on Node 22), then the
 * publish's 5 s deadline and the 2 s an acknowledged message waits for its consumer.
 */
const ANSWER_BOUND_MS = 20_000;

describe('chat gateway while Kafka is down', () => {
  const kafka = new LocalKafka(19692);
  let stack: ChatStack;
  const rooms: RecordingRoom[] = [];

  beforeAll(async () => {
    await kafka.start();
    stack = await startChatStack(2, { KAFKA_BROKERS: kafka.brokers });
  }, 120_000);
  afterAll(async () => {
    for (const room of rooms) room.room.disconnect();
    await stack?.close();
    await kafka.stop();
  }, 60_000);

  const join = (roomArn: string, replica: number, userId: string) => {
    const room = new RecordingRoom(wsUrl(stack.gateways[replica]), tokenProvider(stack, roomArn, { userId, capabilities: ['SEND_MESSAGE'] }));
    rooms.push(room);
    return room.connect();
  };

  it('answers ERROR 500 to a message Kafka did not acknowledge, and no connection on any replica sees it; once Kafka is back, every message is answered and messages cross replicas again within seconds', async () => {
    const roomArn = await createRoom(stack);
    const [ann, cal, bob] = [await join(roomArn, 0, 'ann'), await join(roomArn, 0, 'cal'), await join(roomArn, 1, 'bob')];
    // Both replicas know where the room's partition stands: the sender's delivers its own messages at the acknowledgement.
    await ann.room.sendMessage(new SendMessageRequest('before'));
    await Promise.all([ann, cal, bob].map((room) => room.received('before')));

    await kafka.stop();
    const refusal = await ann.room.sendMessage(new SendMessageRequest('lost')).then(
      () => undefined,
      (error: ChatError) => error,
    );
    expect(refusal).toMatchObject({ errorCode: 500 });
    // Nothing could deliver it later but a replica that had delivered it before the acknowledgement.
    await sleep(1_000);
    for (const room of [ann, cal, bob]) expect(room.messages.map((m) => m.content)).toEqual(['before']);

    // Away long enough for every consumer to give up on the broker and start again as a new group member.
    await sleep(OUTAGE_MS);
    await kafka.start();
    const back = Date.now();
    const unanswered: string[] = [];
    for (let sent = 1; !bob.messages.some((m) => m.content.startsWith('after')) && Date.now() - back < 3 * REJOIN_BOUND_MS; sent += 1) {
      const content = `after ${sent}`;
      // Either answer will do (its echo, or ERROR 500 while Kafka is still starting); none will not.
      await withDeadline(ann.room.sendMessage(new SendMessageRequest(content)), ANSWER_BOUND_MS, 'unanswered').catch((error: Error) => {
        if (error.message === 'unanswered') unanswered.push(content);
      });
      await sleep(250);
    }
    const acrossAfterMs = Date.now() - back;
    console.log(`first message across replicas ${acrossAfterMs} ms after Kafka answered again`);
    expect(unanswered).toEqual([]);
    expect(acrossAfterMs).toBeLessThan(REJOIN_BOUND_MS);
  }, 150_000);
});
