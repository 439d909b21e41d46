import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A CA made for one test run and a server certificate it signed for localhost and 127.0.0.1. */
export interface TestCa {
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

/** Generates the test CA with the openssl CLI (Node's crypto cannot issue certificates). */
export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'bots-test-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=Rekey test CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('server.ext'));
  return { caFile: file('ca.pem'), key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) };
}

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

/** What the receiver answers to its n-th request (0-based). */
export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

export type Behaviour = (request: ReceivedRequest, index: number) => Answer;

/** Answers Chime's endpoint check as a bot must: 200 with the same Challenge, else 200 `{}`. */
export const echoChallenge: Behaviour = (request) => {
  const parsed = JSON.parse(request.body) as { EventType?: string; Challenge?: string };
  return parsed.EventType === 'HTTPSEndpointVerification' ? { status: 200, body: JSON.stringify({ Challenge: parsed.Challenge }), headers: { 'content-type': 'application/json' } } : { status: 200, body: '{}' };
};

/**
 * How a Chime bot developer verifies a request (auth-bots.md): recompute Base64(HMAC-SHA256(token,
 * timestamp + "|" + body)) from the raw body and the `Chime-Request-Timestamp` header, and compare
 * it with `Chime-Signature` in constant time.
 */
export function verifiesWith(request: ReceivedRequest, securityToken: string): boolean {
  const timestamp = request.headers['chime-request-timestamp'];
  const signature = request.headers['chime-signature'];
  if (!timestamp || !signature) return false;
  const expected = createHmac('sha256', securityToken).update(`${timestamp}|${request.body}`).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A bot's HTTPS endpoint on 127.0.0.1, with a certificate of the test CA, recording what it receives. */
export class ChimeReceiver {
  readonly requests: ReceivedRequest[] = [];

  private constructor(
    private readonly server: Server,
    public behaviour: Behaviour,
  ) {}

  static async start(ca: TestCa, behaviour: Behaviour = echoChallenge): Promise<ChimeReceiver> {
    const server = createServer({ key: ca.key, cert: ca.cert });
    const receiver = new ChimeReceiver(server, behaviour);
    server.on('request', (req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The endpoint URL, by name (resolved at connect time) or by address. */
  url(path = '/chime-events', host = 'localhost'): string {
    return `https://${host}:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Events received, without endpoint checks. */
  get events(): ReceivedRequest[] {
    return this.requests.filter((request) => !request.body.includes('"HTTPSEndpointVerification"'));
  }

  async waitForEvents(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.events.length} of ${count} events within ${timeoutMs} ms`);
      await sleep(20);
    }
    return this.events;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: Date.now(),
    };
    const index = this.requests.push(request) - 1;
    const answer = this.behaviour(request, index);
    if (answer.delayMs) await sleep(answer.delayMs);
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' }).end(answer.body ?? '');
  }
}
