import { buildApps, spawnProductionApp, waitUntilReady } from '@rekey/testing';

const apps = ['bots', 'tunnels', 'chat'] as const;

describe('production start-up', () => {
  beforeAll(() => buildApps([...apps]), 180_000);

  it.each(apps)('%s refuses a missing production setting with one line naming it, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { MONGO_URI: '' });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toBe(`rekey-${app}: configuration error: MONGO_URI is missing\n`);
  });

  it.each(apps)('%s refuses a malformed keyring file with one line, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { REKEY_KEYRING_FILE: __filename });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(new RegExp(`^rekey-${app}: configuration error: REKEY_KEYRING_FILE: keyring file .* is not readable JSON \\(SyntaxError\\)\\n$`));
  });

  it.each(apps)('%s refuses a malformed credentials file with one line, exit 1', async (app) => {
    const started = await spawnProductionApp(app, { REKEY_CREDENTIALS_FILE: __filename });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(new RegExp(`^rekey-${app}: configuration error: REKEY_CREDENTIALS_FILE: credentials file .* is not readable JSON \\(SyntaxError\\)\\n$`));
  });

  it.each(apps)('%s starts from its production build with a full config and exits 0 on SIGTERM', async (app) => {
    const started = await spawnProductionApp(app);
    await waitUntilReady(started);
    started.process.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });
});
