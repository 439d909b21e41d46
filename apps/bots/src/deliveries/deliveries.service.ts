import { Injectable } from '@nestjs/common';
import { DeliveryRequestedData, EVENT_TYPES } from '@rekey/contracts';
import { ReceivedEvent } from '@rekey/events';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';

/** A delivery request that can never be delivered as it is: it goes to the dead-letter topic. */
export class InvalidDeliveryRequestError extends Error {
  readonly code = 'InvalidDeliveryRequest';
}

function validRequest(event: ReceivedEvent): DeliveryRequestedData {
  if (event.type !== EVENT_TYPES.bots.DeliveryRequested) throw new InvalidDeliveryRequestError(`unexpected ce_type ${event.type}`);
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) throw new InvalidDeliveryRequestError('data is not a JSON object');
  const data = plainToInstance(DeliveryRequestedData, event.data);
  const [problem] = validateSync(data, { forbidUnknownValues: false });
  if (problem) throw new InvalidDeliveryRequestError(`invalid ${problem.property}`);
  if (data.tenant !== event.tenant) throw new InvalidDeliveryRequestError('tenant differs from ce_tenant');
  return data;
}

/** Accepts delivery requests from `rekey.bots.deliveries.v1` into their bots' queues. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly repository: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  /**
   * Queues the request durably (the Kafka message is acknowledged once this resolves) and starts
   * its bot's queue here; the delivery itself does not hold up the consumer.
   */
  async accept(event: ReceivedEvent): Promise<void> {
    const request = validRequest(event);
    const body = JSON.stringify((event.data as { event: unknown }).event);
    const queueId = await this.repository.enqueue({ id: event.id, tenant: request.tenant, accountId: request.chimeAccountId, botId: request.botId, eventType: request.event.EventType, body, acceptedAt: new Date() });
    this.dispatcher.wake(queueId);
  }
}
