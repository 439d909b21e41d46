import { IsISO8601, IsString, Matches, ValidateIf } from 'class-validator';

/** `tenant` of every payload: the 12-digit account. */
export function IsTenant(): PropertyDecorator {
  return Matches(/^[0-9]{12}$/, { message: '$property must be a 12-digit account' });
}

/** An ISO 8601 date-time string. */
export function IsIsoTime(): PropertyDecorator {
  return IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 time' });
}

/** A member that is present and either null or passes `validate` (`string | null` in the contract). */
export function OrNull(validate: PropertyDecorator): PropertyDecorator {
  return (target, property) => {
    ValidateIf((payload: Record<string | symbol, unknown>) => payload[property] !== null)(target, property);
    validate(target, property);
  };
}

/** A non-empty string (ids, ARNs, names). */
export function IsId(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Matches(/\S/, { message: '$property must not be empty' })(target, property);
  };
}

/** A token's fingerprint (see {@link fingerprint}). */
export function IsFingerprint(): PropertyDecorator {
  return Matches(/^sha256:[0-9a-f]{16}$/, { message: '$property must be sha256: and 16 lowercase hex characters' });
}
