import { join } from 'node:path';
import { RuledPayload, UnknownRule, UntypedNested } from './fixtures/payloads';
import { PayloadSchemas } from './payload-schema';
import { withValidationRules } from './validation-rules';

describe('withValidationRules', () => {
  const schemas = new PayloadSchemas(join(__dirname, 'fixtures', 'payloads.ts'));

  it('adds what the rules say beyond the types: patterns, formats, integers, bounds, enums of open strings, in nested classes too', () => {
    expect(withValidationRules(schemas.of('RuledPayload'), RuledPayload)).toEqual({
      type: 'object',
      properties: {
        tenant: { type: 'string', pattern: '^[0-9]{12}$' },
        mode: { type: 'string', enum: ['X', 'Y'] },
        generation: { type: 'integer', minimum: 1 },
        tokens: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { enum: ['A', 'B'] }, expiresAt: { type: ['string', 'null'], format: 'date-time' } },
            required: ['kind', 'expiresAt'],
          },
        },
        names: { type: 'array', items: { type: 'string', pattern: '\\S' } },
      },
      required: ['tenant', 'generation', 'tokens', 'names'],
    });
  });

  it('refuses a rule it has no JSON Schema for, and a nested class it cannot name', () => {
    expect(() => withValidationRules(schemas.of('UnknownRule'), UnknownRule)).toThrow('UnknownRule.text: no JSON Schema for the class-validator rule contains');
    expect(() => withValidationRules(schemas.of('UntypedNested'), UntypedNested)).toThrow('UntypedNested.token: @ValidateNested needs @Type');
  });
});
