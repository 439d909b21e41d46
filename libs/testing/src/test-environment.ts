import { randomBytes } from 'node:crypto';

/** Environment variables through which the jest global setup passes server addresses to tests. */
export const TEST_MONGO_URL = 'REKEY_TEST_MONGO_URL';
export const TEST_KAFKA_BROKERS = 'REKEY_TEST_KAFKA_BROKERS';
export const TEST_MQTT_URL = 'REKEY_TEST_MQTT_URL';

/**
 * The test harness's one reader (and, for jest's global setup, writer) of the process environment:
 * the test-side twin of `loadConfig` (libs/platform), through which the apps read theirs.
 */
const environment = process.env;

/** A variable of the test run's environment, if set. */
export function testSetting(name: string): string | undefined {
  return environment[name];
}

/** A numeric knob of the test run (e.g. a fault test's rate), or `fallback` when unset. */
export function testNumber(name: string, fallback: number): number {
  return Number(environment[name] ?? fallback);
}

/** Hands a value to the test workers (jest's global setup, before they start). */
export function setTestSetting(name: string, value: string): void {
  environment[name] = value;
}

/** A copy of the whole environment, for a child process that needs it with a few changes. */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return { ...environment };
}

function required(name: string): string {
  const value = environment[name];
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
