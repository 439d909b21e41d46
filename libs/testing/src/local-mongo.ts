import { PrivateServer } from './private-server';
import { testKafkaBrokers } from './test-environment';

/**
 * A MongoDB-wire server of a test's own on another port (tools/infra, data kept across restarts),
 * for tests that stop, stall (SIGSTOP) and resume the database.
 */
export class LocalMongo extends PrivateServer {
  constructor(port: number) {
    super(port, 'mongo');
  }

  /** A connection string to a database on this server. */
  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  stall(): Promise<void> {
    return this.signal('STOP');
  }

  resume(): Promise<void> {
    return this.signal('CONT');
  }

  protected upArguments(): string[] {
    // The shared Kafka is reused (tools/infra brings both up): only the database is this test's.
    const kafkaPort = testKafkaBrokers().split(',')[0].split(':')[1];
    return ['--mongo-port', String(this.port), '--kafka-port', kafkaPort];
  }

  protected override environment(): NodeJS.ProcessEnv {
    return { REKEY_MONGO_HEAP: '384m' };
  }
}
