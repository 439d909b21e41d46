import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CredentialStore } from './credential-store';

/** Node's native SHA-256 (and HMAC) for the signer: several times faster than the pure-JS default. */
export const NODE_SHA256 = Hash.bind(null, 'sha256');

/** Why a request was refused; each API maps these to its own AWS error. */
export type AuthFailure = 'MissingAuthenticationToken' | 'IncompleteSignature' | 'UnrecognizedClient' | 'SignatureDoesNotMatch' | 'RequestExpired' | 'InvalidScope';

export class AuthError extends Error {
  constructor(
    readonly failure: AuthFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The parts of an incoming HTTP request that SigV4 covers, as received on the wire. */
export interface SignedRequest {
  method: string;
  /** Path as sent, still percent-encoded, without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60 * 1000;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match ? Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]) : undefined;
}

/**
 * Verifies AWS Signature Version 4 header-signed requests, as the AWS SDKs, boto3 and the AWS CLI
 * send them. The signature is recomputed with `@smithy/signature-v4` (the SDK's own signer) over
 * exactly the headers the client signed, and compared in constant time. Signers, and with them
 * their derived-key caches, are kept per access key.
 */
export class SigV4Verifier {
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    private readonly credentials: CredentialStore,
    private readonly service: string,
    private readonly region: string,
  ) {}

  /** Returns the tenant (12-digit account) of a correctly signed request; throws {@link AuthError}. */
  async verify(request: SignedRequest, now = Date.now()): Promise<string> {
    const authorization = single(request.headers.authorization);
    if (!authorization) throw new AuthError('MissingAuthenticationToken', 'Missing Authentication Token');
    const match = AUTHORIZATION.exec(authorization);
    if (!match) throw new AuthError('IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature');
    const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match;
    const amzDate = single(request.headers['x-amz-date']);
    const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    const signedHeaders = signedHeaderList.split(';');
    if (signedAt === undefined || !signedHeaders.includes('host')) {
      throw new AuthError('IncompleteSignature', 'Signature must cover host and carry a valid X-Amz-Date');
    }
    if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
      throw new AuthError('RequestExpired', 'Signature expired: the request time is more than 15 minutes from the server time');
    }
    if (scopeDate !== amzDate!.slice(0, 8) || region !== this.region || service !== this.service) {
      throw new AuthError('InvalidScope', `Credential should be scoped to region '${this.region}' and service '${this.service}'`);
    }
    const credential = this.credentials.lookup(accessKeyId);
    if (!credential) throw new AuthError('UnrecognizedClient', 'The security token included in the request is invalid');

    const declaredPayloadHash = single(request.headers['x-amz-content-sha256']);
    if (declaredPayloadHash !== undefined && declaredPayloadHash !== createHash('sha256').update(request.body ?? '').digest('hex')) {
      // The signer trusts this header instead of hashing the body: it must match the body received.
      throw new AuthError('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match the request body');
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = single(request.headers[name]) ?? '';
    const expected = await this.signerFor(accessKeyId, credential.secretAccessKey).sign(
      new HttpRequest({ method: request.method, protocol: 'https:', hostname: headers.host, path: request.path, query: request.query, headers, body: request.body }),
      { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
    );
    const computed = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
    if (!timingSafeEqual(Buffer.from(computed.padEnd(64, '0')), Buffer.from(signature))) {
      throw new AuthError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
    }
    return credential.accountId;
  }

  private signerFor(accessKeyId: string, secretAccessKey: string): SignatureV4 {
    let signer = this.signers.get(accessKeyId);
    if (!signer) {
      // applyChecksum off: the signer would otherwise add and sign an x-amz-content-sha256 header,
      // which botocore (boto3, the AWS CLI) neither sends nor signs.
      signer = new SignatureV4({ service: this.service, region: this.region, credentials: { accessKeyId, secretAccessKey }, sha256: NODE_SHA256, applyChecksum: false });
      this.signers.set(accessKeyId, signer);
    }
    return signer;
  }
}
