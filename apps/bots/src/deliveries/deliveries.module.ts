import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BOT_DELIVERIES_TOPIC } from '@rekey/contracts';
import { DurablePublishingModule } from '@rekey/events';
import { DeliveryTargetsModule } from '../delivery-targets/delivery-targets.module';
import { OutboundModule } from '../outbound/outbound.module';
import { BotEventSender } from './bot-event-sender';
import { DeliveriesMetrics } from './deliveries.metrics';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DELIVERY_QUEUE_MODEL, deliveryQueueSchema } from './delivery-queue.schema';
import { DELIVERIES_TOPIC, DeliveriesTopic } from './deliveries-topic';
import { DELIVERY_REQUESTS_GROUP, deliveryRequestsController } from './delivery-requests.controller';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DELIVERY_MODEL, deliverySchema } from './delivery.schema';
import { DirectDeliveries } from './direct-deliveries';

/** Chime bot event delivery: requests from `rekey.bots.deliveries.v1`, delivered at once or through per-bot queues, signed POSTs, outcome events. */
@Module({})
export class DeliveriesModule {
  /**
   * `topic`: the topic tests read instead of BOT_DELIVERIES_TOPIC (the app's EventsModule consumes it
   * in its place, `consumedTopics`); its consumer group is then a group of its own.
   */
  static register(options: { topic?: string } = {}): DynamicModule {
    return {
      module: DeliveriesModule,
      controllers: [deliveryRequestsController(options.topic ? `${DELIVERY_REQUESTS_GROUP}.${options.topic}` : DELIVERY_REQUESTS_GROUP)],
      imports: [
        MongooseModule.forFeature([
          { name: DELIVERY_QUEUE_MODEL, schema: deliveryQueueSchema },
          { name: DELIVERY_MODEL, schema: deliverySchema },
        ]),
        DeliveryTargetsModule,
        DurablePublishingModule,
        OutboundModule,
      ],
      providers: [{ provide: DELIVERIES_TOPIC, useValue: options.topic ?? BOT_DELIVERIES_TOPIC }, DeliveriesRepository, DeliveriesMetrics, BotEventSender, DeliveryDispatcher, DirectDeliveries, DeliveriesService, DeliveriesTopic],
    };
  }
}
