import { latencies, percentile, reportFigures, TimedOutcome, timedCall } from './fault-figures';
import { signCall, SigningApi } from './signed-calls';
import { testNumber } from './test-environment';

export type FuzzApi = SigningApi;

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
  return withWireHeaders(template, draft);
}

/** The target and content type a template's operation is called with (unless the mutation dropped them). */
function withWireHeaders(template: OperationTemplate, draft: Draft): Draft {
  const awsJson = template.target !== undefined;
  if (template.target && draft.mutation !== 'no target') draft.headers['x-amz-target'] = `IoTSecuredTunneling.${template.target}`;
  if (draft.body !== undefined || awsJson) {
    draft.headers['content-type'] = draft.mutation === 'wrong content-type' ? 'text/plain' : awsJson ? 'application/x-amz-json-1.1' : 'application/json';
    draft.body ??= '{}';
  }
  return draft;
}

async function send(baseUrl: string, api: FuzzApi, draft: Draft): Promise<FuzzAnswer> {
  const signed = draft.sign ? await signCall(baseUrl, api, draft) : { headers: draft.headers };
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

/** Sends `count` drafts built by `build` from randomly picked templates, one at a time. */
async function sendDrafts(baseUrl: string, api: FuzzApi, templates: OperationTemplate[], count: number, seed: number, build: (template: OperationTemplate, random: () => number) => Draft) {
  const random = prng(seed);
  const answers: FuzzAnswer[] = [];
  for (let i = 0; i < count; i += 1) {
    const template = templates[Math.floor(random() * templates.length)];
    answers.push(await send(baseUrl, api, build(template, random)));
  }
  return answers;
}

/**
 * Sends `count` malformed requests built from the templates (each broken in one way: a member of
 * the wrong type, an oversized string, a body that is not the JSON expected, a bad path or query,
 * a missing header), signed as dev tenant A unless the mutation drops the signature. Sequential,
 * so that latencies are those of one request at a time. Seeded: the same seed sends the same requests.
 */
export async function fuzzRequests(baseUrl: string, api: FuzzApi, templates: OperationTemplate[], count = 1000, seed = 20261123): Promise<FuzzAnswer[]> {
  return sendDrafts(baseUrl, api, templates, count, seed, mutate);
}

/** `depth` objects nested in one another around a value, as JSON text (built flat: no recursion). */
export function deeplyNested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON object with `members` members, as text (the issue's 878 KB case is 60,000). */
export function manyMembers(members: number): string {
  return `{${Array.from({ length: members }, (_, i) => `"member${i}":"value"`).join(',')}}`;
}

const pollutions = ['{"constructor":{"prototype":{"polluted":1}}}', '{"__proto__":{"polluted":1}}', '{"prototype":{"polluted":1}}'];
// As JSON text: 1e400 parses to Infinity; 2^53 + 1 cannot be represented.
const hugeNumbers = ['1e308', '-1e308', '1e400', '9007199254740993', '-0', '1.5e-320'];

/** One hostile variant of a template with a body: the member replaced with a hostile JSON value, or a hostile body. */
function hostile(template: OperationTemplate, random: () => number): Draft {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const draft: Draft = { mutation: '', method: template.method, path: template.path, query: { ...template.query }, headers: {}, sign: true };
  const members = Object.keys(template.body ?? {});
  const member = members.length > 0 ? pick(members) : 'member';
  // The other members keep their valid values: the hostile one must be what the service meets.
  const withMember = (json: string) => {
    const rest = JSON.stringify({ ...template.body, [member]: undefined }).slice(1, -1);
    return `{${rest ? `${rest},` : ''}${JSON.stringify(member)}:${json}}`;
  };
  const kind = pick(['deep-nesting', 'pollution', 'null', 'huge-number', 'many-members', 'top-level-pollution']);
  switch (kind) {
    case 'deep-nesting': {
      const depth = pick([17, 200, 10_000, 100_000]);
      draft.body = random() < 0.5 ? withMember(deeplyNested(depth)) : deeplyNested(depth);
      draft.mutation = `${member} nested ${depth} deep`;
      break;
    }
    case 'pollution': {
      draft.body = withMember(pick(pollutions));
      draft.mutation = `${member} as a prototype-polluting object`;
      break;
    }
    case 'top-level-pollution': {
      const rest = JSON.stringify(template.body ?? {}).slice(1, -1);
      draft.body = `{${pick(pollutions).slice(1, -1)}${rest ? `,${rest}` : ''}}`;
      draft.mutation = 'a prototype key at the top level';
      break;
    }
    case 'null': {
      draft.body = withMember('null');
      draft.mutation = `${member} as null`;
      break;
    }
    case 'huge-number': {
      const number = pick(hugeNumbers);
      draft.body = withMember(number);
      draft.mutation = `${member} as ${number}`;
      break;
    }
    case 'many-members': {
      const count = pick([1_500, 20_000, 60_000]);
      draft.body = random() < 0.5 ? manyMembers(count) : withMember(manyMembers(count));
      draft.mutation = `an object of ${count} members`;
      break;
    }
  }
  return withWireHeaders(template, draft);
}

/** How many hostile requests per app the suite sends: `REKEY_HOSTILE_REQUESTS`, else 300 (the full run by hand is 10,000). */
export function hostileRequestCount(): number {
  return testNumber('REKEY_HOSTILE_REQUESTS', 300);
}

/**
 * Sends `count` hostile requests built from the templates that have a body, each a valid call with
 * one member (or the whole body) replaced by what attackers and broken clients send: nesting
 * thousands deep, prototype-polluting keys, null, numbers beyond doubles, tens of thousands of
 * members. Correctly signed, one at a time, seeded. Every answer must be below 500; some may
 * succeed (a null optional member is an absent one).
 */
export async function hostileRequests(baseUrl: string, api: FuzzApi, templates: OperationTemplate[], count = hostileRequestCount(), seed = 20261130): Promise<FuzzAnswer[]> {
  const withBody = templates.filter((template) => template.body !== undefined);
  return sendDrafts(baseUrl, api, withBody, count, seed, hostile);
}

/** Whether an error answer has the API's own error shape, as its SDK parses it. */
export function hasAwsErrorShape(api: FuzzApi, answer: FuzzAnswer): boolean {
  const body = answer.body as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null) return false;
  if (api === 'chime') return answer.errorType !== null && typeof body.Code === 'string' && typeof body.Message === 'string';
  if (api === 'iotsecuretunneling') return typeof body.__type === 'string' && typeof body.message === 'string';
  return answer.errorType !== null && typeof body.message === 'string';
}

/** Sends one call of a template with the given body text instead of its own, correctly signed. */
export function sendWithBody(baseUrl: string, api: FuzzApi, template: OperationTemplate, body: string): Promise<FuzzAnswer> {
  const draft: Draft = { mutation: 'given body', method: template.method, path: template.path, query: { ...template.query }, headers: {}, body, sign: true };
  return send(baseUrl, api, withWireHeaders(template, draft));
}

/** Runs `work` while making `valid` calls one after another; the valid calls' outcomes. */
export async function withValidTraffic<T>(valid: () => Promise<unknown>, work: () => Promise<T>): Promise<{ result: T; valid: TimedOutcome[] }> {
  const outcomes: TimedOutcome[] = [];
  let done = false;
  const traffic = (async () => {
    while (!done) outcomes.push(await timedCall(valid));
  })();
  try {
    return { result: await work(), valid: outcomes };
  } finally {
    done = true;
    await traffic;
  }
}

/** What a hostile corpus did to an app, for a test's assertions. */
export interface HostileCorpusOutcome {
  /** Answers that were 5xx, or 4xx not in the API's error shape. */
  wrong: string[];
  p99Ms: number;
  slowestMs: number;
  validCalls: number;
  validFailed: TimedOutcome[];
}

/**
 * Sends the seeded hostile corpus (hostileRequests) while `valid` calls run alongside, reports the
 * figures under `label` (reportFigures) and sums up what a test asserts.
 */
export async function hostileCorpus(label: string, baseUrl: string, api: FuzzApi, templates: OperationTemplate[], valid: () => Promise<unknown>): Promise<HostileCorpusOutcome> {
  const { result: answers, valid: validCalls } = await withValidTraffic(valid, () => hostileRequests(baseUrl, api, templates));
  const validFailed = validCalls.filter((call) => call.outcome !== 'ok');
  reportFigures(`${label} hostile`, { latency: latencies(answers), status5xx: answers.filter((answer) => answer.status >= 500).length, valid: latencies(validCalls), validFailed: validFailed.length });
  const wrong = answers.filter((answer) => answer.status >= 500 || (answer.status >= 400 && !hasAwsErrorShape(api, answer)));
  return {
    wrong: wrong.map((answer) => `${answer.status} ${answer.mutation}`.slice(0, 80)),
    p99Ms: percentile(answers.map((answer) => answer.elapsedMs), 99),
    slowestMs: Math.max(...answers.map((answer) => answer.elapsedMs)),
    validCalls: validCalls.length,
    validFailed,
  };
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
