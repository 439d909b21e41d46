import 'reflect-metadata';
import { Type } from 'class-transformer';
import { Contains, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { payloadSchema } from './payload-schema';

class Token {
  @IsIn(['A', 'B'])
  kind!: string;

  @ValidateIf((token: Token) => token.expiresAt !== null)
  @IsISO8601({ strict: true })
  expiresAt!: string | null;
}

class Payload {
  @Matches(/^[0-9]{12}$/)
  tenant!: string;

  @IsOptional()
  @IsString()
  note?: string;

  @IsInt()
  @Min(1)
  generation!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Token)
  tokens!: Token[];

  @IsArray()
  @IsString({ each: true })
  capabilities!: string[];

  @IsBoolean()
  deleted!: boolean;

  @ValidateIf((payload: Payload) => payload.mode !== null)
  @IsIn(['X', 'Y'])
  mode!: 'X' | 'Y' | null;
}

class NarrowerPayload extends Payload {
  @IsIn(['X'])
  declare mode: 'X';
}

describe('payloadSchema', () => {
  it('turns class-validator rules into JSON Schema: types, patterns, enums, bounds, arrays, nested classes, optional and nullable', () => {
    expect(payloadSchema(Payload)).toEqual({
      type: 'object',
      properties: {
        tenant: { type: 'string', pattern: '^[0-9]{12}$' },
        note: { type: 'string' },
        generation: { type: 'integer', minimum: 1 },
        tokens: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { enum: ['A', 'B'] }, expiresAt: { type: ['string', 'null'], format: 'date-time' } },
            required: ['kind', 'expiresAt'],
          },
        },
        capabilities: { type: 'array', items: { type: 'string' } },
        deleted: { type: 'boolean' },
        mode: { enum: ['X', 'Y', null] },
      },
      required: ['tenant', 'generation', 'tokens', 'capabilities', 'deleted', 'mode'],
    });
  });

  it("merges a subclass's rules with its parent's as class-validator does (a rule replaces the parent's of its kind)", () => {
    const { properties } = payloadSchema(NarrowerPayload) as { properties: Record<string, unknown> };
    // The subclass's IsIn replaces the parent's; the parent's ValidateIf (null allowed) stays.
    expect(properties.mode).toEqual({ enum: ['X', null] });
    expect(Object.keys(properties).sort()).toEqual(Object.keys(payloadSchema(Payload).properties as object).sort());
  });

  it('refuses a rule it has no JSON Schema for, and a class without rules', () => {
    class Odd {
      @Contains('x')
      text!: string;
    }
    class Plain {
      text!: string;
    }
    expect(() => payloadSchema(Odd)).toThrow('Odd.text: no JSON Schema for the class-validator rule contains');
    expect(() => payloadSchema(Plain)).toThrow('Plain has no class-validator rules');
  });

  it('refuses a nested class it cannot name', () => {
    class Untyped {
      @ValidateNested()
      inner!: Token;
    }
    expect(() => payloadSchema(Untyped)).toThrow('Untyped.inner: @ValidateNested needs @Type');
  });
});
