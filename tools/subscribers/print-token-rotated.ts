// A downstream subscriber, as a team consuming Rekey's events would write it: prints every
// TokenRotated (bots and tunnels) with its resource and generation, using only the subscriber
// toolkit and the contracts.
//   KAFKA_BROKERS=127.0.0.1:9092 npm run subscribe:token-rotated
import { EVENT_TYPES, TokenRotatedData, TOPICS } from '@rekey/contracts';
import { EventSubscriber, MemoryProcessedEvents } from '@rekey/events';
import { Kafka, logLevel } from 'kafkajs';

const rotations = new Set<string>([EVENT_TYPES.bots.TokenRotated, EVENT_TYPES.tunnels.TokenRotated]);

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'print-token-rotated', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN });
  const subscriber = new EventSubscriber(kafka, new MemoryProcessedEvents());
  const subscription = await subscriber.subscribe({
    groupId: process.env.GROUP_ID ?? 'print-token-rotated',
    topics: [TOPICS.bots, TOPICS.tunnels],
    fromBeginning: process.env.FROM_BEGINNING === 'true',
    handle: async (event) => {
      if (!rotations.has(event.type)) return;
      const data = event.data as TokenRotatedData;
      const tokens = data.tokens.map((t) => `${t.kind}=${t.fingerprint}`).join(' ');
      process.stdout.write(`${data.rotatedAt} ${data.resourceType} ${data.resourceId} tenant=${data.tenant} generation=${data.generation} ${tokens}\n`);
    },
  });
  const stop = () => void subscription.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
