import { DescribeTunnelCommand, IoTSecureTunnelingClient, OpenTunnelCommand } from '@aws-sdk/client-iotsecuretunneling';
import { awsClientConfig, expectFastDatabaseFailure, latencies, LocalMongo, reportFigures, startTestApp, TestApp, underDatabaseFault, uniqueName } from '@rekey/testing';
import { TunnelsAppModule } from '../src/app.module';

describe('tunnels while its MongoDB is stalled or stopped (a private instance)', () => {
  const mongo = new LocalMongo(27317);
  let app: TestApp;
  let client: IoTSecureTunnelingClient;
  let tunnelId: string;

  beforeAll(async () => {
    await mongo.start();
    app = await startTestApp('tunnels', (config) => TunnelsAppModule.register(config), { MONGO_URI: mongo.uri(uniqueName('rekey_tunnels')) });
    client = new IoTSecureTunnelingClient(awsClientConfig(app.url));
    tunnelId = (await client.send(new OpenTunnelCommand({ destinationConfig: { thingName: 'thing-1', services: ['SSH'] } }))).tunnelId!;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await mongo.stop();
  });

  it.each(['stalled', 'stopped'] as const)('%s: DescribeTunnel gets 503 ServiceUnavailable within a second, readiness 503 within 2 s, all back within 5 s', async (fault) => {
    const figures = await underDatabaseFault(fault, mongo, app.url, () => client.send(new DescribeTunnelCommand({ tunnelId })));
    reportFigures(`tunnels mongo ${fault}`, { ...figures, during: latencies(figures.during) });
    expectFastDatabaseFailure(figures, '503 ServiceUnavailable');
  }, 60_000);
});
