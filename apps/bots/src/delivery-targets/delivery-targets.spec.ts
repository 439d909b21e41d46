import { BotKey, DeliveryTarget } from '../bots/bots.service';
import { DeliveryTargetReads } from './delivery-target-reads';
import { DeliveryTargets, MAX_AGE_MS } from './delivery-targets';

const key: BotKey = { tenant: '111111111111', accountId: 'acc', botId: 'bot' };
const target = (generation: number, disabled = false): DeliveryTarget => ({ disabled, endpoint: 'https://bot.example/events', securityToken: `token-${generation}`, generation });

/** Database reads of the bot that answer its state at the moment each read is made, or when the test lets them. */
function database() {
  const state = { bot: target(1) as DeliveryTarget | null, held: false };
  const pending: Array<() => void> = [];
  const read = jest.fn(
    () =>
      new Promise<DeliveryTarget | null>((resolve) => {
        const answer = state.bot;
        if (state.held) pending.push(() => resolve(answer));
        else resolve(answer);
      }),
  );
  return { state, pending, read, targets: new DeliveryTargets({ read } as unknown as DeliveryTargetReads) };
}

describe('DeliveryTargets (the bots delivery attempts use, held per replica)', () => {
  let now: number;
  beforeEach(() => {
    now = 10_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads a bot on its first attempt, holds it for the next ones, and reads it again once MAX_AGE_MS after it was asked for', async () => {
    const { state, read, targets } = database();
    expect(targets.heldGeneration(key)).toBeUndefined();
    expect(await targets.target(key)).toEqual(target(1));
    state.bot = target(2);
    now += MAX_AGE_MS / 2 - 1;
    expect(await targets.target(key)).toEqual(target(1));
    expect(targets.heldGeneration(key)).toBe(1);
    expect(read).toHaveBeenCalledTimes(1);
    now += MAX_AGE_MS / 2 + 1;
    expect(await targets.target(key)).toEqual(target(2));
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads a held bot again in the background from half MAX_AGE_MS on, answering with what it holds meanwhile', async () => {
    const { state, pending, read, targets } = database();
    await targets.target(key);
    state.bot = target(2);
    state.held = true;
    now += MAX_AGE_MS / 2;
    expect(await targets.target(key)).toEqual(target(1));
    // One refresh at a time.
    expect(await targets.target(key)).toEqual(target(1));
    expect(read).toHaveBeenCalledTimes(2);
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(targets.heldGeneration(key)).toBe(2);
    now += MAX_AGE_MS - 1;
    expect(await targets.target(key)).toEqual(target(2));
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('drops a bot on a change (written here, or its event): the next attempt reads it', async () => {
    const { state, targets } = database();
    await targets.target(key);
    state.bot = target(1, true);
    targets.botChanged(key);
    expect(await targets.target(key)).toEqual(target(1, true));
    state.bot = null;
    targets.botChanged(key);
    expect(await targets.target(key)).toBeNull();
    // Not held: a bot created later is found.
    state.bot = target(1);
    expect(await targets.target(key)).toEqual(target(1));
    // Another bot's change leaves it held.
    targets.botChanged({ ...key, botId: 'other' });
    expect(targets.heldGeneration(key)).toBe(1);
  });

  it('drops a bot on TokenRotated of a newer generation than it holds, not of one it already holds', async () => {
    const { state, read, targets } = database();
    await targets.target(key);
    state.bot = target(2);
    targets.rotated(key, 2);
    expect(targets.heldGeneration(key)).toBeUndefined();
    expect(await targets.target(key)).toEqual(target(2));
    // The event of the rotation this replica wrote (and read since) arrives: nothing to drop.
    targets.rotated(key, 2);
    expect(targets.heldGeneration(key)).toBe(2);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('answers an attempt with a read a change overtook, but does not hold it', async () => {
    const { state, pending, read, targets } = database();
    state.held = true;
    const first = targets.target(key);
    // RegenerateSecurityToken is written (and its event consumed) while the read is under way.
    state.bot = target(2);
    targets.rotated(key, 2);
    pending.shift()!();
    expect(await first).toEqual(target(1));
    expect(targets.heldGeneration(key)).toBeUndefined();
    state.held = false;
    expect(await targets.target(key)).toEqual(target(2));
    expect(targets.heldGeneration(key)).toBe(2);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('holds nothing of a read that failed', async () => {
    const { read, targets } = database();
    read.mockRejectedValueOnce(new Error('MongoDB timed out'));
    await expect(targets.target(key)).rejects.toThrow('MongoDB timed out');
    expect(targets.heldGeneration(key)).toBeUndefined();
    expect(await targets.target(key)).toEqual(target(1));
  });
});
