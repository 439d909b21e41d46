import { AwsApi } from '../errors/error-renderers';
import { ServiceError } from '../errors/service-error';

/** What a request body may be, checked before any work is done on it. */
export interface JsonBodyLimits {
  maxBytes: number;
  /** Objects and arrays nested inside one another. */
  maxDepth: number;
  /** Object members in the whole body. */
  maxMembers: number;
}

/**
 * Per API, a generous multiple of the largest request AWS's own models allow (see
 * docs/reliability.md): Chime's bot and account calls carry a few short strings; IoT Secure
 * Tunneling's OpenTunnel up to 50 tags and a destination config; IVS Chat's CreateRoom up to 50
 * tags and SendEvent attributes. Nesting is two or three levels in every model.
 */
export const JSON_BODY_LIMITS: Record<AwsApi, JsonBodyLimits> = {
  chime: { maxBytes: 32 * 1024, maxDepth: 16, maxMembers: 1_000 },
  iotsecuretunneling: { maxBytes: 64 * 1024, maxDepth: 16, maxMembers: 1_000 },
  ivschat: { maxBytes: 64 * 1024, maxDepth: 16, maxMembers: 1_000 },
};

/** Keys that reach object prototypes when a library copies input into instances (class-transformer does). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const COLON = 0x3a;

const refuse = (message: string) => new ServiceError('Validation', message);

/** One linear pass over the bytes, before parsing: nesting depth and member count (a `:` outside strings is a member). */
function checkShape(body: Buffer, limits: JsonBodyLimits): void {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPEN.has(byte)) {
      if (++depth > limits.maxDepth) throw refuse(`The request body nests deeper than ${limits.maxDepth} levels`);
    } else if (CLOSE.has(byte)) {
      depth -= 1;
    } else if (byte === COLON && ++members > limits.maxMembers) {
      throw refuse(`The request body has more than ${limits.maxMembers} members`);
    }
  }
}

/**
 * Parses a JSON request body within the API's limits (the byte limit is the body parser's), or
 * throws the API's validation error: too deep, too many members, not JSON, or a prototype key
 * (`__proto__`, `constructor`, `prototype`) anywhere. An empty body is an empty input.
 */
export function parseJsonBody(body: Buffer, limits: JsonBodyLimits): unknown {
  if (body.length === 0) return {};
  checkShape(body, limits);
  let text: string;
  try {
    text = body.toString('utf8');
  } catch {
    throw refuse('The request body is not valid JSON');
  }
  let forbidden: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
      return value;
    });
  } catch {
    throw refuse('The request body is not valid JSON');
  }
  if (forbidden !== undefined) throw refuse(`The request body has a member named ${forbidden}, which no operation accepts`);
  return parsed;
}
