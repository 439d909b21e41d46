import { DESTINATION_TOKEN_SEAL_PURPOSE, fingerprint } from '@rekey/contracts';
import { Keyring, SealedTokenError, sha256Hex } from '@rekey/tokens';
import { TunnelRecord } from './tunnel';
import { TunnelEvents } from './tunnels.events';

const createdAt = new Date('2026-11-22T10:00:00.000Z');
const tunnel = (changes: Partial<TunnelRecord> = {}): TunnelRecord => ({
  id: 'b2de92a3-b8ff-46c0-b0f2-afa28b00cecd',
  tenant: '111111111111',
  arn: 'arn:aws:iot:us-east-1:111111111111:tunnel/b2de92a3-b8ff-46c0-b0f2-afa28b00cecd',
  state: 'OPEN',
  destinationConfig: { thingName: 'pump-7', services: ['SSH'] },
  lifetimeMinutes: 60,
  createdAt,
  expiresAt: new Date('2026-11-22T11:00:00.000Z'),
  lastUpdatedAt: createdAt,
  tags: [],
  tagsRevision: 0,
  sourceTokenHash: 'h1',
  destinationTokenHash: 'h2',
  generation: 3,
  sourceConnectionState: { status: 'DISCONNECTED', lastUpdatedAt: createdAt },
  destinationConnectionState: { status: 'DISCONNECTED', lastUpdatedAt: createdAt },
  ...changes,
});

describe('TunnelEvents', () => {
  const keyring = Keyring.dev();
  const events = new TunnelEvents(keyring);

  it('describes a rotation with fingerprints that expire with the tunnel, and the destination token sealed for the notifier', () => {
    const event = events.tokenRotated(tunnel(), 'ALL', { SOURCE: 'source-token', DESTINATION: 'destination-token' }, new Date('2026-11-22T10:40:00.000Z'));
    expect(event).toMatchObject({ type: 'rekey.tunnels.TokenRotated', source: '/rekey/tunnels', subject: tunnel().arn, tenant: '111111111111', key: tunnel().id });
    expect(event.data).toMatchObject({
      resourceType: 'tunnel',
      resourceId: tunnel().id,
      resourceArn: tunnel().arn,
      clientMode: 'ALL',
      thingName: 'pump-7',
      generation: 3,
      rotatedAt: '2026-11-22T10:40:00.000Z',
      tokens: [
        { kind: 'SourceAccessToken', fingerprint: fingerprint('source-token'), verifier: sha256Hex('source-token'), expiresAt: '2026-11-22T11:00:00.000Z' },
        { kind: 'DestinationAccessToken', fingerprint: fingerprint('destination-token'), verifier: sha256Hex('destination-token'), expiresAt: '2026-11-22T11:00:00.000Z' },
      ],
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain('source-token');
    expect(text).not.toContain('destination-token');
    expect(keyring.open(event.data.sealedDestinationAccessToken!, DESTINATION_TOKEN_SEAL_PURPOSE)).toEqual({ tunnelId: tunnel().id, destinationAccessToken: 'destination-token' });
    expect(() => keyring.open(event.data.sealedDestinationAccessToken!, 'chat')).toThrow(SealedTokenError);
  });

  it('seals nothing when no destination token was issued or there is no thing to deliver it to', () => {
    expect(events.tokenRotated(tunnel(), 'SOURCE', { SOURCE: 's' }, createdAt).data.sealedDestinationAccessToken).toBeUndefined();
    const headless = tunnel({ destinationConfig: { services: ['SSH'] } });
    const rotated = events.tokenRotated(headless, 'DESTINATION', { DESTINATION: 'd' }, createdAt).data;
    expect(rotated.sealedDestinationAccessToken).toBeUndefined();
    expect('thingName' in rotated).toBe(false);
    expect(events.opened(tunnel({ destinationConfig: undefined }), { SOURCE: 's', DESTINATION: 'd' }).data).not.toHaveProperty('sealedDestinationAccessToken');
  });

  it('describes an opening and a closing', () => {
    const opened = events.opened(tunnel({ generation: 1, description: 'pump' }), { SOURCE: 's', DESTINATION: 'd' });
    expect(opened.type).toBe('rekey.tunnels.TunnelOpened');
    expect(opened.data).toMatchObject({ tunnelId: tunnel().id, description: 'pump', services: ['SSH'], lifetimeMinutes: 60, createdAt: '2026-11-22T10:00:00.000Z', expiresAt: '2026-11-22T11:00:00.000Z', generation: 1 });
    expect(opened.data.tokens.map((t) => t.kind)).toEqual(['SourceAccessToken', 'DestinationAccessToken']);
    const closed = events.closed(tunnel(), { reason: 'EXPIRED', deleted: false, closedAt: tunnel().expiresAt });
    expect(closed).toMatchObject({ type: 'rekey.tunnels.TunnelClosed', key: tunnel().id, subject: tunnel().arn });
    expect(closed.data).toEqual({ tenant: '111111111111', tunnelId: tunnel().id, tunnelArn: tunnel().arn, thingName: 'pump-7', reason: 'EXPIRED', deleted: false, closedAt: '2026-11-22T11:00:00.000Z' });
  });
});
