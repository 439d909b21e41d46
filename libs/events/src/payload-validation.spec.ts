import { EVENT_CATALOG, EVENT_TYPES, eventContract, TokenRotatedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { InvalidPayloadError, validatePayload } from './payload-validation';

/** The bots TokenRotated example of docs/contracts.md. */
const botRotation = {
  tenant: '111111111111',
  resourceType: 'bot',
  resourceId: '5f0c7c4e-0000-4000-8000-000000000001',
  resourceArn: null,
  chimeAccountId: '9d1e7c4e-0000-4000-8000-000000000002',
  generation: 2,
  tokens: [{ kind: 'SecurityToken', fingerprint: 'sha256:0123456789abcdef', expiresAt: null }],
  rotatedAt: '2026-11-22T10:00:00.000Z',
};

describe('event payload validation against the contract classes', () => {
  it('knows every event type of the contracts, each with a topic and a payload class', () => {
    const types = Object.values(EVENT_TYPES).flatMap((byApp) => Object.values(byApp));
    expect(Object.keys(EVENT_CATALOG).sort()).toEqual([...types].sort());
    expect(eventContract(EVENT_TYPES.tunnels.TokenRotated)).toEqual({ topic: 'rekey.tunnels.v1', payload: TunnelTokenRotatedData });
    expect(() => eventContract('rekey.chat.RoomCreatd')).toThrow('unknown event type rekey.chat.RoomCreatd');
  });

  it('gives an instance of the contract class for a valid payload, keeping members the contract does not name', async () => {
    const payload = await validatePayload(EVENT_TYPES.bots.TokenRotated, eventContract(EVENT_TYPES.bots.TokenRotated), { ...botRotation, addedLater: 1 });
    expect(payload).toBeInstanceOf(TokenRotatedData);
    expect(payload).toEqual({ ...botRotation, addedLater: 1 });
  });

  it('names every broken member, nested ones by their path', async () => {
    const broken = { ...botRotation, resourceArn: undefined, generation: 0, tokens: [{ kind: 'SecurityToken', fingerprint: 'the token itself', expiresAt: null }] };
    await expect(validatePayload(EVENT_TYPES.bots.TokenRotated, eventContract(EVENT_TYPES.bots.TokenRotated), broken)).rejects.toThrow(
      new InvalidPayloadError(
        'rekey.bots.TokenRotated payload is invalid: resourceArn must be a string; resourceArn must not be empty; generation must not be less than 1; tokens.0.fingerprint: fingerprint must be sha256: and 16 lowercase hex characters',
      ),
    );
  });

  it('refuses a payload that is not a JSON object', async () => {
    for (const data of [null, 'text', [botRotation]]) {
      await expect(validatePayload(EVENT_TYPES.bots.TokenRotated, eventContract(EVENT_TYPES.bots.TokenRotated), data)).rejects.toThrow('rekey.bots.TokenRotated payload is not a JSON object');
    }
  });
});
