import { hammer } from '../lib/measure';
import { startApp, startBenchServer } from '../lib/processes';
import { againstCeiling, Row } from '../lib/report';
import { Call, RequestSigner } from '../lib/signed-requests';
import { BenchContext, database } from './context';
import { liveRows } from './platform';

const POOL = 256;

/** CreateChatToken against a bare Fastify handler doing the same sealing. */
export async function chatRows(context: BenchContext): Promise<Row[]> {
  const app = await startApp('chat', context.infra, database(context, 'chat'));
  const bare = await startBenchServer('bare-seal', 'bare-seal-server.ts');
  try {
    const signer = new RequestSigner(app.url, 'ivschat');
    const room = await signer.expect<{ arn: string }>({ method: 'POST', path: '/CreateRoom', body: JSON.stringify({ name: 'bench' }) });
    const calls: Call[] = Array.from({ length: POOL }, (_, i) => ({
      method: 'POST',
      path: '/CreateChatToken',
      body: JSON.stringify({ roomIdentifier: room.arn, userId: `bench-user-${i}`, capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'], attributes: { displayName: `User ${i}` } }),
    }));
    const bareRun = await hammer(bare.url, await new RequestSigner(bare.url, 'ivschat').signAll(calls));
    const appRun = await hammer(app.url, await signer.signAll(calls));
    return [...(await liveRows(app)), ...againstCeiling('CreateChatToken (chat app)', appRun, 'bare Fastify handler, same sealing', bareRun, '≥ 0.6')];
  } finally {
    await Promise.all([app.stop(), bare.stop()]);
  }
}
