import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

/**
 * `NonEmptyString` / `AccountName` pattern of the Chime model, `.*\S.*`, matched against the whole
 * value as AWS does (so `.` stops at line terminators): at least one non-blank character.
 */
export const CHIME_NON_EMPTY = /^.*\S.*$/;

/** What a value failing {@link CHIME_NON_EMPTY} is told. */
export const CHIME_NON_EMPTY_MESSAGE = 'must contain a non-blank character';

/** A string matching {@link CHIME_NON_EMPTY} (`NonEmptyString`), of `length` characters when the shape limits it (`AccountName`: 1..100). */
export function IsNonEmptyString(length?: { min: number; max: number }): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    if (length) Length(length.min, length.max)(target, property);
    Matches(CHIME_NON_EMPTY, { message: CHIME_NON_EMPTY_MESSAGE })(target, property);
  };
}

/** A Chime account id in a request path (`NonEmptyString`, uri `accountId`). */
export class AccountPath {
  @IsNonEmptyString()
  AccountId!: string;
}

/** A bot in a request path: `accountId` and `botId`, both `NonEmptyString`. */
export class BotPath extends AccountPath {
  @IsNonEmptyString()
  BotId!: string;
}

/**
 * A number from the query string (`max-results`), converted before validation; anything that is
 * not one plain number becomes NaN and fails `IsInt`. (`Transform`, not `Type`: no reflect-metadata
 * needed, so plain scripts can import the contracts.)
 */
export const QueryInteger = () => Transform(({ value }) => (value === undefined ? undefined : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN));
