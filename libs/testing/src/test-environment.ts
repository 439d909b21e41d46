import { randomBytes } from 'node:crypto';

/** Environment variables through which the jest global setup passes server addresses to tests. */
export const TEST_MONGO_URL = 'REKEY_TEST_MONGO_URL';
export const TEST_KAFKA_BROKERS = 'REKEY_TEST_KAFKA_BROKERS';
export const TEST_MQTT_URL = 'REKEY_TEST_MQTT_URL';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest's global setup (npm test / npx jest)`);
  return value;
}

export function testKafkaBrokers(): string {
  return required(TEST_KAFKA_BROKERS);
}

/** The MQTT broker of the run (tests that notify devices). */
export function testMqttUrl(): string {
  return required(TEST_MQTT_URL);
}

/** A connection string to a fresh database of its own, so tests never see each other's data. */
export function uniqueMongoUri(prefix: string): string {
  return `${required(TEST_MONGO_URL)}/${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A unique name for a test's own topic, consumer group or resource. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
