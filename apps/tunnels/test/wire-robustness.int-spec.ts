import { IoTSecureTunnelingClient, ListTunnelsCommand, OpenTunnelCommand, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { awsClientConfig, malformedRequestsOutcome, OperationTemplate, scrapeMetric, sigV4Refusals, startTestApp, TestApp } from '@rekey/testing';
import { TunnelsAppModule } from '../src/app.module';

describe('tunnels on the wire: refused signatures change nothing, malformed requests get 4xx', () => {
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

  it('answers 1,000 malformed requests each with a 4xx of its own shape within a second', async () => {
    const { tunnelId, tunnelArn } = await new IoTSecureTunnelingClient(awsClientConfig(app.url)).send(
      new OpenTunnelCommand({ destinationConfig: { thingName: 'thing-1', services: ['SSH'] }, tags: [{ key: 'k', value: 'v' }] }),
    );
    const call = (target: string, body: Record<string, unknown>): OperationTemplate => ({ method: 'POST', path: '/', target, body });
    const templates = [
      call('OpenTunnel', { description: 'd', destinationConfig: { thingName: 'thing-1', services: ['SSH'] }, timeoutConfig: { maxLifetimeTimeoutMinutes: 30 }, tags: [{ key: 'k', value: 'v' }] }),
      call('RotateTunnelAccessToken', { tunnelId, clientMode: 'ALL', destinationConfig: { thingName: 'thing-1', services: ['SSH'] } }),
      call('DescribeTunnel', { tunnelId }),
      call('ListTunnels', { thingName: 'thing-1', maxResults: 10 }),
      call('CloseTunnel', { tunnelId, delete: false }),
      call('TagResource', { resourceArn: tunnelArn, tags: [{ key: 'k2', value: 'v2' }] }),
      call('UntagResource', { resourceArn: tunnelArn, tagKeys: ['k'] }),
      call('ListTagsForResource', { resourceArn: tunnelArn }),
    ];
    expect(await malformedRequestsOutcome(app.url, 'iotsecuretunneling', templates)).toEqual({ sent: 1000, misanswered: [] });
  }, 120_000);
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
