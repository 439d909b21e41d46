import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { eventContract } from '@rekey/contracts';
import { Kafka } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import { isObservable, lastValueFrom } from 'rxjs';
import { DeadLetters } from './dead-letters';
import { sameSubscription, subscriptionOf } from './event-subscription';
import { GroupConsumer, GroupConsumerDeps } from './group-consumer';
import { ProcessedEvents } from './processed-events';

/**
 * The NestJS transport for Rekey events: serves `@EventPattern('<ce_type>', { group, ... })`
 * handlers from Kafka, with `@Payload()` an instance of the type's contract class (validated) and
 * `@Ctx()` an `EventContext`. The topic comes from the type (EVENT_CATALOG in
 * libs/contracts); handlers of one group share one consumer group (see {@link EventSubscription}
 * and {@link GroupConsumer} for the delivery guarantees). `listen` returns at once and each group
 * starts consuming in the background, retrying while Kafka is away, so an app starts without
 * Kafka. Reports `rekey_consumer_lag_messages{topic,partition,group}` after each batch.
 *
 * The app bootstrap (libs/platform) connects it; its handlers' errors must reach it unchanged
 * (platform's `HandlerErrorsToTransport` filter), so that it retries and dead-letters with the reason.
 */
export class KafkaEventTransport extends Server implements CustomTransportStrategy {
  private readonly groups = new Map<string, GroupConsumer>();
  private readonly joins = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private readonly deps: GroupConsumerDeps;
  private readonly topicOverrides: Record<string, string>;

  /**
   * `processed` de-duplicates the durable groups. Without a `registry` (a script), no metrics.
   * `topicOverrides` consumes another topic in place of a catalog one (tests with a topic of their own).
   */
  constructor(
    private readonly kafka: Kafka,
    processed: ProcessedEvents,
    options: { registry?: Registry; topicOverrides?: Record<string, string> } = {},
  ) {
    super();
    const { registry, topicOverrides = {} } = options;
    this.topicOverrides = topicOverrides;
    const lag = registry
      ? new Gauge({
          name: 'rekey_consumer_lag_messages',
          help: 'Messages of a partition not yet handled by a subscription, as of its last batch',
          labelNames: ['topic', 'partition', 'group'] as const,
          registers: [registry],
        })
      : undefined;
    this.deps = { kafka, processed, deadLetters: new DeadLetters(kafka), lag };
  }

  /** Called by Nest for every `@EventPattern` handler; refuses `@MessagePattern` (events have no reply). */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras?: Record<string, unknown>): void {
    if (!isEventHandler || typeof pattern !== 'string') throw new Error(`the Kafka event transport serves @EventPattern('<ce_type>') handlers only, not ${JSON.stringify(pattern)}`);
    const subscription = subscriptionOf(pattern, extras);
    let group = this.groups.get(subscription.group);
    if (!group) this.groups.set(subscription.group, (group = new GroupConsumer(subscription, this.deps, () => this.join(subscription.group).resolve())));
    else if (!sameSubscription(group.subscription, subscription)) throw new Error(`handlers of group ${subscription.group} disagree on its options (@EventPattern('${pattern}'))`);
    const contract = eventContract(pattern);
    group.handle(pattern, { ...contract, topic: this.topicOverrides[contract.topic] ?? contract.topic }, async (payload, context) => {
      const result = await callback(payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    });
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    for (const group of this.groups.values()) group.start();
    callback();
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((group) => group.stop()));
    await this.deps.deadLetters.close();
  }

  /**
   * Resolves once `group` has joined its consumer group for the first time, so that it receives
   * what is published from then on; never, when no handler has that group or the transport is not
   * connected.
   */
  joined(group: string): Promise<void> {
    return this.join(group).promise;
  }

  private join(group: string) {
    let join = this.joins.get(group);
    if (!join) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.joins.set(group, (join = { promise, resolve }));
    }
    return join;
  }

  /** Status events are not offered: readiness is per group ({@link joined}). */
  on(): never {
    throw new Error('KafkaEventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }
}
