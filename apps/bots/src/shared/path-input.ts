import { FieldProblem, validationError } from '@rekey/aws-protocol';
import { AccountPath, BotPath, CHIME_NON_EMPTY, CHIME_NON_EMPTY_MESSAGE } from '@rekey/contracts';

/**
 * Path segments (AccountPath, BotPath): strings by routing, whose one constraint is `NonEmptyString`.
 * Checked here directly rather than through validateInput, which builds a DTO instance and walks
 * class-validator's metadata on every request; the error is the one validateInput gives for the
 * same DTO (path-input.spec compares them), members in its order.
 */
function pathSegments<T extends Record<string, string>>(members: T): T {
  const fieldList: FieldProblem[] = [];
  for (const [name, value] of Object.entries(members)) if (!CHIME_NON_EMPTY.test(value)) fieldList.push({ name, message: CHIME_NON_EMPTY_MESSAGE });
  if (fieldList.length > 0) throw validationError(fieldList);
  return members;
}

/** The validated `{accountId}` of a request path. */
export function accountPath(accountId: string): AccountPath {
  return pathSegments({ AccountId: accountId });
}

/** The validated `{accountId}` and `{botId}` of a request path. */
export function botPath(accountId: string, botId: string): BotPath {
  return pathSegments({ BotId: botId, AccountId: accountId });
}

/** A request body, or `{}` for a request that has none (the SDK sends none when no member is set). */
export function bodyOf(body: unknown): unknown {
  return body === undefined || body === null || body === '' ? {} : body;
}
