import { BotKey, BotsService, DeliveryTarget } from '../bots/bots.service';
import { DeliveryTargetReads } from './delivery-target-reads';

const key = (botId: string): BotKey => ({ tenant: '111111111111', accountId: 'acc', botId });

/** A bots service whose reads answer when the test says, with the token each bot has at that moment. */
function controlledBots() {
  const tokens = new Map<string, string>();
  const reads: Array<{ keys: BotKey[]; answer: () => void }> = [];
  const bots = {
    deliveryTargets: (keys: BotKey[]) =>
      new Promise<Array<DeliveryTarget | null>>((resolve) => {
        // The database answers as of the moment the read is made.
        const targets = keys.map(({ botId }) => (tokens.has(botId) ? { disabled: false, endpoint: 'https://bot.example', securityToken: tokens.get(botId)!, generation: 1 } : null));
        reads.push({ keys, answer: () => resolve(targets) });
      }),
  };
  return { tokens, reads, targets: new DeliveryTargetReads(bots as unknown as BotsService) };
}

describe('DeliveryTargetReads', () => {
  it('answers misses that ask during a read with the next read, never the one under way (a rotation in between is seen)', async () => {
    const { tokens, reads, targets } = controlledBots();
    tokens.set('a', 'old').set('b', 'old');
    const first = targets.read(key('a'));
    expect(reads.map(({ keys }) => keys.map(({ botId }) => botId))).toEqual([['a']]);
    // RegenerateSecurityToken answers while the first read is under way; then two attempts ask.
    tokens.set('a', 'new').set('b', 'new');
    const second = targets.read(key('a'));
    const third = targets.read(key('b'));
    expect(reads).toHaveLength(1);
    reads[0].answer();
    expect((await first)?.securityToken).toBe('old');
    await new Promise((resolve) => setImmediate(resolve));
    // One read for both: they share it.
    expect(reads.map(({ keys }) => keys.map(({ botId }) => botId))).toEqual([['a'], ['a', 'b']]);
    reads[1].answer();
    expect([(await second)?.securityToken, (await third)?.securityToken]).toEqual(['new', 'new']);
  });

  it('rejects every miss of a read that fails, and reads again for the next', async () => {
    const bots = { deliveryTargets: jest.fn().mockRejectedValueOnce(new Error('MongoDB timed out')).mockResolvedValueOnce([null]) };
    const targets = new DeliveryTargetReads(bots as unknown as BotsService);
    await expect(targets.read(key('a'))).rejects.toThrow('MongoDB timed out');
    await expect(targets.read(key('gone'))).resolves.toBeNull();
  });
});
