import { JoiningReads } from '@rekey/events';

/** Accounts checked in one read at most. */
const MAX_CHECKS_PER_READ = 256;

type AccountKey = { tenant: string; id: string };

/**
 * Whether accounts are live, the checks asked while a read is under way answered together by the
 * next read (one query for them all): under load, every bot operation's account check would
 * otherwise be a round trip of its own. Each check is answered by a read made after it was asked,
 * so it sees a deletion marked before it.
 */
export class AccountLiveness {
  private readonly checks: JoiningReads<AccountKey, boolean>;

  /** `liveOf`: of the given accounts, the live ones as `<tenant>/<id>`. */
  constructor(liveOf: (keys: AccountKey[]) => Promise<Set<string>>) {
    this.checks = new JoiningReads(MAX_CHECKS_PER_READ, async (keys) => {
      const live = await liveOf(keys);
      return keys.map(({ tenant, id }) => live.has(`${tenant}/${id}`));
    });
  }

  isLive(tenant: string, id: string): Promise<boolean> {
    return this.checks.read({ tenant, id });
  }
}
