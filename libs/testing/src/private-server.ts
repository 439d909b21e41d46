import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inheritedEnvironment } from './test-environment';

const run = promisify(execFile);
const infraCli = join(__dirname, '..', '..', '..', 'tools', 'infra', 'cli.mjs');

/** Whether something accepts connections on 127.0.0.1:`port`. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(1_000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A server of a test's own (Kafka or MongoDB-wire) on a fixed private port, started and stopped
 * through tools/infra. It refuses to start when the port is already taken, rather than reusing
 * whatever answers there: a leftover from an interrupted run, or another checkout running the same
 * test, would otherwise be shared, and stopped under the other's feet. It only stops what it started.
 */
export abstract class PrivateServer {
  private running = false;
  private starting?: Promise<void>;

  constructor(
    readonly port: number,
    private readonly kind: 'kafka' | 'mongo',
  ) {}

  /** tools/infra's name of the server, e.g. `kafka-19492`. */
  protected get name(): string {
    return `${this.kind}-${this.port}`;
  }

  start(): Promise<void> {
    this.starting = this.launch();
    return this.starting;
  }

  private async launch(): Promise<void> {
    if (await portAnswers(this.port)) {
      throw new Error(
        `port ${this.port} is already in use: a ${this.kind} left over from an interrupted run, or another checkout running this test? ` +
          `Stop it (\`node tools/infra/cli.mjs down ${this.name}\` if tools/infra started it, else the process listening on ${this.port}) and run again.`,
      );
    }
    try {
      await run(process.execPath, [infraCli, 'up', ...this.upArguments(), '--json'], { env: { ...inheritedEnvironment(), ...this.environment() } });
    } catch (error) {
      // `up` also checks the shared servers and can fail on one of them (too busy to answer) after starting this one: stop it rather than leave it behind.
      if (String((error as { stderr?: string }).stderr).includes(`${this.name}: ready`)) await run(process.execPath, [infraCli, 'down', this.name]).catch(() => undefined);
      throw error;
    }
    this.running = true;
  }

  /**
   * Stops the server if this instance started it (a refused start leaves the port's owner alone).
   * A start still under way is waited for first: when a sibling server's start failed and rejected
   * the test's `Promise.all`, this one's would otherwise come up after its stop and outlive the test.
   */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (!this.running) return;
    await run(process.execPath, [infraCli, 'down', this.name]);
    this.running = false;
  }

  /** Sends SIGSTOP (the server keeps its connections open and answers nothing) or SIGCONT. */
  protected async signal(which: 'STOP' | 'CONT'): Promise<void> {
    await run(process.execPath, [infraCli, 'signal', this.name, which]);
  }

  /** `tools/infra up` arguments (the ports of the servers it brings up). */
  protected abstract upArguments(): string[];

  protected environment(): NodeJS.ProcessEnv {
    return {};
  }
}
