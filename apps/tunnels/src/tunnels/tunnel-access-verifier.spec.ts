import { sha256Hex } from '@rekey/tokens';
import { Clock } from './clock';
import { AccessMode, TunnelState } from './tunnel';
import { TunnelAccessVerifier } from './tunnel-access-verifier';
import { TunnelsRepository } from './tunnels.repository';

describe('TunnelAccessVerifier', () => {
  const expiresAt = new Date('2026-11-22T11:00:00.000Z');
  let state: TunnelState = 'OPEN';
  let now = new Date('2026-11-22T10:30:00.000Z');
  const hashes: Record<AccessMode, string> = { SOURCE: sha256Hex('source-token'), DESTINATION: sha256Hex('destination-token') };
  const repository = {
    findVerifier: async (id: string, mode: AccessMode) => (id === 't1' ? { tokenHash: hashes[mode], state, expiresAt } : undefined),
  } as unknown as TunnelsRepository;
  const clock = { now: () => now } as Clock;
  const verifier = new TunnelAccessVerifier(repository, clock);

  beforeEach(() => {
    state = 'OPEN';
    now = new Date('2026-11-22T10:30:00.000Z');
  });

  it('accepts the current token of its own mode only', async () => {
    expect(await verifier.verifyAccessToken('t1', 'SOURCE', 'source-token')).toBe(true);
    expect(await verifier.verifyAccessToken('t1', 'DESTINATION', 'destination-token')).toBe(true);
    expect(await verifier.verifyAccessToken('t1', 'SOURCE', 'destination-token')).toBe(false);
    expect(await verifier.verifyAccessToken('t1', 'SOURCE', 'source-token ')).toBe(false);
    expect(await verifier.verifyAccessToken('t1', 'SOURCE', '')).toBe(false);
    expect(await verifier.verifyAccessToken('t2', 'SOURCE', 'source-token')).toBe(false);
    expect(await verifier.verifyAccessToken('t1', 'source' as AccessMode, 'source-token')).toBe(false);
  });

  it('refuses every token of a closed, expired or not yet open tunnel', async () => {
    now = expiresAt;
    expect(await verifier.verifyAccessToken('t1', 'SOURCE', 'source-token')).toBe(false);
    now = new Date('2026-11-22T10:30:00.000Z');
    for (const closed of ['CLOSED', 'PENDING'] as const) {
      state = closed;
      expect(await verifier.verifyAccessToken('t1', 'DESTINATION', 'destination-token')).toBe(false);
    }
  });
});
