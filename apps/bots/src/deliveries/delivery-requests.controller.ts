import { Controller, Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryRequestedData, EVENT_TYPES } from '@rekey/contracts';
import { EventBatchContext } from '@rekey/events';
import { DeliveriesService } from './deliveries.service';

/** The consumer group of delivery requests: one for all replicas, so that each request is queued once. */
export const DELIVERY_REQUESTS_GROUP = 'rekey-bots.deliveries';

/**
 * The handler of `rekey.bots.DeliveryRequested` (validated against DeliveryRequestedData by the
 * transport; an invalid request is dead-lettered). `group` is DELIVERY_REQUESTS_GROUP but for tests
 * that read a topic of their own, whose group must not mix with other runs' (hence a class made per group).
 */
export function deliveryRequestsController(group: string): Type<unknown> {
  @Controller()
  class DeliveryRequestsController {
    constructor(private readonly deliveries: DeliveriesService) {}

    // From the beginning: requests made before the first replica ever ran are delivered too. Eight
    // attempts (backing off to 12.8 s, about 25 s in all) ride out a short MongoDB outage before a
    // request is dead-lettered. In batches: one queue write per bot and one insert per fetched chunk.
    @EventPattern(EVENT_TYPES.bots.DeliveryRequested, { group, fromBeginning: true, maxAttempts: 8, batch: true })
    async requested(@Payload() requests: DeliveryRequestedData[], @Ctx() batch: EventBatchContext): Promise<void> {
      await this.deliveries.accept(requests, batch);
    }
  }
  return DeliveryRequestsController;
}
