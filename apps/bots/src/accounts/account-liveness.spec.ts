import { AccountLiveness } from './account-liveness';

describe('AccountLiveness', () => {
  it('checks the accounts asked meanwhile in one read, each live only for its own tenant', async () => {
    const reads: string[][] = [];
    const liveness = new AccountLiveness(async (keys) => {
      reads.push(keys.map(({ tenant, id }) => `${tenant}/${id}`));
      return new Set(['111111111111/acc']);
    });
    const checks = [liveness.isLive('111111111111', 'acc'), liveness.isLive('111111111111', 'acc'), liveness.isLive('222222222222', 'acc'), liveness.isLive('111111111111', 'gone')];
    await expect(Promise.all(checks)).resolves.toEqual([true, true, false, false]);
    expect(reads).toEqual([['111111111111/acc'], ['111111111111/acc', '222222222222/acc', '111111111111/gone']]);
  });
});
