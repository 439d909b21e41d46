import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NODE_SHA256 } from '@rekey/aws-protocol';
import { DEV_CREDENTIALS } from '@rekey/contracts';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a set-up call answered 503 is sent again. */
const SET_UP_RETRIES = 5;

/** Dev tenant A (docs/contracts.md): accepted outside production. */
const TENANT_A = DEV_CREDENTIALS[0];

/** SigV4 signing names of the three APIs. */
export type SigningName = 'chime' | 'IoTSecuredTunneling' | 'ivschat';

/** What to send, before signing. */
export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** A request signed for the wire: path with its query string, every header the signature covers. */
export interface SignedCall {
  method: Call['method'];
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Signs calls as the AWS SDKs do (host, x-amz-date, content headers, body hash). A signature holds
 * for 15 minutes and the apps do not refuse replays, so a pool signed before a run is cycled
 * through for its whole length and signing costs the load generator nothing.
 */
export class RequestSigner {
  private readonly signer: SignatureV4;

  constructor(
    private readonly baseUrl: string,
    service: SigningName,
  ) {
    this.signer = new SignatureV4({ service, region: 'us-east-1', credentials: TENANT_A, sha256: NODE_SHA256 });
  }

  async sign(call: Call): Promise<SignedCall> {
    const url = new URL(this.baseUrl);
    const headers: Record<string, string> = { host: url.host, ...call.headers };
    // content-length is left to the sender (autocannon writes its own).
    if (call.body !== undefined) headers['content-type'] ??= 'application/json';
    const request = new HttpRequest({ method: call.method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: call.path, query: call.query, headers, body: call.body });
    const signed = await this.signer.sign(request);
    const search = new URLSearchParams(call.query ?? {}).toString();
    return { method: call.method, path: `${call.path}${search ? `?${search}` : ''}`, headers: signed.headers as Record<string, string>, body: call.body };
  }

  signAll(calls: Call[]): Promise<SignedCall[]> {
    return Promise.all(calls.map((call) => this.sign(call)));
  }

  /** Sends one signed call and returns its status and parsed JSON body (for set-up steps). */
  async send<T = Record<string, unknown>>(call: Call): Promise<{ status: number; body: T }> {
    const signed = await this.sign(call);
    // fetch sets the host itself.
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
    const response = await fetch(`${this.baseUrl}${signed.path}`, { method: signed.method, headers, body: signed.body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Like {@link send}, but fails unless the answer is a 2xx; a 503 (a dependency slow on a loaded machine) is retried, as the SDKs retry it. */
  async expect<T = Record<string, unknown>>(call: Call): Promise<T> {
    let { status, body } = await this.send<T>(call);
    for (let retry = 1; status === 503 && retry <= SET_UP_RETRIES; retry += 1) {
      await sleep(200 * retry);
      ({ status, body } = await this.send<T>(call));
    }
    if (status < 200 || status > 299) throw new Error(`${call.method} ${call.path} answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }
}

/** Sends one pre-signed call over a keep-alive agent (cheaper than fetch per call); resolves with the status and body. */
export function sendSigned(agent: Agent, baseUrl: URL, call: SignedCall): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: baseUrl.hostname, port: baseUrl.port, method: call.method, path: call.path, headers: call.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end(call.body);
  });
}
