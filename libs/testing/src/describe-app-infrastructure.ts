import { DynamicModule } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { AppName } from '@rekey/contracts';
import { KAFKA, RekeyConfig, subscribePatiently } from '@rekey/platform';
import { Kafka } from 'kafkajs';
import { Connection, Schema } from 'mongoose';
import { scrapeMetric } from './metrics-scrape';
import { startTestApp, TestApp } from './test-app';
import { eventually } from './eventually';
import { uniqueName } from './test-environment';

/**
 * The foundation check every app shares: booted as in production against the real servers, it
 * answers its probes, writes and reads through its own mongoose connection, and produces and
 * consumes through its own Kafka client.
 */
export function describeAppOnRealInfrastructure(app: AppName, rootModuleFor: (config: RekeyConfig) => DynamicModule): void {
  describe(`${app} app on real MongoDB and Kafka`, () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await startTestApp(app, rootModuleFor);
    });
    afterAll(() => testApp?.close());

    it('answers live and ready, with both dependencies up', async () => {
      const live = await fetch(`${testApp.url}/health/live`);
      expect(live.status).toBe(200);
      expect(live.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      // A data plane becomes ready once its projection follows the control plane's topic.
      const ready = await eventually(async () => {
        const answer = await fetch(`${testApp.url}/health/ready`);
        return answer.status === 200 ? answer : undefined;
      }, 30_000, 'ready');
      const body = (await ready.json()) as { info: Record<string, { status: string }> };
      expect(body.info.mongo.status).toBe('up');
      expect(body.info.kafka.status).toBe('up');
    });

    it('counts requests per operation and status in /metrics', async () => {
      const liveCount = () => scrapeMetric(testApp.url, 'rekey_http_requests_total', { operation: 'GET /health/live', status: '200' });
      const before = await liveCount();
      await Promise.all([1, 2, 3].map(() => fetch(`${testApp.url}/health/live`)));
      expect(await liveCount()).toBe(before + 3);
    });

    it('writes and reads a document through its own mongoose connection and database', async () => {
      const connection = testApp.nest.get<Connection>(getConnectionToken());
      expect(connection.db?.databaseName).toBe(new URL(testApp.config.mongoUri).pathname.slice(1));
      const Probe = connection.model('InfrastructureProbe', new Schema({ note: String, at: Date }));
      const written = await Probe.create({ note: uniqueName('probe'), at: new Date() });
      const read = await Probe.findById(written._id).lean();
      expect(read?.note).toBe(written.note);
    });

    it('produces and consumes a message through its own Kafka client', async () => {
      const kafka = testApp.nest.get<Kafka>(KAFKA);
      const topic = uniqueName(`probe-${app}`);
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const consumer = kafka.consumer({ groupId: uniqueName('probe') });
      await consumer.connect();
      await subscribePatiently(consumer, [topic], true);
      const received = new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      const producer = kafka.producer();
      await producer.connect();
      const sent = uniqueName('hello');
      await producer.send({ topic, messages: [{ key: 'probe', value: sent }] });
      await producer.disconnect();
      await expect(received).resolves.toBe(sent);
      await consumer.disconnect();
    });
  });
}
