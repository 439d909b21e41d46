import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const infraCli = join(__dirname, '..', '..', '..', 'tools', 'infra', 'cli.mjs');

/**
 * A Kafka broker of a test's own on another port, started and stopped through tools/infra, for
 * tests that take Kafka away and bring it back.
 */
export class LocalKafka {
  constructor(readonly port: number) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await run(process.execPath, [infraCli, 'up', '--kafka-port', String(this.port), '--json']);
  }

  async stop(): Promise<void> {
    await run(process.execPath, [infraCli, 'down', `kafka-${this.port}`]);
  }
}
