import { hammer, Measurement } from '../lib/measure';
import { Server, startBenchServer } from '../lib/processes';
import { againstCeiling, Row } from '../lib/report';

const LIVE = [{ method: 'GET' as const, path: '/health/live', headers: {} }];

/** `GET /health/live` of a bare NestJS app on the Fastify adapter (bare-nest-server.ts), in a process of its own. */
async function bareNestHello(): Promise<Measurement> {
  const bare = await startBenchServer('bare-nest', 'bare-nest-server.ts');
  try {
    return await hammer(bare.url, LIVE);
  } finally {
    await bare.stop();
  }
}

/**
 * The app's `GET /health/live` (no work, no auth, no log line) against the bare NestJS hello
 * measured just before it (each app's own, as the machine's load drifts over a run): what the
 * platform's per-request chain costs beyond NestJS.
 */
export async function liveRows(app: Server): Promise<Row[]> {
  const bare = await bareNestHello();
  const appRun = await hammer(app.url, LIVE);
  return againstCeiling(`GET /health/live (${app.name} app)`, appRun, 'bare NestJS hello on the Fastify adapter', bare, '≥ 0.8');
}
