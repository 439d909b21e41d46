import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import type { Infrastructure } from './infrastructure';
import { freePort } from './production-app';

/**
 * Official `mongo` and `apache/kafka` images, as docker-compose.yml uses. Kafka advertises a
 * fixed host port chosen up front, since clients must reach it at the address it advertises.
 * Returns undefined when no container runtime answers after all.
 */
export async function startContainers(): Promise<Infrastructure | undefined> {
  try {
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const kafkaPort = await freePort();
  const [mongo, kafka] = await Promise.all([
    new GenericContainer('mongo:7.0').withExposedPorts(27017).withWaitStrategy(Wait.forListeningPorts()).start(),
    new GenericContainer('apache/kafka:3.9.1')
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
  ]);
  return {
    mongoUrl: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}`,
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    source: 'testcontainers',
    release: async () => {
      await Promise.all([mongo.stop(), kafka.stop()]);
    },
  };
}
