import { Ivschat } from '@aws-sdk/client-ivschat';
import { getConnectionToken } from '@nestjs/mongoose';
import { fingerprint, TOPICS } from '@rekey/contracts';
import { awsClientConfig, eventually, LocalKafka, startTestApp, TestApp, TopicTail } from '@rekey/testing';
import type { Connection } from 'mongoose';
import { ChatAppModule } from '../src/app.module';

describe('CreateChatToken while Kafka is down', () => {
  const kafka = new LocalKafka(19392);
  let app: TestApp;
  let client: Ivschat;

  beforeAll(async () => {
    await kafka.start();
    app = await startTestApp('chat', (config) => ChatAppModule.register(config), { KAFKA_BROKERS: kafka.brokers });
    client = new Ivschat(awsClientConfig(app.url, 'A'));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await kafka.stop();
  }, 60_000);

  it('keeps issuing tokens, holds their events in the outbox, and publishes them once Kafka is back', async () => {
    const room = await client.createRoom({});
    await client.createChatToken({ roomIdentifier: room.arn, userId: 'before' });
    await kafka.stop();

    const started = Date.now();
    const answers = [];
    for (const userId of ['during-1', 'during-2']) answers.push(await client.createChatToken({ roomIdentifier: room.arn, userId }));
    expect(Date.now() - started).toBeLessThan(10_000);
    const db = app.nest.get<Connection>(getConnectionToken());
    expect(await db.collection('pending_events').countDocuments({ _outboxPending: true })).toBe(2);

    // A replica that starts while Kafka is away still serves, reading rooms from MongoDB.
    // Closed once Kafka is back, so that its shutdown does not wait for an outbox it cannot drain.
    const late = await startTestApp('chat', (config) => ChatAppModule.register(config), { KAFKA_BROKERS: kafka.brokers, MONGO_URI: app.config.mongoUri });
    try {
      answers.push(await new Ivschat(awsClientConfig(late.url, 'A')).createChatToken({ roomIdentifier: room.arn, userId: 'during-3' }));
      expect(await db.collection('pending_events').countDocuments({ _outboxPending: true })).toBe(3);

      await kafka.start();
      // Published by a relay once Kafka is back, then purged from the outbox collection.
      await eventually(async () => ((await db.collection('pending_events').countDocuments()) === 0 ? true : undefined), 60_000, 'pending_events to drain');
    } finally {
      await late.close();
    }
    const topic = await TopicTail.start(TOPICS.chat, kafka.brokers, true);
    try {
      for (const answer of answers) {
        const wanted = fingerprint(answer.token!);
        const event = await eventually(
          () => topic.events.find((e) => e.headers.ce_type === 'rekey.chat.ChatTokenCreated' && e.data.fingerprint === wanted),
          60_000,
          'the held event on the topic',
        );
        expect(event.data).toMatchObject({ roomArn: room.arn, tokenExpirationTime: answer.tokenExpirationTime!.toISOString() });
      }
    } finally {
      await topic.stop();
    }
  }, 180_000);
});
