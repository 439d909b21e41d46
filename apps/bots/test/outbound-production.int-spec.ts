import { ChimeClient, CreateAccountCommand, CreateBotCommand, PutEventsConfigurationCommand } from '@aws-sdk/client-chime';
import { DEV_CREDENTIALS } from '@rekey/contracts';
import { awsClientConfig, failureOf, startTestApp, TestApp } from '@rekey/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotsAppModule } from '../src/app.module';
import { ChimeReceiver, createTestCa } from './chime-receiver';

describe('bot endpoints in production: HTTPS only, no loopback or private addresses', () => {
  let app: TestApp;
  let receiver: ChimeReceiver;

  beforeAll(async () => {
    const ca = createTestCa();
    receiver = await ChimeReceiver.start(ca);
    const dir = mkdtempSync(join(tmpdir(), 'bots-production-'));
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify(DEV_CREDENTIALS));
    writeFileSync(join(dir, 'keyring.json'), JSON.stringify({ current: 'k', keys: { k: randomBytes(32).toString('base64') } }));
    app = await startTestApp('bots', (config) => BotsAppModule.register(config), {
      NODE_ENV: 'production',
      AWS_REGION: 'us-east-1',
      REKEY_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      REKEY_KEYRING_FILE: join(dir, 'keyring.json'),
      REKEY_BOTS_OUTBOUND_CA_FILE: ca.caFile,
    });
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('refuses an endpoint resolving to loopback (by name or address) and an http:// endpoint, without calling it', async () => {
    const chime = new ChimeClient(awsClientConfig(app.url, 'A'));
    const accountId = (await chime.send(new CreateAccountCommand({ Name: 'production' }))).Account!.AccountId!;
    const bot = (await chime.send(new CreateBotCommand({ AccountId: accountId, DisplayName: 'guarded' }))).Bot!;
    const cases: Array<[string, string]> = [
      [receiver.url('/', 'localhost'), 'resolves to an address that is not allowed'],
      [receiver.url('/', '127.0.0.1'), 'resolves to an address that is not allowed'],
      [receiver.url('/', 'localhost').replace('https:', 'http:'), 'must be an https:// URL'],
    ];
    for (const [OutboundEventsHTTPSEndpoint, reason] of cases) {
      const refused = await failureOf(() => chime.send(new PutEventsConfigurationCommand({ AccountId: accountId, BotId: bot.BotId, OutboundEventsHTTPSEndpoint })));
      expect(refused).toMatchObject({ name: 'BadRequestException', status: 400 });
      expect(refused.message).toContain(reason);
    }
    expect(receiver.requests).toEqual([]);
  });
});
