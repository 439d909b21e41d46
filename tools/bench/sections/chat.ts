import { hammer } from '../lib/measure';
import { Server, startApp, startBenchServer } from '../lib/processes';
import { againstCeiling, Row } from '../lib/report';
import { Call, RequestSigner } from '../lib/signed-requests';
import { BenchContext, database, topic } from './context';
import { liveRows } from './platform';

const POOL = 256;

/**
 * CreateChatToken against a bare Fastify handler doing what its contract requires (bare-seal-server.ts:
 * SigV4, validation, the room from memory, the sealing, ChatTokenCreated acknowledged by Kafka).
 */
export async function chatRows(context: BenchContext): Promise<Row[]> {
  const db = database(context, 'chat');
  const app = await startApp('chat', context.infra, db);
  let bare: Server | undefined;
  try {
    const signer = new RequestSigner(app.url, 'ivschat');
    const room = await signer.expect<{ arn: string }>({ method: 'POST', path: '/CreateRoom', body: JSON.stringify({ name: 'bench' }) });
    const calls: Call[] = Array.from({ length: POOL }, (_, i) => ({
      method: 'POST',
      path: '/CreateChatToken',
      body: JSON.stringify({ roomIdentifier: room.arn, userId: `bench-user-${i}`, capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'], attributes: { displayName: `User ${i}` } }),
    }));
    // The probe before the load rows (CreateRoom above has run the per-request chain): they leave work behind in the app.
    const live = await liveRows(app);
    bare = await startBenchServer('bare-seal', 'bare-seal-server.ts', { MONGO_URI: `${context.infra.mongoUrl}/${db}`, KAFKA_BROKERS: context.infra.kafkaBrokers, BARE_TOPIC: topic(context, 'chat-ceiling') });
    const bareRun = await hammer(bare.url, await new RequestSigner(bare.url, 'ivschat').signAll(calls));
    const appRun = await hammer(app.url, await signer.signAll(calls));
    return [...live, ...againstCeiling('CreateChatToken (chat app)', appRun, 'bare Fastify handler: same SigV4 check, validation, room lookup in memory, sealing, event acked by Kafka', bareRun, '≥ 0.6')];
  } finally {
    await Promise.all([app.stop(), bare?.stop()]);
  }
}
