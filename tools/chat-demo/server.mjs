#!/usr/bin/env node
// The chat demo: serves a page bundled (esbuild) with the official IVS Chat client and mints its
// tokens with CreateChatToken through the AWS SDK and the dev credentials. Needs the chat app and
// the chat gateway running (npm start).
//   node tools/chat-demo/server.mjs      then open http://127.0.0.1:3006/?user=ann and ?user=bob
// CHAT_URL (http://127.0.0.1:3003), GATEWAY_URL (ws://127.0.0.1:3005), DEMO_PORT (3006),
// ROOM_ARN (a room created at start when absent).
import { CreateChatTokenCommand, CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The dev tenant A of docs/contracts.md: refused by a production chat app. */
const DEV_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** Starts the demo server; resolves with its URL, the room and a stop function. */
export async function startChatDemo({
  chatUrl = process.env.CHAT_URL ?? 'http://127.0.0.1:3003',
  gatewayUrl = process.env.GATEWAY_URL ?? 'ws://127.0.0.1:3005',
  port = Number(process.env.DEMO_PORT ?? 3006),
  roomArn = process.env.ROOM_ARN,
} = {}) {
  const ivschat = new IvschatClient({ endpoint: chatUrl, region: 'us-east-1', credentials: DEV_CREDENTIALS });
  const room = roomArn ?? (await ivschat.send(new CreateRoomCommand({ name: 'chat-demo' }))).arn;
  const bundle = await build({ entryPoints: [join(here, 'page', 'chat-demo.page.ts')], bundle: true, write: false, format: 'iife', target: 'es2020', platform: 'browser' });
  const script = bundle.outputFiles[0].contents;
  const page = readFileSync(join(here, 'page', 'index.html'));

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://demo');
    const send = (status, type, body) => response.writeHead(status, { 'content-type': type }).end(body);
    try {
      if (request.method === 'GET' && url.pathname === '/') return send(200, 'text/html; charset=utf-8', page);
      if (request.method === 'GET' && url.pathname === '/chat-demo.js') return send(200, 'text/javascript; charset=utf-8', script);
      if (request.method === 'GET' && url.pathname === '/config') return send(200, 'application/json', JSON.stringify({ gatewayUrl, roomArn: room }));
      if (request.method === 'POST' && url.pathname === '/token') {
        const userId = url.searchParams.get('user') || 'guest';
        const answer = await ivschat.send(new CreateChatTokenCommand({ roomIdentifier: room, userId, capabilities: ['SEND_MESSAGE'], attributes: { demo: 'true' } }));
        return send(200, 'application/json', JSON.stringify({ token: answer.token, tokenExpirationTime: answer.tokenExpirationTime, sessionExpirationTime: answer.sessionExpirationTime }));
      }
      return send(404, 'text/plain', 'not found');
    } catch (error) {
      return send(502, 'text/plain', `the chat API failed: ${error.name}`);
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    roomArn: room,
    stop: () => {
      ivschat.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startChatDemo();
  process.stdout.write(`chat demo: ${demo.url}/?user=ann and ${demo.url}/?user=bob (room ${demo.roomArn})\n`);
}
