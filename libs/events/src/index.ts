// API of @rekey/events (consumers code against this; implementation: issue #3).
import type { DynamicModule } from '@nestjs/common';
import type { AppName } from '@rekey/contracts';
import type { Model, Schema } from 'mongoose';

/** A CloudEvent as recorded in the outbox and as published (binary mode, key = `key`). */
export interface RekeyEvent<T = unknown> {
  /** `ce_id`: UUID, the same on every redelivery. */
  id: string;
  type: string;
  source: string;
  /** `ce_subject`: resource ARN or path. */
  subject: string;
  tenant: string;
  /** Kafka message key (resource id; room ARN for chat). */
  key: string;
  /** ISO 8601 `ce_time`. */
  time: string;
  data: T;
}

/** Builds an event of this app (id, source, time filled in). */
export declare function newEvent<T>(app: AppName, init: { type: string; subject: string; tenant: string; key: string; data: T }): RekeyEvent<T>;

/**
 * In-document outbox. `withOutbox(schema)` adds the outbox fields and index to a mongoose schema;
 * `recordEvents(...)` is the update fragment that appends events in the same atomic write as the
 * state change, e.g. `Model.findOneAndUpdate(filter, { $set: {...}, ...recordEvents(e) })` or, on
 * create, `{ ...doc, ...outboxForCreate(e) }`. Deleting a document that carries events: set
 * `markDeleted()` in the same update instead; the relay removes it once its events are published.
 */
export declare function withOutbox(schema: Schema): Schema;
export declare function recordEvents(...events: RekeyEvent[]): Record<string, unknown>;
export declare function outboxForCreate(...events: RekeyEvent[]): Record<string, unknown>;
export declare function markDeleted(): Record<string, unknown>;
/** Filter fragment excluding documents marked deleted and awaiting purge. */
export declare const NOT_DELETED: Record<string, unknown>;

/** Publishes recorded events of the watched models to the app's topic; injectable. */
export declare class OutboxRelay {
  watch(model: Model<unknown>): void;
  /** Called after a write: publish now rather than at the next poll. */
  wake(): void;
  /** Resolves once everything recorded so far is published (tests, graceful shutdown). */
  flush(): Promise<void>;
}

/** Direct publishing, acked by Kafka (acks=all) before it resolves; injectable. */
export declare class EventPublisher {
  publish(event: RekeyEvent): Promise<void>;
}

/** An event as a subscriber receives it. */
export interface ReceivedEvent<T = unknown> extends RekeyEvent<T> {
  topic: string;
  partition: number;
  offset: string;
}

export interface SubscriptionOptions {
  groupId: string;
  topics: string[];
  /** Every replica sees every event (own group id per instance). */
  broadcast?: boolean;
  fromBeginning?: boolean;
  handle(event: ReceivedEvent): Promise<void>;
}

/** Typed, de-duplicating, retrying consumer with a dead-letter topic; injectable. */
export declare class EventSubscriber {
  subscribe(options: SubscriptionOptions): Promise<{ stop(): Promise<void> }>;
}

/** Global Nest module: ensures the app's topic exists at start, provides the above. */
export declare class EventsModule {
  static forRoot(options: { app: AppName }): DynamicModule;
}
