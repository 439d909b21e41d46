import { LocalKafka, scrapeMetric, startTestApp, TestApp } from '@rekey/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { BotsAppModule } from '../src/app.module';

async function readinessWithin(url: string, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await fetch(`${url}/health/ready`);
    if (answer.status === status || Date.now() - started > timeoutMs) return answer.status;
    await sleep(200);
  }
}

describe('readiness follows Kafka', () => {
  const kafka = new LocalKafka(19092);
  let app: TestApp;

  beforeAll(async () => {
    await kafka.start();
    app = await startTestApp('bots', (config) => BotsAppModule.register(config), { KAFKA_BROKERS: kafka.brokers });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await kafka.stop();
  });

  it('answers 503 within a few seconds of Kafka stopping, and 200 again once it is back', async () => {
    expect(await readinessWithin(app.url, 200, 5000)).toBe(200);
    await kafka.stop();
    expect(await readinessWithin(app.url, 503, 5000)).toBe(503);
    expect(await scrapeMetric(app.url, 'rekey_ready')).toBe(0);
    const live = await fetch(`${app.url}/health/live`);
    expect(live.status).toBe(200);
    await kafka.start();
    expect(await readinessWithin(app.url, 200, 15_000)).toBe(200);
    expect(await scrapeMetric(app.url, 'rekey_ready')).toBe(1);
  }, 120_000);
});
