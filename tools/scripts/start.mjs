#!/usr/bin/env node
// `npm start`: install if needed, bring Kafka, the MongoDB stand-in and Mosquitto up, build and run the apps, wait
// until each is ready and print its URL. Ctrl-C stops the apps and the servers this run started.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDependencies, root, runTool, say } from './workspace.mjs';

const apps = [
  { name: 'bots', port: 3001, api: 'Amazon Chime (accounts, bots)' },
  { name: 'tunnels', port: 3002, api: 'AWS IoT Secure Tunneling' },
  { name: 'chat', port: 3003, api: 'Amazon IVS Chat' },
  { name: 'tunnel-relay', port: 3004, api: 'Secure Tunneling data plane (local proxies: ws://127.0.0.1:3004)' },
  { name: 'chat-gateway', port: 3005, api: 'Amazon IVS Chat messaging WebSocket (ws://)' },
];

ensureDependencies();
const { up, down } = await import('../infra/infra.mjs');
const infra = await up();

const children = [];
let stopping = false;

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    children.filter((child) => child.exitCode === null).map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    })),
  );
  await down(infra.started);
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

say('building the apps');
if ((await runTool('nx', ['run-many', '-t', 'build', '--projects=bots,tunnels,chat,tunnel-relay,chat-gateway'])) !== 0) await stopAll(1);

for (const app of apps) {
  const child = spawn(process.execPath, [`dist/apps/${app.name}/apps/${app.name}/src/main.js`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: String(app.port), KAFKA_BROKERS: infra.kafkaBrokers, MONGO_URI: `${infra.mongoUrl}/rekey_${app.name.replace(/-/g, '_')}`, REKEY_MQTT_URL: infra.mqttUrl },
  });
  child.on('exit', (code) => {
    if (stopping) return;
    say(`${app.name} exited with code ${code}`);
    void stopAll(1);
  });
  children.push(child);
}

async function waitReady({ port }) {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok || stopping) return;
    await sleep(250);
  }
}
await Promise.all(apps.map(waitReady));
say('ready:');
for (const app of apps) say(`  ${app.name.padEnd(12)} http://127.0.0.1:${app.port}  ${app.api}`);
say('Ctrl-C stops everything this command started.');
