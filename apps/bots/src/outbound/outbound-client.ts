import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP, Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, request } from 'undici';
import { AddressPolicy } from './address-policy';

/** Chime gives an endpoint 2 s to answer (auth-bots.md); the same deadline covers connecting. */
export const OUTBOUND_DEADLINE_MS = 2_000;

/** Only a challenge answer is ever read, so more than this of a response body is discarded. */
export const RESPONSE_BODY_LIMIT = 4 * 1024;

/** What one POST came to. `refused`: this service would not make the call (scheme, address); it is never retried. */
export type OutboundResult =
  | { outcome: 'answered'; status: number; body: Buffer }
  | { outcome: 'timeout' }
  | { outcome: 'unreachable'; code: string }
  | { outcome: 'refused'; code: 'SchemeNotAllowed' | 'AddressNotAllowed' | 'MalformedUrl' };

export interface OutboundOptions {
  /** Production: HTTPS only, and non-public addresses refused unless in `allowedNetworks`. */
  production: boolean;
  allowedNetworks?: string[];
  /** PEM file of CA certificates trusted in addition to Node's bundled roots. */
  caFile?: string;
  deadlineMs?: number;
}

const ADDRESS_NOT_ALLOWED = 'EREKEY_ADDRESS_NOT_ALLOWED';

const addressNotAllowed = () => Object.assign(new Error('the endpoint resolves to an address that is not allowed'), { code: ADDRESS_NOT_ALLOWED });

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * HTTP(S) POSTs to bots' own endpoints, made safe for URLs that customers choose: HTTPS only in
 * production, redirects never followed, at most {@link RESPONSE_BODY_LIMIT} bytes of an answer
 * read, one deadline for connecting and answering, and no connection to a non-public address in
 * production (checked on the addresses DNS returns when connecting and again on the connected
 * socket, so neither an IP literal nor a name that re-resolves elsewhere gets through).
 */
export class OutboundClient {
  private readonly policy: AddressPolicy;
  private readonly agent: Agent;
  private readonly deadlineMs: number;

  constructor(private readonly options: OutboundOptions) {
    this.policy = new AddressPolicy(options.production, options.allowedNetworks);
    this.deadlineMs = options.deadlineMs ?? OUTBOUND_DEADLINE_MS;
    const ca = options.caFile ? [...rootCertificates, readFileSync(options.caFile, 'utf8')] : undefined;
    const connect = buildConnector({ ca, timeout: this.deadlineMs, lookup: this.guardedLookup } as buildConnector.BuildOptions);
    this.agent = new Agent({
      connect: (connectOptions, callback) =>
        connect(connectOptions, (error, socket) => {
          if (error) return callback(error, null);
          if (!this.policy.allows((socket as Socket).remoteAddress ?? '')) {
            socket.destroy();
            return callback(addressNotAllowed(), null);
          }
          callback(null, socket);
        }),
      // A receiver that stops reading must not hold a request open past the deadline either.
      headersTimeout: this.deadlineMs,
      bodyTimeout: this.deadlineMs,
    });
  }

  /** Why a URL cannot be called, or null if it can (what PutEventsConfiguration checks before its challenge). */
  refusal(url: string): Extract<OutboundResult, { outcome: 'refused' }>['code'] | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'MalformedUrl';
    }
    if (parsed.username || parsed.password) return 'MalformedUrl';
    const schemes = this.options.production ? ['https:'] : ['https:', 'http:'];
    if (!schemes.includes(parsed.protocol)) return 'SchemeNotAllowed';
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.policy.allows(host)) return 'AddressNotAllowed';
    return null;
  }

  /** POSTs `body` as JSON with `headers`; never throws for anything the endpoint does. */
  async post(url: string, body: string, headers: Record<string, string>): Promise<OutboundResult> {
    const refusal = this.refusal(url);
    if (refusal) return { outcome: 'refused', code: refusal };
    const signal = AbortSignal.timeout(this.deadlineMs);
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'rekey-bots', ...headers },
        body,
        signal,
      });
      return { outcome: 'answered', status: response.statusCode, body: await readAtMost(response.body, RESPONSE_BODY_LIMIT) };
    } catch (error) {
      if (signal.aborted) return { outcome: 'timeout' };
      const code = (error as NodeJS.ErrnoException).code ?? 'Error';
      if (code === ADDRESS_NOT_ALLOWED) return { outcome: 'refused', code: 'AddressNotAllowed' };
      if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { outcome: 'timeout' };
      return { outcome: 'unreachable', code };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** DNS resolution that drops the addresses the policy refuses, and fails if none is left. */
  private readonly guardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => this.policy.allows(entry.address));
      if (allowed.length === 0) return callback(addressNotAllowed(), []);
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/** The first `limit` bytes of a body; the rest is not read (the stream is destroyed). */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
