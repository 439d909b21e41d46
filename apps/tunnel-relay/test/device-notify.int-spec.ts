import { IoTSecureTunnelingClient, RotateTunnelAccessTokenCommand } from '@aws-sdk/client-iotsecuretunneling';
import { KafkaEventTransport } from '@rekey/events';
import { ProductionApp, TestApp, testMqttUrl, uniqueName, writeProductionSecrets } from '@rekey/testing';
import { connectAsync, MqttClient } from 'mqtt';
import { openTunnel, spawnTunnelsApp, startRelay, stopApp } from './relay-harness';

describe('device notification over MQTT', () => {
  let tunnels: ProductionApp;
  let relay: TestApp;
  let api: IoTSecureTunnelingClient;
  let device: MqttClient;
  const received: Array<{ topic: string; message: Record<string, unknown> }> = [];

  beforeAll(async () => {
    // The relay opens the sealed destination token with the keyring the tunnels app sealed it with.
    const { REKEY_KEYRING_FILE } = writeProductionSecrets();
    device = await connectAsync(testMqttUrl());
    await device.subscribeAsync('$aws/things/+/tunnels/notify', { qos: 1 });
    device.on('message', (topic, payload) => received.push({ topic, message: JSON.parse(payload.toString()) }));
    [{ app: tunnels, api }, relay] = await Promise.all([spawnTunnelsApp({ REKEY_KEYRING_FILE }), startRelay({ REKEY_KEYRING_FILE, REKEY_MQTT_URL: testMqttUrl() })]);
    await relay.nest.get(KafkaEventTransport).joined('tunnel-relay.device-notifications');
  });
  afterAll(async () => {
    await device?.endAsync();
    await relay?.close();
    await stopApp(tunnels);
  });

  const notification = async (thingName: string, count: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mine = received.filter((r) => r.topic === `$aws/things/${thingName}/tunnels/notify`);
      if (mine.length >= count || Date.now() > deadline) return mine;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('publishes the destination token to the thing on open and on a destination rotation, not on a source rotation', async () => {
    const thingName = uniqueName('thing');
    const tunnel = await openTunnel(api, { destinationConfig: { thingName, services: ['SSH'] } });
    expect((await notification(thingName, 1)).map((r) => r.message)).toEqual([
      { clientAccessToken: tunnel.destination, clientMode: 'destination', region: 'us-east-1', services: ['SSH'] },
    ]);

    await api.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'SOURCE' }));
    const rotated = await api.send(new RotateTunnelAccessTokenCommand({ tunnelId: tunnel.tunnelId, clientMode: 'DESTINATION' }));
    const messages = (await notification(thingName, 2)).map((r) => r.message);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toEqual({ clientAccessToken: rotated.destinationAccessToken, clientMode: 'destination', region: 'us-east-1', services: ['SSH'] });
  });
});
