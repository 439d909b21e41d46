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

/**
 * Validates plain input against a class-validator DTO (from @rekey/contracts) and returns the
 * instance; throws ServiceError('Validation') with one FieldProblem per failing constraint.
 * Unknown members are ignored, as AWS services ignore them.
 */
export function validateInput<T extends object>(dto: new () => T, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ServiceError('Validation', 'The request body must be a JSON object');
  }
  const instance = plainToInstance(dto, input, { enableImplicitConversion: false });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const fieldList = problems(errors);
    throw new ServiceError('Validation', fieldList.map((p) => `${p.name}: ${p.message}`).join('; '), { fieldList });
  }
  return instance;
}
