import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldProblem, ServiceError } from '../errors/service-error';

function problems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const name = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ name, message }));
    return [...own, ...problems(error.children ?? [], name)];
  });
}

/** A copy without null members, at any depth: AWS services read an explicit null as "not given". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== null).map(([key, member]) => [key, withoutNulls(member)]));
}

/** The Validation error listing `fieldList`, one problem per failing constraint. */
export function validationError(fieldList: FieldProblem[]): ServiceError {
  return new ServiceError('Validation', fieldList.map((p) => `${p.name}: ${p.message}`).join('; '), { fieldList });
}

/**
 * Validates plain input against a class-validator DTO (from @rekey/contracts) and returns the
 * instance; throws ServiceError('Validation') with one FieldProblem per failing constraint.
 * Unknown members are ignored, as AWS services ignore them, and null members count as absent.
 */
export function validateInput<T extends object>(dto: new () => T, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ServiceError('Validation', 'The request body must be a JSON object');
  }
  const instance = plainToInstance(dto, withoutNulls(input), { enableImplicitConversion: false });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw validationError(problems(errors));
  return instance;
}
