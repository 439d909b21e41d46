// Apache Kafka in KRaft single-node mode, its jars resolved once from Maven Central.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommand, run } from './commands.mjs';
import { step } from './log.mjs';
import { dataDir, KAFKA_VERSION, kafkaLibsDir } from './paths.mjs';
import { kafkaAnswers } from './probes.mjs';
import { startDetached } from './processes.mjs';

/**
 * A KRaft cluster id: 16 random bytes, base64url, as Kafka's own Uuid.randomUuid makes them, and
 * like it never starting with "-", which the storage tool's argument parser would take for an
 * option (1 id in 64 did, failing a fresh machine's first start).
 */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const pom = join(dirname(fileURLToPath(import.meta.url)), 'kafka', 'pom.xml');
export const KAFKA_MARKER = 'kafka.Kafka';

export function ensureKafkaJars() {
  const complete = join(kafkaLibsDir, '.complete');
  if (existsSync(complete)) return;
  requireCommand('mvn', 'download Apache Kafka from Maven Central (install Maven 3)');
  step(`kafka: resolving Apache Kafka ${KAFKA_VERSION} jars with Maven (first run only)`);
  run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${kafkaLibsDir}`, '-DincludeScope=runtime']);
  writeFileSync(complete, new Date().toISOString());
}

function serverProperties({ port, controllerPort, logDirs }) {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDirs}
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
`;
}

const log4jProperties = `log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
`;

export async function startKafka({ name, port }) {
  requireCommand('java', 'run Apache Kafka (install Java 17)');
  ensureKafkaJars();
  const dir = join(dataDir, name);
  const logDirs = join(dir, 'logs');
  const properties = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j.properties');
  mkdirSync(dir, { recursive: true });
  writeFileSync(properties, serverProperties({ port, controllerPort: port + 1, logDirs }));
  writeFileSync(log4j, log4jProperties);
  const classpath = `${kafkaLibsDir}/*`;
  const jvm = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath];
  if (!existsSync(join(logDirs, 'meta.properties'))) {
    step(`${name}: formatting KRaft storage`);
    run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', properties, '--ignore-formatted']);
  }
  step(`${name}: starting on 127.0.0.1:${port} (controller ${port + 1})`);
  return startDetached({
    name,
    command: 'java',
    args: [...jvm, KAFKA_MARKER, properties],
    cwd: dir,
    logPath: join(dir, 'kafka.log'),
    answers: () => kafkaAnswers(port),
  });
}
