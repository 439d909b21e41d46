import { BaseRpcContext } from '@nestjs/microservices';
import { ReceivedEvent } from './envelope';

/**
 * What an `@EventPattern` handler receives with `@Ctx()`: the event's CloudEvents attributes and
 * where it was read. The payload itself comes with `@Payload()`, validated.
 */
export class EventContext extends BaseRpcContext<[ReceivedEvent]> {
  /** `ce_id`: the same on every redelivery. */
  readonly id: string;
  /** `ce_type`. */
  readonly type: string;
  /** `ce_source`. */
  readonly source: string;
  /** `ce_subject`: the resource ARN or path. */
  readonly subject: string;
  /** `ce_tenant`: the 12-digit account. */
  readonly tenant: string;
  /** The Kafka message key (resource id; room ARN for chat). */
  readonly key: string;
  /** `ce_time`, ISO 8601. */
  readonly time: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;

  constructor(event: ReceivedEvent) {
    super([event]);
    ({ id: this.id, type: this.type, source: this.source, subject: this.subject, tenant: this.tenant, key: this.key, time: this.time } = event);
    ({ topic: this.topic, partition: this.partition, offset: this.offset } = event);
  }
}

/**
 * What a batch handler (`@EventPattern(type, { group, batch: true })`) receives with `@Ctx()`: the
 * context of each event of the batch, in the order of its `@Payload()` array.
 */
export class EventBatchContext extends BaseRpcContext<[EventContext[]]> {
  constructor(readonly events: EventContext[]) {
    super([events]);
  }
}
