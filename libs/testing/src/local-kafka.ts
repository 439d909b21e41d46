import { PrivateServer } from './private-server';

/**
 * A Kafka broker of a test's own on another port, started and stopped through tools/infra, for
 * tests that take Kafka away and bring it back.
 */
export class LocalKafka extends PrivateServer {
  constructor(port: number) {
    super(port, 'kafka');
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected upArguments(): string[] {
    return ['--kafka-port', String(this.port)];
  }
}
