import { CloseTunnelCommand, IoTSecureTunnelingClient } from '@aws-sdk/client-iotsecuretunneling';
import { SpanKind } from '@opentelemetry/api';
import { awsClientConfig, eventually, OtlpReceiver, ProductionApp, spawnProductionApp, waitUntilReady } from '@rekey/testing';
import { once } from 'node:events';
import WebSocket from 'ws';
import { openTunnel, rawPeer, relayEndpoint, stopApp } from './relay-harness';

/**
 * The tunnels app and the relay as processes of their own, both exporting over OTLP: the relay
 * takes its tokens in the `access-token` header or the `awsiot-tunnel-token` cookie, which no span
 * may hold.
 */
describe('tracing the tunnel data plane', () => {
  let receiver: OtlpReceiver;
  let tunnels: ProductionApp;
  let relay: ProductionApp;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    tunnels = await spawnProductionApp('tunnels', receiver.appEnv, { fromSource: true });
    relay = await spawnProductionApp('tunnel-relay', receiver.appEnv, { fromSource: true });
    await Promise.all([waitUntilReady(tunnels, 90_000), waitUntilReady(relay, 90_000)]);
  }, 150_000);
  afterAll(async () => {
    await Promise.all([stopApp(relay), stopApp(tunnels)]);
    await receiver?.stop();
  });

  const relaySpan = (name: string, traceId: string) =>
    receiver.spans.find((span) => span.service === 'rekey-tunnel-relay' && span.kind === SpanKind.CONSUMER && span.name === name && span.traceId === traceId);
  const serverSpan = (name: string) => eventually(() => receiver.spans.find((span) => span.service === 'rekey-tunnels' && span.name === name), 20_000, `the ${name} span`);

  it("continues OpenTunnel's trace into the relay; no access token in anything exported", async () => {
    const api = new IoTSecureTunnelingClient(awsClientConfig(tunnels.url));
    const tunnel = await openTunnel(api, { destinationConfig: { services: ['SSH'] } });
    const opened = await serverSpan('OpenTunnel');
    await eventually(() => relaySpan('rekey.tunnels.TunnelOpened process', opened.traceId), 20_000, "the relay's TunnelOpened consumer span in OpenTunnel's trace");

    // One peer with its token in the header, the other in the cookie.
    const source = await rawPeer(relay, 'source', tunnel.source);
    const destination = new WebSocket(`${relayEndpoint(relay)}/tunnel?local-proxy-mode=destination`, ['aws.iot.securetunneling-3.0'], {
      headers: { cookie: `awsiot-tunnel-token=${tunnel.destination}` },
    });
    await once(destination, 'open');

    // Its consumer span ends after the peers' handshakes: the exports before it are complete.
    await api.send(new CloseTunnelCommand({ tunnelId: tunnel.tunnelId }));
    const closed = await serverSpan('CloseTunnel');
    await eventually(() => relaySpan('rekey.tunnels.TunnelClosed process', closed.traceId), 20_000, "the relay's TunnelClosed consumer span");
    source.socket.terminate();
    destination.terminate();

    expect(receiver.received('rekey.tunnels.TunnelClosed process')).toBe(true); // the search does find what was exported
    for (const token of [tunnel.source, tunnel.destination]) expect(receiver.received(token)).toBe(false);
  });
});
