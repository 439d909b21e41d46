import { IsString, Matches } from 'class-validator';

/**
 * `NonEmptyString` / `AccountName` pattern of the Chime model, `.*\S.*`, matched against the whole
 * value as AWS does (so `.` stops at line terminators): at least one non-blank character.
 */
export const CHIME_NON_EMPTY = /^.*\S.*$/;

/** A Chime account id in a request path (`NonEmptyString`, uri `accountId`). */
export class AccountPath {
  @IsString()
  @Matches(CHIME_NON_EMPTY, { message: 'must contain a non-blank character' })
  AccountId!: string;
}

/** A bot in a request path: `accountId` and `botId`, both `NonEmptyString`. */
export class BotPath extends AccountPath {
  @IsString()
  @Matches(CHIME_NON_EMPTY, { message: 'must contain a non-blank character' })
  BotId!: string;
}
