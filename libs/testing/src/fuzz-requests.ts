import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DEV_TENANTS } from './aws-clients';

/** Node's native SHA-256 for the signer (the pure-JS default is several times slower). */
const NODE_SHA256 = Hash.bind(null, 'sha256');

export type FuzzApi = 'chime' | 'iotsecuretunneling' | 'ivschat';

/** A well-formed call of one operation, which the fuzzer breaks in one way per request. */
export interface OperationTemplate {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with its labels filled in, e.g. `/accounts/<id>/bots`. */
  path: string;
  query?: Record<string, string>;
  /** awsJson1_1 operation name, sent as `X-Amz-Target: IoTSecuredTunneling.<Op>`. */
  target?: string;
  /** Members with valid values: mutations swap them for wrong types, oversized strings and junk. */
  body?: Record<string, unknown>;
}

export interface FuzzAnswer {
  mutation: string;
  status: number;
  errorType: string | null;
  body: unknown;
  elapsedMs: number;
}

const SIGNING_NAMES: Record<FuzzApi, string> = { chime: 'chime', iotsecuretunneling: 'IoTSecuredTunneling', ivschat: 'ivschat' };

/** Deterministic PRNG (mulberry32), so a failing request can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Draft {
  mutation: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  sign: boolean;
}

const wrongTypes: unknown[] = [12345, -1.5, true, [], [1, 2], { nested: { deeper: 'x' } }, ''];
// No `null`: services read it as an empty input, which is valid where every member is optional.
const junkBodies = ['{', '[1,2', '"just a string"', '42', '[]', 'not json at all', '{"a":}', '\u0000\u0001'];
// No `..`: clients normalise it away before sending.
const junkSegments = ['%00', '%ZZ', ' ', 'x'.repeat(5000), '\u00e9\u00e8', '%F0%9F%92%A9', ';', '*'];

/** Builds one malformed variant of a template. */
function mutate(template: OperationTemplate, random: () => number): Draft {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const body = template.body ? { ...template.body } : undefined;
  const draft: Draft = { mutation: '', method: template.method, path: template.path, query: { ...template.query }, headers: {}, sign: true };
  const members = Object.keys(body ?? {});
  const queryMembers = Object.keys(template.query ?? {});
  const kind = pick([
    ...(members.length > 0 ? ['wrong-type', 'huge-string', 'junk-body'] : []),
    // Only the query members the operation reads: services ignore unknown ones, as AWS does.
    ...(queryMembers.length > 0 ? ['junk-query'] : []),
    'bad-path',
    'missing-header',
  ]);
  switch (kind) {
    case 'wrong-type': {
      const member = pick(members);
      body![member] = pick(wrongTypes.filter((value) => typeof value !== typeof template.body![member] || Array.isArray(value) !== Array.isArray(template.body![member])));
      draft.mutation = `${member} as ${JSON.stringify(body![member])}`;
      break;
    }
    case 'huge-string': {
      const member = pick(members);
      body![member] = 'A'.repeat(10_000 + Math.floor(random() * 200_000));
      draft.mutation = `${member} as a huge string`;
      break;
    }
    case 'junk-query': {
      const name = pick(queryMembers);
      draft.query[name] = pick(['-1', '0', '100000', 'x'.repeat(5000), '%%%', 'NaN']);
      draft.mutation = `query ${name}=${draft.query[name].slice(0, 20)}`;
      break;
    }
    case 'bad-path': {
      const segments = draft.path.split('/');
      const at = 1 + Math.floor(random() * Math.max(1, segments.length - 1));
      segments[Math.min(at, segments.length - 1)] = pick(junkSegments);
      if (random() < 0.3) segments.push(pick(['extra', 'x'.repeat(300)]));
      draft.path = segments.join('/') || '/';
      draft.mutation = `path ${draft.path.slice(0, 60)}`;
      break;
    }
    case 'missing-header': {
      // Only what breaks the request: a GET has no content type to get wrong, a restJson call no target.
      draft.mutation = pick(['no authorization', ...(template.target ? ['no target'] : []), ...(body ? ['wrong content-type'] : [])]);
      if (draft.mutation === 'no authorization') draft.sign = false;
      break;
    }
  }
  if (kind === 'junk-body') {
    draft.body = pick(junkBodies);
    draft.mutation = `body ${draft.body.slice(0, 20)}`;
  } else if (body) {
    draft.body = JSON.stringify(body);
  }
  const awsJson = template.target !== undefined;
  if (template.target && draft.mutation !== 'no target') draft.headers['x-amz-target'] = `IoTSecuredTunneling.${template.target}`;
  if (draft.body !== undefined || awsJson) {
    draft.headers['content-type'] = draft.mutation === 'wrong content-type' ? 'text/plain' : awsJson ? 'application/x-amz-json-1.1' : 'application/json';
    draft.body ??= '{}';
  }
  return draft;
}

async function send(baseUrl: string, api: FuzzApi, draft: Draft): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  const request = new HttpRequest({
    method: draft.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: draft.path,
    query: draft.query,
    headers: { host: url.host, ...draft.headers },
    body: draft.body,
  });
  const { accessKeyId, secretAccessKey } = DEV_TENANTS.A;
  const signer = new SignatureV4({ service: SIGNING_NAMES[api], region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, sha256: NODE_SHA256 });
  const signed = draft.sign ? await signer.sign(request) : request;
  const search = new URLSearchParams(draft.query).toString();
  const started = performance.now();
  const response = await fetch(`${baseUrl}${draft.path}${search ? `?${search}` : ''}`, {
    method: draft.method,
    headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
    body: draft.body,
  });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Left as text: the assertion on the shape reports it.
  }
  return { mutation: draft.mutation, status: response.status, errorType: response.headers.get('x-amzn-errortype'), body, elapsedMs };
}

/**
 * Sends `count` malformed requests built from the templates (each broken in one way: a member of
 * the wrong type, an oversized string, a body that is not the JSON expected, a bad path or query,
 * a missing header), signed as dev tenant A unless the mutation drops the signature. Sequential,
 * so that latencies are those of one request at a time. Seeded: the same seed sends the same requests.
 */
export async function fuzzRequests(baseUrl: string, api: FuzzApi, templates: OperationTemplate[], count = 1000, seed = 20261123): Promise<FuzzAnswer[]> {
  const random = prng(seed);
  const answers: FuzzAnswer[] = [];
  for (let i = 0; i < count; i += 1) {
    const template = templates[Math.floor(random() * templates.length)];
    answers.push(await send(baseUrl, api, mutate(template, random)));
  }
  return answers;
}

/** Whether an error answer has the API's own error shape, as its SDK parses it. */
export function hasAwsErrorShape(api: FuzzApi, answer: FuzzAnswer): boolean {
  const body = answer.body as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null) return false;
  if (api === 'chime') return answer.errorType !== null && typeof body.Code === 'string' && typeof body.Message === 'string';
  if (api === 'iotsecuretunneling') return typeof body.__type === 'string' && typeof body.message === 'string';
  return answer.errorType !== null && typeof body.message === 'string';
}

/**
 * Sends the malformed requests of {@link fuzzRequests} and reports how many were sent and which
 * were answered wrongly: not a 4xx of the API's own error shape (`<status> <mutation>`), or not
 * within a second (`<ms> ms <mutation>`). A robust app answers `{ sent: 1000, misanswered: [] }`.
 */
export async function malformedRequestsOutcome(baseUrl: string, api: FuzzApi, templates: OperationTemplate[]): Promise<{ sent: number; misanswered: string[] }> {
  const answers = await fuzzRequests(baseUrl, api, templates);
  const wrong = answers.filter((answer) => answer.status < 400 || answer.status >= 500 || !hasAwsErrorShape(api, answer));
  const slow = answers.filter((answer) => answer.elapsedMs >= 1000);
  return {
    sent: answers.length,
    misanswered: [...wrong.map((w) => `${w.status} ${w.mutation}`.slice(0, 80)), ...slow.map((s) => `${s.elapsedMs} ms ${s.mutation}`.slice(0, 80))],
  };
}
