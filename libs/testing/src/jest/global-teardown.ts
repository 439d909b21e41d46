import type { Infrastructure } from '../infrastructure';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { rekeyInfrastructure?: Infrastructure }).rekeyInfrastructure?.release();
}
