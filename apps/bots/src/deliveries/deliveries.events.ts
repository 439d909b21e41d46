import { ChimeBotEventType, EVENT_TYPES, EventDeliveredData, EventDeliveryFailedData } from '@rekey/contracts';
import { newEvent, RekeyEvent } from '@rekey/events';
import { DeliveryOutcome } from './bot-event-sender';
import { DeliveryRequest } from './deliveries.repository';

/** `rekey.bots.EventDelivered` or `rekey.bots.EventDeliveryFailed` of a finished delivery: no body, no token. */
export function deliveryOutcomeEvent(delivery: DeliveryRequest, outcome: DeliveryOutcome, at: Date): RekeyEvent<EventDeliveredData | EventDeliveryFailedData> {
  const base = { tenant: delivery.tenant, chimeAccountId: delivery.accountId, botId: delivery.botId, deliveryId: delivery.id, eventType: delivery.eventType as ChimeBotEventType, attempts: outcome.attempts };
  const init = { subject: `/accounts/${delivery.accountId}/bots/${delivery.botId}`, tenant: delivery.tenant, key: delivery.botId };
  return outcome.delivered
    ? newEvent<EventDeliveredData>('bots', { ...init, type: EVENT_TYPES.bots.EventDelivered, data: { ...base, status: outcome.status, deliveredAt: at.toISOString() } })
    : newEvent<EventDeliveryFailedData>('bots', { ...init, type: EVENT_TYPES.bots.EventDeliveryFailed, data: { ...base, reason: outcome.reason, status: outcome.status, failedAt: at.toISOString() } });
}
