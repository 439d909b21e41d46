import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Pool } from 'undici';
import { DEV_TENANTS } from './aws-clients';

/** Node's native SHA-256 for the signer (the pure-JS default is several times slower). */
const NODE_SHA256 = Hash.bind(null, 'sha256');

/** The three APIs, by the name their SDK clients sign for. */
export type SigningApi = 'chime' | 'iotsecuretunneling' | 'ivschat';

const SIGNING_NAMES: Record<SigningApi, string> = { chime: 'chime', iotsecuretunneling: 'IoTSecuredTunneling', ivschat: 'ivschat' };

/** A request before signing. */
export interface UnsignedCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** A request as it goes on the wire: the path with its query string, and every header the signature covers (`host` included). */
export interface SignedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Signs a call to the app at `baseUrl` as the AWS SDKs do (SigV4, as dev tenant A). */
export async function signCall(baseUrl: string, api: SigningApi, call: UnsignedCall): Promise<SignedCall> {
  const url = new URL(baseUrl);
  const request = new HttpRequest({
    method: call.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: call.path,
    query: call.query,
    headers: { host: url.host, ...call.headers },
    body: call.body,
  });
  const { accessKeyId, secretAccessKey } = DEV_TENANTS.A;
  const signed = await new SignatureV4({ service: SIGNING_NAMES[api], region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, sha256: NODE_SHA256 }).sign(request);
  const search = new URLSearchParams(call.query ?? {}).toString();
  return { method: call.method, path: `${call.path}${search ? `?${search}` : ''}`, headers: signed.headers, body: call.body };
}

/** A signature holds 15 minutes and the apps accept replays within it; re-signed well before. */
const RESIGN_AFTER_MS = 5 * 60_000;

/** An error answer, as the SDKs read it: the API's error type (`x-amzn-ErrorType`, before any `:`) as its name, and the HTTP status. */
export class ErrorAnswer extends Error {
  constructor(
    readonly status: number,
    errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

/**
 * A light load generator for one API: calls signed once and replayed (re-signed every five
 * minutes) over a pool of keep-alive connections, instead of an SDK client building and signing
 * every request. Answers are the app's real wire answers: a 2xx resolves to its parsed JSON body,
 * anything else rejects with an {@link ErrorAnswer}.
 */
export class ReplayedCalls {
  private readonly pool: Pool;
  private readonly signed = new Map<string, { call: Promise<SignedCall>; at: number }>();

  constructor(
    private readonly baseUrl: string,
    private readonly api: SigningApi,
    connections = 64,
  ) {
    this.pool = new Pool(baseUrl, { connections });
  }

  /** Sends `call` (signed on first use, then replayed); `key` names the call among those replayed. */
  async send<T = Record<string, unknown>>(key: string, call: UnsignedCall): Promise<T> {
    const { method, path, headers, body } = await this.signedCall(key, call);
    const answer = await this.pool.request({ method: method as 'POST', path, headers, body });
    const text = await answer.body.text();
    const parsed = text ? JSON.parse(text) : {};
    if (answer.statusCode >= 200 && answer.statusCode < 300) return parsed as T;
    const errorType = String(answer.headers['x-amzn-errortype'] ?? 'UnknownError').split(':')[0];
    throw new ErrorAnswer(answer.statusCode, errorType, String(parsed.Message ?? parsed.message ?? text));
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private signedCall(key: string, call: UnsignedCall): Promise<SignedCall> {
    const cached = this.signed.get(key);
    if (cached && Date.now() - cached.at < RESIGN_AFTER_MS) return cached.call;
    const fresh = { call: signCall(this.baseUrl, this.api, call), at: Date.now() };
    this.signed.set(key, fresh);
    return fresh.call;
  }
}
