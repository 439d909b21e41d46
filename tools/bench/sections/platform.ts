import { hammer, Measurement } from '../lib/measure';
import { Server, startBenchServer } from '../lib/processes';
import { againstCeiling, Row } from '../lib/report';

const LIVE = [{ method: 'GET' as const, path: '/health/live', headers: {} }];

let bareNest: Promise<Measurement> | undefined;

/** `GET /health/live` of a bare NestJS app on the Fastify adapter (bare-nest-server.ts): measured once per run, by the first section asking. */
function bareNestHello(): Promise<Measurement> {
  bareNest ??= (async () => {
    const bare = await startBenchServer('bare-nest', 'bare-nest-server.ts');
    try {
      return await hammer(bare.url, LIVE);
    } finally {
      await bare.stop();
    }
  })();
  return bareNest;
}

/** The app's `GET /health/live` (no work, no auth, no log line) against the bare NestJS hello: what the platform's per-request chain costs beyond NestJS. */
export async function liveRows(app: Server): Promise<Row[]> {
  const appRun = await hammer(app.url, LIVE);
  return againstCeiling(`GET /health/live (${app.name} app)`, appRun, 'bare NestJS hello on the Fastify adapter', await bareNestHello(), '≥ 0.8');
}
