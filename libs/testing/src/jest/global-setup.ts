import { resolveInfrastructure } from '../infrastructure';
import { warmUpKafka } from './kafka-warm-up';
import { setTestSetting, TEST_KAFKA_BROKERS, TEST_MONGO_URL, TEST_MQTT_URL } from '../test-environment';

/** Starts (or finds) the real servers once per jest run and hands their addresses to the workers. */
export default async function globalSetup(): Promise<void> {
  const infrastructure = await resolveInfrastructure();
  process.stderr.write(`\n[testing] MongoDB ${infrastructure.mongoUrl}, Kafka ${infrastructure.kafkaBrokers} (${infrastructure.source})\n`);
  await warmUpKafka(infrastructure.kafkaBrokers);
  setTestSetting(TEST_MONGO_URL, infrastructure.mongoUrl);
  setTestSetting(TEST_KAFKA_BROKERS, infrastructure.kafkaBrokers);
  if (infrastructure.mqttUrl) setTestSetting(TEST_MQTT_URL, infrastructure.mqttUrl);
  (globalThis as { rekeyInfrastructure?: typeof infrastructure }).rekeyInfrastructure = infrastructure;
}
