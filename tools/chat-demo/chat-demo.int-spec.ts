import { DisconnectUserCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { awsClientConfig, buildApps, freePort, ProductionApp, spawnProductionApp, waitUntilReady } from '@rekey/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

const root = join(__dirname, '..', '..');

/** The demo page in a real browser: two users chat through the gateway, then one is disconnected by the API. */
describe('chat demo in chromium', () => {
  let chat: ProductionApp;
  let gateway: ProductionApp;
  let demo: ChildProcess;
  let demoUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    const executablePath = execFileSync(process.execPath, [join(__dirname, 'ensure-chromium.mjs')], { encoding: 'utf8' }).trim();
    await buildApps(['chat', 'chat-gateway']);
    chat = await spawnProductionApp('chat');
    gateway = await spawnProductionApp('chat-gateway', { REKEY_KEYRING_FILE: chat.env.REKEY_KEYRING_FILE });
    await Promise.all([waitUntilReady(chat), waitUntilReady(gateway)]);
    const port = await freePort();
    demo = spawn(process.execPath, [join(__dirname, 'server.mjs')], {
      cwd: root,
      env: { ...process.env, CHAT_URL: chat.url, GATEWAY_URL: gateway.url.replace(/^http/, 'ws'), DEMO_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    demoUrl = await new Promise<string>((resolve, reject) => {
      demo.stdout!.on('data', (chunk: Buffer) => {
        const match = /chat demo: (http:\/\/\S+)\/\?user=/.exec(String(chunk));
        if (match) resolve(match[1]);
      });
      demo.once('exit', (code) => reject(new Error(`the demo server exited with ${code}`)));
    });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    demo?.kill('SIGTERM');
    for (const app of [gateway, chat]) app?.process.kill('SIGTERM');
    await Promise.all([gateway?.exited, chat?.exited]);
  });

  const open = async (user: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${demoUrl}/?user=${user}`);
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 15_000 });
    return page;
  };

  it('sends from one page, shows it on the other, and shows the reason when DisconnectUser closes the second chat', async () => {
    const [ann, bob] = [await open('ann'), await open('bob')];
    await ann.fill('#content', 'hello bob, from a browser');
    await ann.click('button[type="submit"]');
    await bob.locator('#messages li', { hasText: 'ann: hello bob, from a browser' }).waitFor({ timeout: 5_000 });
    await ann.locator('#messages li', { hasText: 'ann: hello bob, from a browser' }).waitFor({ timeout: 5_000 });

    const roomArn = ((await (await fetch(`${demoUrl}/config`)).json()) as { roomArn: string }).roomArn;
    const ivschat = new IvschatClient(awsClientConfig(chat.url));
    await ivschat.send(new DisconnectUserCommand({ roomIdentifier: roomArn, userId: 'bob', reason: 'demo over' }));
    ivschat.destroy();
    await bob.locator('#status[data-state="disconnected"]', { hasText: 'You were disconnected: demo over' }).waitFor({ timeout: 5_000 });
    await ann.locator('#messages li.system', { hasText: 'bob was disconnected: demo over' }).waitFor({ timeout: 5_000 });
    expect(await ann.locator('#status').getAttribute('data-state')).toBe('connected');

    const output = join(root, 'dist', 'chat-demo');
    mkdirSync(output, { recursive: true });
    await bob.screenshot({ path: join(output, 'bob-disconnected.png') });
    await ann.screenshot({ path: join(output, 'ann.png') });
  });
});
