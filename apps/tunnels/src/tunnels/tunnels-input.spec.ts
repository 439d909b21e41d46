import { ServiceError, validateInput } from '@rekey/aws-protocol';
import { ListTunnelsRequest, OpenTunnelRequest, RotateTunnelAccessTokenRequest, TagTunnelRequest, UntagTunnelRequest } from '@rekey/contracts';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'Validation') return [...new Set((error.details.fieldList ?? []).map((f) => f.name))].sort();
    throw error;
  }
  return [];
}

const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: 'v' }));

describe('tunnel request rules (the botocore model constraints)', () => {
  it('accepts what the model allows', () => {
    expect(fieldsOf(() => validateInput(OpenTunnelRequest, {}))).toEqual([]);
    const full = {
      description: 'x'.repeat(2048),
      tags: tags(200),
      destinationConfig: { thingName: 'a:b_c-D9'.padEnd(128, 'x'), services: ['SSH', 'RDP'] },
      timeoutConfig: { maxLifetimeTimeoutMinutes: 720 },
    };
    expect(fieldsOf(() => validateInput(OpenTunnelRequest, full))).toEqual([]);
    expect(fieldsOf(() => validateInput(TagTunnelRequest, { resourceArn: 'arn', tags: [{ key: 'ünïcode @/=+-.:_ 1', value: '' }] }))).toEqual([]);
    expect(fieldsOf(() => validateInput(UntagTunnelRequest, { resourceArn: 'arn', tagKeys: [] }))).toEqual([]);
    expect(fieldsOf(() => validateInput(ListTunnelsRequest, { maxResults: 100, nextToken: 'abc_-=' }))).toEqual([]);
  });

  it.each([
    [{ description: '' }, 'description'],
    [{ description: 'x'.repeat(2049) }, 'description'],
    [{ description: 'tab\there' }, 'description'],
    [{ description: 7 }, 'description'],
    [{ tags: [] }, 'tags'],
    [{ tags: tags(201) }, 'tags'],
    [{ tags: [{ key: 'k' }] }, 'tags.0.value'],
    [{ tags: [{ key: 'k'.repeat(129), value: 'v' }] }, 'tags.0.key'],
    [{ tags: [{ key: 'k', value: 'v'.repeat(257) }] }, 'tags.0.value'],
    [{ tags: [{ key: 'semi;colon', value: 'v' }] }, 'tags.0.key'],
    [{ destinationConfig: { services: [] } }, 'destinationConfig.services'],
    [{ destinationConfig: { thingName: 'x' } }, 'destinationConfig.services'],
    [{ destinationConfig: { services: ['s'.repeat(129)] } }, 'destinationConfig.services'],
    [{ destinationConfig: { services: ['a b'] } }, 'destinationConfig.services'],
    [{ destinationConfig: { thingName: '', services: ['SSH'] } }, 'destinationConfig.thingName'],
    [{ destinationConfig: 'SSH' }, 'destinationConfig'],
    [{ timeoutConfig: { maxLifetimeTimeoutMinutes: 721 } }, 'timeoutConfig.maxLifetimeTimeoutMinutes'],
    [{ timeoutConfig: { maxLifetimeTimeoutMinutes: 1.5 } }, 'timeoutConfig.maxLifetimeTimeoutMinutes'],
    [{ timeoutConfig: { maxLifetimeTimeoutMinutes: '60' } }, 'timeoutConfig.maxLifetimeTimeoutMinutes'],
  ])('refuses OpenTunnel %j at %s', (input, field) => {
    expect(fieldsOf(() => validateInput(OpenTunnelRequest, input))).toContain(field);
  });

  it('requires tunnelId and a known clientMode for RotateTunnelAccessToken', () => {
    expect(fieldsOf(() => validateInput(RotateTunnelAccessTokenRequest, {}))).toEqual(expect.arrayContaining(['tunnelId', 'clientMode']));
    expect(fieldsOf(() => validateInput(RotateTunnelAccessTokenRequest, { tunnelId: 'x'.repeat(129), clientMode: 'source' }))).toEqual(['clientMode', 'tunnelId']);
    expect(fieldsOf(() => validateInput(RotateTunnelAccessTokenRequest, { tunnelId: 't-1', clientMode: 'ALL' }))).toEqual([]);
  });

  it('bounds ListTunnels paging and UntagResource keys', () => {
    expect(fieldsOf(() => validateInput(ListTunnelsRequest, { maxResults: 0 }))).toEqual(['maxResults']);
    expect(fieldsOf(() => validateInput(ListTunnelsRequest, { nextToken: 'x'.repeat(4097) }))).toEqual(['nextToken']);
    expect(fieldsOf(() => validateInput(ListTunnelsRequest, { thingName: 'a/b' }))).toEqual(['thingName']);
    expect(fieldsOf(() => validateInput(UntagTunnelRequest, { resourceArn: '', tagKeys: [''] }))).toEqual(['resourceArn', 'tagKeys']);
  });
});
