import { Keyring } from '@rekey/tokens';
import { IsIn, IsInt, IsString, Length, Max, Min, ValidateNested, IsOptional } from 'class-validator';
import { Type } from 'class-transformer';
import { ServiceError } from '../errors/service-error';
import { PaginationTokens } from './pagination-tokens';
import { validateInput } from './validate-input';

class Timeout {
  @IsInt()
  @Min(1)
  @Max(720)
  maxLifetimeTimeoutMinutes!: number;
}

class OpenThing {
  @IsString()
  @Length(1, 10)
  name!: string;

  @IsOptional()
  @IsIn(['SOURCE', 'DESTINATION'])
  mode?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Timeout)
  timeoutConfig?: Timeout;
}

function thrown(action: () => unknown): ServiceError {
  try {
    action();
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected a ServiceError');
}

describe('validateInput', () => {
  it('returns the DTO instance of valid input', () => {
    expect(validateInput(OpenThing, { name: 'ok', timeoutConfig: { maxLifetimeTimeoutMinutes: 5 }, extra: 1 })).toBeInstanceOf(OpenThing);
  });

  it('lists every failing field, nested ones by path', () => {
    const error = thrown(() => validateInput(OpenThing, { name: '', mode: 'BOTH', timeoutConfig: { maxLifetimeTimeoutMinutes: 721 } }));
    expect(error.kind).toBe('Validation');
    expect(error.details.fieldList?.map((f) => f.name).sort()).toEqual(['mode', 'name', 'timeoutConfig.maxLifetimeTimeoutMinutes']);
  });

  it.each([null, 'text', [1], 42])('refuses a body that is not an object: %j', (body) => {
    expect(thrown(() => validateInput(OpenThing, body)).kind).toBe('Validation');
  });
});

describe('PaginationTokens', () => {
  const tokens = new PaginationTokens(Keyring.dev());

  it('round-trips a cursor for the same tenant and listing, opaquely', () => {
    const token = tokens.issue('111111111111', 'ListBots:a1', { after: 'bot-42' });
    expect(token).not.toContain('bot-42');
    expect(tokens.read(token, '111111111111', 'ListBots:a1')).toEqual({ after: 'bot-42' });
  });

  it('refuses tokens of another tenant, another listing, or altered ones', () => {
    const token = tokens.issue('111111111111', 'ListBots:a1', { after: 'bot-42' });
    expect(thrown(() => tokens.read(token, '222222222222', 'ListBots:a1')).kind).toBe('Validation');
    expect(thrown(() => tokens.read(token, '111111111111', 'ListBots:a2')).kind).toBe('Validation');
    const altered = Buffer.from(token, 'base64url');
    altered[0] ^= 1;
    expect(thrown(() => tokens.read(altered.toString('base64url'), '111111111111', 'ListBots:a1')).kind).toBe('Validation');
    expect(thrown(() => tokens.read('x', '111111111111', 'ListBots:a1')).kind).toBe('Validation');
  });
});
