import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

/** A logger that records what it was told, by level. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = { log: (message: string) => lines.push(`log ${message}`), warn: (message: string) => lines.push(`warn ${message}`) } as unknown as Logger;
  return { logger, lines };
}

/** A job whose rounds end only when told to. */
function heldJob() {
  let rounds = 0;
  let finishRound = (): void => undefined;
  return {
    job: () => {
      rounds += 1;
      return new Promise<void>((resolve) => (finishRound = resolve));
    },
    finish: () => finishRound(),
    get rounds() {
      return rounds;
    },
  };
}

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('joins a round still running when the next is due, instead of starting another', async () => {
    const slow = heldJob();
    const task = new PeriodicTask(recordingLogger().logger, 'slow job', slow.job);
    task.start(100);
    await jest.advanceTimersByTimeAsync(350);
    expect(slow.rounds).toBe(1);
    slow.finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(slow.rounds).toBe(2);
    slow.finish();
    await task.stop();
  });

  it('runs at once with now, and a direct run shares the round in flight and its result', async () => {
    const { logger } = recordingLogger();
    let rounds = 0;
    const task = new PeriodicTask(logger, 'counting', async () => (rounds += 1));
    task.start(1_000, { now: true });
    expect(rounds).toBe(1);
    expect(await task.run()).toBe(1);
    const [a, b] = await Promise.all([task.run(), task.run()]);
    expect([a, b, rounds]).toEqual([2, 2, 2]);
    await task.stop();
  });

  it('logs a failing job once until it works again, and says so; a direct run gets the error', async () => {
    const { logger, lines } = recordingLogger();
    let failing = true;
    const task = new PeriodicTask(logger, 'flaky job', async () => {
      if (failing) throw new Error('store down');
    });
    task.start(100);
    await jest.advanceTimersByTimeAsync(500);
    await expect(task.run()).rejects.toThrow('store down');
    failing = false;
    await jest.advanceTimersByTimeAsync(300);
    expect(lines).toEqual(['warn flaky job failed, retrying quietly until it works: store down', 'log flaky job works again']);
    await task.stop();
  });

  it('stops ticking and waits for the round running when stopped', async () => {
    const held = heldJob();
    const task = new PeriodicTask(recordingLogger().logger, 'job', held.job);
    task.start(100, { now: true });
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    held.finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(held.rounds).toBe(1);
  });
});
