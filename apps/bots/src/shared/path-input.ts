import { validateInput } from '@rekey/aws-protocol';
import { AccountPath, BotPath } from '@rekey/contracts';

/** The validated `{accountId}` of a request path. */
export function accountPath(accountId: string): AccountPath {
  return validateInput(AccountPath, { AccountId: accountId });
}

/** The validated `{accountId}` and `{botId}` of a request path. */
export function botPath(accountId: string, botId: string): BotPath {
  return validateInput(BotPath, { AccountId: accountId, BotId: botId });
}

/** A request body, or `{}` for a request that has none (the SDK sends none when no member is set). */
export function bodyOf(body: unknown): unknown {
  return body === undefined || body === null || body === '' ? {} : body;
}
