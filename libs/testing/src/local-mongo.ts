import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inheritedEnvironment, testKafkaBrokers } from './test-environment';

const run = promisify(execFile);
const infraCli = join(__dirname, '..', '..', '..', 'tools', 'infra', 'cli.mjs');

/**
 * A MongoDB-wire server of a test's own on another port (tools/infra, data kept across restarts),
 * for tests that stop, stall (SIGSTOP) and resume the database.
 */
export class LocalMongo {
  constructor(readonly port: number) {}

  /** A connection string to a database on this server. */
  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    // The shared Kafka is reused (tools/infra brings both up): only the database is this test's.
    const kafkaPort = testKafkaBrokers().split(',')[0].split(':')[1];
    await run(process.execPath, [infraCli, 'up', '--mongo-port', String(this.port), '--kafka-port', kafkaPort, '--json'], {
      env: { ...inheritedEnvironment(), REKEY_MONGO_HEAP: '384m' },
    });
  }

  async stop(): Promise<void> {
    await run(process.execPath, [infraCli, 'down', this.name]);
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  async stall(): Promise<void> {
    await run(process.execPath, [infraCli, 'signal', this.name, 'STOP']);
  }

  async resume(): Promise<void> {
    await run(process.execPath, [infraCli, 'signal', this.name, 'CONT']);
  }

  private get name(): string {
    return `mongo-${this.port}`;
  }
}
