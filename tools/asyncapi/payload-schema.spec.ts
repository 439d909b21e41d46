import { join } from 'node:path';
import { PayloadSchemas } from './payload-schema';

describe('PayloadSchemas', () => {
  const schemas = new PayloadSchemas(join(__dirname, 'fixtures', 'payloads.ts'));

  it('turns declarations into JSON Schema: members and inherited ones, optional, null, enums, arrays, maps, nested types, TSDoc', () => {
    expect(schemas.of('Payload')).toEqual({
      type: 'object',
      properties: {
        note: { type: 'string' },
        generation: { type: 'number' },
        tokens: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { enum: ['A', 'B'] }, expiresAt: { type: ['string', 'null'], description: 'End of validity, or null; see `Payload`.' } },
            required: ['kind', 'expiresAt'],
          },
        },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        mode: { enum: ['X', 'Y', null] },
        nested: { type: 'object', properties: { uri: { type: 'string' } }, required: ['uri'] },
        tenant: { type: 'string' },
        flag: { type: 'boolean' },
      },
      required: ['generation', 'tokens', 'tags', 'mode', 'tenant', 'flag'],
    });
  });

  it('reads classes as well as interfaces', () => {
    expect(schemas.of('ClassPayload')).toEqual({ type: 'object', properties: { count: { type: 'number' }, names: { type: 'array', items: { type: 'string' } } }, required: ['count'] });
  });

  it('refuses a type that is not exported, and one it has no JSON Schema for', () => {
    expect(() => schemas.of('Missing')).toThrow('libs/contracts exports no type Missing');
    expect(() => schemas.of('Odd')).toThrow(/^Odd\.when\.\w+: no JSON Schema for the type \(/);
  });
});
