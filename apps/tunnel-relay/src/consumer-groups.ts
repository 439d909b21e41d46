import { RekeyConfig } from '@rekey/platform';

/**
 * Consumer group of a durable subscription of the relay. Its committed offsets describe what the
 * relay's database already holds, so the group is named after that database: a relay with a fresh
 * database (a new deployment, each test) rebuilds its projection from the topic's start.
 */
export function consumerGroup(config: RekeyConfig, subscription: string): string {
  const database = new URL(config.mongoUri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.slice(1) || 'default';
  return `tunnel-relay.${subscription}.${database}`;
}
