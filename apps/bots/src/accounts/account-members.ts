/**
 * What lives in an account and goes with it: the bots. The bots feature registers it with
 * AccountsService.admitMembers, so that accounts need not depend on bots (bots depend on accounts).
 */
export interface AccountMembers {
  /** Deletes every member of the account, each with its own last event (DeleteAccount). */
  deleteAllOfAccount(tenant: string, accountId: string): Promise<void>;
  /** The accounts having a member with this email (ListAccounts' UserEmail filter). */
  accountIdsOfMemberEmail(tenant: string, email: string): Promise<string[]>;
}
