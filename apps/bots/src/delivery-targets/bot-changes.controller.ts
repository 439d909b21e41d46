import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BotEventData, EVENT_TYPES, EventsConfigurationChangedData, TokenRotatedData } from '@rekey/contracts';
import { EventSubscription } from '@rekey/events';
import { DeliveryTargets } from './delivery-targets';

/**
 * Every replica follows the bots' changes (a group per replica), from when it starts: what it held
 * before it started, it read since. In batches, gathered for up to 50 ms: every replica consumes
 * every event of every bot (the app's whole topic), so the per-fetch cost is paid for many events
 * rather than for each (under a steady stream of rotations, one fetch per event took a third of
 * the app's rotation throughput); 50 ms is well inside the 1 s a rotation has to reach every
 * replica's deliveries (docs/bots.md).
 */
export const BOT_CHANGES_SUBSCRIPTION = { group: 'rekey-bots.delivery-targets', broadcast: true, batch: true, gatherMs: 50 } satisfies EventSubscription;

/** Applies the changes of bots written by any replica, from their events on rekey.bots.v1, to this replica's {@link DeliveryTargets}. */
@Controller()
export class BotChangesController {
  constructor(private readonly targets: DeliveryTargets) {}

  @EventPattern(EVENT_TYPES.bots.TokenRotated, BOT_CHANGES_SUBSCRIPTION)
  tokenRotated(@Payload() rotations: TokenRotatedData[]): void {
    for (const rotated of rotations) {
      if (rotated.chimeAccountId) this.targets.rotated({ tenant: rotated.tenant, accountId: rotated.chimeAccountId, botId: rotated.resourceId }, rotated.generation);
    }
  }

  /** Disabled, enabled, or deleted with its account. */
  @EventPattern(EVENT_TYPES.bots.BotUpdated, BOT_CHANGES_SUBSCRIPTION)
  botUpdated(@Payload() bots: BotEventData[]): void {
    for (const bot of bots) this.targets.botChanged({ tenant: bot.tenant, accountId: bot.chimeAccountId, botId: bot.botId });
  }

  @EventPattern(EVENT_TYPES.bots.EventsConfigurationChanged, BOT_CHANGES_SUBSCRIPTION)
  eventsConfigurationChanged(@Payload() changes: EventsConfigurationChangedData[]): void {
    for (const change of changes) this.targets.botChanged({ tenant: change.tenant, accountId: change.chimeAccountId, botId: change.botId });
  }
}
