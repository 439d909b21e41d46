import { mergeTags, modesOf, parseTunnelArn, statusAt, tunnelArn } from './tunnel';

describe('tunnel rules', () => {
  it('builds and parses tunnel ARNs as AWS issues them', () => {
    const arn = tunnelArn('eu-west-1', '111111111111', 'b2de92a3-b8ff-46c0-b0f2-afa28b00cecd');
    expect(arn).toBe('arn:aws:iot:eu-west-1:111111111111:tunnel/b2de92a3-b8ff-46c0-b0f2-afa28b00cecd');
    expect(parseTunnelArn(arn)).toEqual({ region: 'eu-west-1', tenant: '111111111111', tunnelId: 'b2de92a3-b8ff-46c0-b0f2-afa28b00cecd' });
    for (const other of ['arn:aws:iot:eu-west-1:111111111111:thing/x', 'arn:aws:tunnel:eu-west-1:111111111111:tunnel/x', `${arn}/extra`, 'arn:aws:iot:eu-west-1:1111:tunnel/x', '']) {
      expect(parseTunnelArn(other)).toBeUndefined();
    }
  });

  it('is OPEN only while stored open and before its end of life', () => {
    const expiresAt = new Date('2026-11-22T12:00:00Z');
    expect(statusAt({ state: 'OPEN', expiresAt }, new Date('2026-11-22T11:59:59.999Z'))).toBe('OPEN');
    expect(statusAt({ state: 'OPEN', expiresAt }, expiresAt)).toBe('CLOSED');
    expect(statusAt({ state: 'CLOSED', expiresAt }, new Date('2026-11-22T10:00:00Z'))).toBe('CLOSED');
    expect(statusAt({ state: 'PENDING', expiresAt }, new Date('2026-11-22T10:00:00Z'))).toBe('CLOSED');
  });

  it('rotates the modes a clientMode names', () => {
    expect(modesOf('SOURCE')).toEqual(['SOURCE']);
    expect(modesOf('DESTINATION')).toEqual(['DESTINATION']);
    expect(modesOf('ALL')).toEqual(['SOURCE', 'DESTINATION']);
  });

  it('merges tags by key, the later value winning', () => {
    expect(mergeTags([{ key: 'a', value: '1' }, { key: 'b', value: '2' }], [{ key: 'b', value: '3' }, { key: 'c', value: '' }, { key: 'c', value: '4' }])).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '3' },
      { key: 'c', value: '4' },
    ]);
  });
});
