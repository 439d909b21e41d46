import { EventContract } from '@rekey/contracts';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** An event whose `data` breaks its contract: never retried, dead-lettered at once with the reason. */
export class InvalidPayloadError extends Error {}

function problems(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const at = `${path}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => (path ? `${at}: ${message}` : message));
    return [...own, ...problems(error.children ?? [], `${at}.`)];
  });
}

/**
 * `data` as an instance of the contract's payload class, once it passes the class's
 * class-validator rules. Members the contract does not name are kept (producers may add fields).
 */
export async function validatePayload<T extends object>(type: string, contract: EventContract<T>, data: unknown): Promise<T> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidPayloadError(`${type} payload is not a JSON object`);
  const payload = plainToInstance(contract.payload, data);
  const found = problems(await validate(payload));
  if (found.length > 0) throw new InvalidPayloadError(`${type} payload is invalid: ${found.join('; ')}`);
  return payload;
}
