import { AppName, EVENT_SOURCES } from '@rekey/contracts';
import { activeTraceparent } from '@rekey/platform';
import { randomUUID } from 'node:crypto';

/** A CloudEvent as recorded in the outbox and as published (binary mode, message key = `key`). */
export interface RekeyEvent<T = unknown> {
  /** `ce_id`: UUID, the same on every redelivery. */
  id: string;
  type: string;
  source: string;
  /** `ce_subject`: resource ARN or path. */
  subject: string;
  /** `ce_tenant`: 12-digit account. */
  tenant: string;
  /** Kafka message key (resource id; room ARN for chat): events of one key stay in order. */
  key: string;
  /** ISO 8601 `ce_time`. */
  time: string;
  /** `ce_traceparent` (CloudEvents distributed tracing): the W3C trace context it was recorded in, if any. */
  traceparent?: string;
  data: T;
}

/** Where Kafka stored an acknowledged event: its offset in its partition of the topic. */
export interface EventPlacement {
  topic: string;
  partition: number;
  /** As kafkajs gives offsets (and `EventContext.offset`): a decimal int64. */
  offset: string;
}

/** Builds an event of this app, with a fresh id, its source, the current time and the active trace context. */
export function newEvent<T>(app: AppName, init: { type: string; subject: string; tenant: string; key: string; data: T }): RekeyEvent<T> {
  const traceparent = activeTraceparent();
  return { id: randomUUID(), source: EVENT_SOURCES[app], time: new Date().toISOString(), ...(traceparent && { traceparent }), ...init };
}
