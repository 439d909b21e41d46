import { DescribeTunnelCommand, IoTSecureTunnelingClient, ListTunnelsCommand, OpenTunnelCommand, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import {
  awsClientConfig,
  deeplyNested,
  fuzzRequests,
  hasAwsErrorShape,
  hostileCorpus,
  hostileRequestCount,
  manyMembers,
  OperationTemplate,
  scrapeMetric,
  sendWithBody,
  sigV4Refusals,
  startTestApp,
  TestApp,
} from '@rekey/testing';
import { TunnelsAppModule } from '../src/app.module';

describe('tunnels on the wire: refused signatures change nothing, malformed and hostile requests get 4xx', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('tunnels', (config) => TunnelsAppModule.register(config));
  });
  afterAll(() => app?.close());

  it('refuses a wrong secret, an unknown key, a body changed after signing and a request dated 20 minutes off, and opens no tunnel', async () => {
    const refusals = await sigV4Refusals(app.url, (config) => new IoTSecureTunnelingClient(config), () => new OpenTunnelCommand({ description: 'should not open' }));
    expect(refusals).toEqual({
      wrongSecret: { name: 'InvalidSignatureException', status: 403 },
      unknownKey: { name: 'UnrecognizedClientException', status: 403 },
      bodyChangedAfterSigning: { name: 'InvalidSignatureException', status: 403 },
      dated20MinutesOff: { name: 'InvalidSignatureException', status: 403 },
    });
    const listed = await new IoTSecureTunnelingClient(awsClientConfig(app.url)).send(new ListTunnelsCommand({}));
    expect(listed.tunnelSummaries).toEqual([]);
  });

  describe('with a tunnel open', () => {
    let templates: OperationTemplate[];
    let tunnelId: string;
    beforeAll(async () => {
      const opened = await new IoTSecureTunnelingClient(awsClientConfig(app.url)).send(
        new OpenTunnelCommand({ destinationConfig: { thingName: 'thing-1', services: ['SSH'] }, tags: [{ key: 'k', value: 'v' }] }),
      );
      tunnelId = opened.tunnelId!;
      const call = (target: string, body: Record<string, unknown>): OperationTemplate => ({ method: 'POST', path: '/', target, body });
      templates = [
        call('OpenTunnel', { description: 'd', destinationConfig: { thingName: 'thing-1', services: ['SSH'] }, timeoutConfig: { maxLifetimeTimeoutMinutes: 30 }, tags: [{ key: 'k', value: 'v' }] }),
        call('RotateTunnelAccessToken', { tunnelId, clientMode: 'ALL', destinationConfig: { thingName: 'thing-1', services: ['SSH'] } }),
        call('DescribeTunnel', { tunnelId }),
        call('ListTunnels', { thingName: 'thing-1', maxResults: 10 }),
        call('CloseTunnel', { tunnelId, delete: false }),
        call('TagResource', { resourceArn: opened.tunnelArn, tags: [{ key: 'k2', value: 'v2' }] }),
        call('UntagResource', { resourceArn: opened.tunnelArn, tagKeys: ['k'] }),
        call('ListTagsForResource', { resourceArn: opened.tunnelArn }),
      ];
    });

    it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
      const answers = await fuzzRequests(app.url, 'iotsecuretunneling', templates);
      expect(answers).toHaveLength(1000);
      const wrong = answers.filter((answer) => answer.status < 400 || answer.status >= 500 || !hasAwsErrorShape('iotsecuretunneling', answer));
      expect(wrong.map((w) => `${w.status} ${w.mutation}`.slice(0, 80))).toEqual([]);
      expect(Math.max(...answers.map((answer) => answer.elapsedMs))).toBeLessThan(1000);
    }, 120_000);

    it("answers the issue's reproducible 500s: ValidationException for 10,000-deep nesting, a prototype-polluting tunnelId and 60,000 members; a null nextToken is the first page", async () => {
      const [describe, list] = [templates[2], templates[3]];
      const answers = await Promise.all([
        sendWithBody(app.url, 'iotsecuretunneling', describe, deeplyNested(10_000)),
        sendWithBody(app.url, 'iotsecuretunneling', describe, '{"tunnelId":{"constructor":{"prototype":{"polluted":1}}}}'),
        sendWithBody(app.url, 'iotsecuretunneling', describe, manyMembers(60_000)),
        sendWithBody(app.url, 'iotsecuretunneling', list, '{"nextToken":null}'),
      ]);
      expect(answers.map((answer) => [answer.status, (answer.body as { __type?: string }).__type])).toEqual([
        [400, 'ValidationException'],
        [400, 'ValidationException'],
        [400, 'ValidationException'],
        [200, undefined],
      ]);
    });

    it('answers a seeded hostile corpus below 500 within a second each, while valid calls alongside all succeed', async () => {
      const client = new IoTSecureTunnelingClient(awsClientConfig(app.url));
      const outcome = await hostileCorpus('tunnels', app.url, 'iotsecuretunneling', templates, () => client.send(new DescribeTunnelCommand({ tunnelId })));
      expect(outcome.wrong).toEqual([]);
      expect(outcome.slowestMs).toBeLessThan(1000);
      expect(outcome.validCalls).toBeGreaterThan(0);
      expect(outcome.validFailed).toEqual([]);
    }, 60_000 + hostileRequestCount() * 100);
  });
});

describe('tunnels metrics after traffic', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('tunnels', (config) => TunnelsAppModule.register(config));
  });
  afterAll(() => app?.close());

  it('counts requests per operation and status, and tokens issued and rotated per kind', async () => {
    const counts = () =>
      Promise.all([
        scrapeMetric(app.url, 'rekey_http_requests_total', { operation: 'OpenTunnel', status: '200' }),
        scrapeMetric(app.url, 'rekey_http_requests_total', { operation: 'RotateTunnelAccessToken', status: '200' }),
        scrapeMetric(app.url, 'rekey_tokens_total', { kind: 'SourceAccessToken', action: 'issued' }),
        scrapeMetric(app.url, 'rekey_tokens_total', { kind: 'DestinationAccessToken', action: 'issued' }),
        scrapeMetric(app.url, 'rekey_tokens_total', { kind: 'SourceAccessToken', action: 'rotated' }),
        scrapeMetric(app.url, 'rekey_tokens_total', { kind: 'DestinationAccessToken', action: 'rotated' }),
      ]);
    const before = await counts();
    const client = new IoTSecureTunnelingClient(awsClientConfig(app.url));
    const opened = await Promise.all([1, 2, 3].map(() => client.send(new OpenTunnelCommand({}))));
    await client.send(new RotateTunnelAccessTokenCommand({ tunnelId: opened[0].tunnelId, clientMode: 'ALL' }));
    await client.send(new RotateTunnelAccessTokenCommand({ tunnelId: opened[1].tunnelId, clientMode: 'SOURCE' }));
    const after = await counts();
    expect(after.map((value, i) => value - before[i])).toEqual([3, 2, 3, 3, 2, 1]);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    for (const { sourceAccessToken, tunnelId } of opened) {
      expect(text).not.toContain(sourceAccessToken);
      expect(text).not.toContain(tunnelId);
    }
  });
});
