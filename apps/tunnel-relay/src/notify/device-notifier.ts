import { Controller, Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DESTINATION_TOKEN_SEAL_PURPOSE, EVENT_TYPES, SealedDestinationToken, TunnelOpenedData, TunnelTokenRotatedData } from '@rekey/contracts';
import { EventContext, EventSubscription, UnprocessableEventError } from '@rekey/events';
import { REKEY_CONFIG, RekeyConfig, withDeadline } from '@rekey/platform';
import { Keyring, KEYRING, SealedTokenError } from '@rekey/tokens';
import { connect, MqttClient } from 'mqtt';
import { TunnelViewsRepository } from '../projection/tunnel-views.repository';

/**
 * Durable, from the topic's start (tokens already expired are skipped). Two attempts: a broker
 * away is retried once, then the event is dead-lettered rather than holding the partition.
 */
const NOTIFICATIONS: EventSubscription = { group: 'tunnel-relay.device-notifications', fromBeginning: true, maxAttempts: 2 };

const PUBLISH_TIMEOUT_MS = 5_000;

/** The topic AWS IoT publishes a destination's new token to. */
export const notifyTopic = (thingName: string) => `$aws/things/${thingName}/tunnels/notify`;

/**
 * Tells a tunnel's destination thing its new access token over MQTT, as AWS IoT does on
 * OpenTunnel and on a destination rotation: `{clientAccessToken, clientMode: "destination",
 * region, services}` on `$aws/things/<thingName>/tunnels/notify`. The token travels in the tunnels
 * events only sealed with the keyring; it is opened here, published, and never logged. Part of
 * the app only when REKEY_MQTT_URL is set.
 */
@Controller()
export class DeviceNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeviceNotifier.name);
  private client?: MqttClient;

  constructor(
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly views: TunnelViewsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.client = connect(this.config.mqttUrl!, { clientId: `rekey-tunnel-relay-${process.pid}-${Date.now()}`, reconnectPeriod: 1_000 });
    this.client.on('error', (error) => this.logger.warn(`MQTT: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync();
  }

  @EventPattern(EVENT_TYPES.tunnels.TunnelOpened, NOTIFICATIONS)
  opened(@Payload() data: TunnelOpenedData, @Ctx() context: EventContext): Promise<void> {
    return this.notify(data, context.key, data.services ?? []);
  }

  @EventPattern(EVENT_TYPES.tunnels.TokenRotated, NOTIFICATIONS)
  async rotated(@Payload() data: TunnelTokenRotatedData, @Ctx() context: EventContext): Promise<void> {
    if (data.sealedDestinationAccessToken === undefined) return;
    // A rotation may change the services; the event does not carry them, the projection does.
    return this.notify(data, context.key, (await this.views.findById(context.key))?.services ?? []);
  }

  private async notify(data: TunnelOpenedData | TunnelTokenRotatedData, tunnelId: string, services: string[]): Promise<void> {
    if (data.thingName === undefined || data.sealedDestinationAccessToken === undefined) return;
    const destination = data.tokens.find((token) => token.kind === 'DestinationAccessToken');
    if (destination?.expiresAt && Date.parse(destination.expiresAt) <= Date.now()) return;
    const claims = this.openSealed(data.sealedDestinationAccessToken);
    if (claims.tunnelId !== tunnelId) throw new UnprocessableEventError('sealed destination token of another tunnel');
    const message = JSON.stringify({ clientAccessToken: claims.destinationAccessToken, clientMode: 'destination', region: this.config.awsRegion, services });
    await this.publish(notifyTopic(data.thingName), message);
  }

  /** The sealed token's claims; one this keyring did not seal is dead-lettered at once (no retry can open it). */
  private openSealed(sealed: string): SealedDestinationToken {
    try {
      return this.keyring.open<SealedDestinationToken>(sealed, DESTINATION_TOKEN_SEAL_PURPOSE);
    } catch (error) {
      if (error instanceof SealedTokenError) throw new UnprocessableEventError(error.message);
      throw error;
    }
  }

  /** QoS 1, bounded: a broker away makes the handler fail, so the subscriber retries then dead-letters. */
  private async publish(topic: string, message: string): Promise<void> {
    await withDeadline(this.client!.publishAsync(topic, message, { qos: 1 }), PUBLISH_TIMEOUT_MS, `MQTT publish not acknowledged within ${PUBLISH_TIMEOUT_MS} ms`);
  }
}
