import 'reflect-metadata';
import { ServiceError, validateInput } from '@rekey/aws-protocol';
import { AccountPath, BotPath } from '@rekey/contracts';
import { accountPath, botPath } from './path-input';

function outcome(action: () => unknown): unknown {
  try {
    return { value: { ...(action() as object) } };
  } catch (error) {
    return { kind: (error as ServiceError).kind, message: (error as Error).message, details: (error as ServiceError).details };
  }
}

describe('path input', () => {
  const segments = ['acc-1', ' ', '', '\n', ' x ', 'a\nb', '\t'];

  it('answers every AccountPath exactly as validateInput does', () => {
    for (const accountId of segments) expect(outcome(() => accountPath(accountId))).toEqual(outcome(() => validateInput(AccountPath, { AccountId: accountId })));
  });

  it('answers every BotPath exactly as validateInput does', () => {
    for (const accountId of segments) {
      for (const botId of segments) expect(outcome(() => botPath(accountId, botId))).toEqual(outcome(() => validateInput(BotPath, { AccountId: accountId, BotId: botId })));
    }
  });

  it('refuses a blank segment with a Validation error naming it', () => {
    expect(outcome(() => botPath('acc-1', ' '))).toEqual({ kind: 'Validation', message: 'BotId: must contain a non-blank character', details: { fieldList: [{ name: 'BotId', message: 'must contain a non-blank character' }] } });
  });
});
