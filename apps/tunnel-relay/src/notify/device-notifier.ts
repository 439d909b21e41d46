import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  DESTINATION_TOKEN_SEAL_PURPOSE,
  EVENT_TYPES,
  SealedDestinationToken,
  TOPICS,
  TunnelOpenedData,
  TunnelTokenRotatedData,
} from '@rekey/contracts';
import { EventSubscriber, PermanentEventError, ReceivedEvent } from '@rekey/events';
import { REKEY_CONFIG, RekeyConfig, withTimeout } from '@rekey/platform';
import { Keyring, KEYRING, SealedTokenError } from '@rekey/tokens';
import { connect, MqttClient } from 'mqtt';
import { consumerGroup } from '../consumer-groups';
import { TunnelViewsRepository } from '../projection/tunnel-views.repository';

const PUBLISH_TIMEOUT_MS = 5_000;

/** The topic AWS IoT publishes a destination's new token to. */
export const notifyTopic = (thingName: string) => `$aws/things/${thingName}/tunnels/notify`;

/**
 * Tells a tunnel's destination thing its new access token over MQTT, as AWS IoT does on
 * OpenTunnel and on a destination rotation: `{clientAccessToken, clientMode: "destination",
 * region, services}` on `$aws/things/<thingName>/tunnels/notify`. The token travels in the tunnels
 * events only sealed with the keyring; it is opened here, published, and never logged.
 */
@Injectable()
export class DeviceNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeviceNotifier.name);
  private client?: MqttClient;
  private running = false;

  constructor(
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly subscriber: EventSubscriber,
    private readonly views: TunnelViewsRepository,
  ) {}

  /** Subscribed, or nothing to subscribe (no broker configured). */
  get subscribed(): boolean {
    return this.running || this.config.mqttUrl === undefined;
  }

  onApplicationBootstrap(): void {
    if (this.config.mqttUrl === undefined) {
      this.logger.warn('REKEY_MQTT_URL is not set: devices are not notified of tunnel tokens');
      return;
    }
    this.client = connect(this.config.mqttUrl, { clientId: `rekey-tunnel-relay-${process.pid}-${Date.now()}`, reconnectPeriod: 1_000 });
    this.client.on('error', (error) => this.logger.warn(`MQTT: ${error.message}`));
    // Durable, once per tunnel event, from the topic's start (tokens already expired are skipped).
    this.subscriber.subscribeInBackground(
      { groupId: consumerGroup(this.config, 'device-notifications'), topics: [TOPICS.tunnels], fromBeginning: true, handle: (event) => this.notify(event) },
      () => (this.running = true),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync();
  }

  async notify(event: ReceivedEvent): Promise<void> {
    const opened = event.type === EVENT_TYPES.tunnels.TunnelOpened;
    if (!opened && event.type !== EVENT_TYPES.tunnels.TokenRotated) return;
    const data = event.data as TunnelOpenedData | TunnelTokenRotatedData;
    if (data.thingName === undefined || data.sealedDestinationAccessToken === undefined) return;
    const destination = data.tokens.find((token) => token.kind === 'DestinationAccessToken');
    if (destination?.expiresAt && Date.parse(destination.expiresAt) <= Date.now()) return;
    const claims = this.open(data.sealedDestinationAccessToken);
    if (claims.tunnelId !== event.key) throw new PermanentEventError('sealed destination token of another tunnel');
    const services = opened ? ((data as TunnelOpenedData).services ?? []) : ((await this.views.findById(claims.tunnelId))?.services ?? []);
    const message = JSON.stringify({ clientAccessToken: claims.destinationAccessToken, clientMode: 'destination', region: this.config.awsRegion, services });
    await this.publish(notifyTopic(data.thingName), message);
  }

  private open(sealed: string): SealedDestinationToken {
    try {
      return this.keyring.open<SealedDestinationToken>(sealed, DESTINATION_TOKEN_SEAL_PURPOSE);
    } catch (error) {
      if (error instanceof SealedTokenError) throw new PermanentEventError(`sealed destination token: ${error.message}`);
      throw error;
    }
  }

  /** QoS 1, bounded: a broker away makes the handler fail, so the subscriber retries then dead-letters. */
  private async publish(topic: string, message: string): Promise<void> {
    await withTimeout(this.client!.publishAsync(topic, message, { qos: 1 }), PUBLISH_TIMEOUT_MS, 'MQTT publish');
  }
}
