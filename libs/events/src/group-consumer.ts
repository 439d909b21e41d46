import { Logger } from '@nestjs/common';
import { EventContract } from '@rekey/contracts';
import { inConsumerSpan, subscribePatiently } from '@rekey/platform';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge } from 'prom-client';
import { DeadLetters } from './dead-letters';
import { fromKafkaMessage, MalformedEventError, ReceivedEvent } from './envelope';
import { EventContext } from './event-context';
import { EventSubscription } from './event-subscription';
import { InvalidPayloadError, validatePayload } from './payload-validation';
import { MemoryProcessedEvents, ProcessedEvents } from './processed-events';

/** A handler as the transport calls it: resolves once handled, rejects with why it could not be. */
export type EventHandler = (payload: object, context: EventContext) => Promise<void>;

/** What the consumers of one transport share. */
export interface GroupConsumerDeps {
  kafka: Kafka;
  /** De-duplication of durable groups (broadcast groups keep theirs in memory). */
  processed: ProcessedEvents;
  deadLetters: DeadLetters;
  lag?: Gauge<'topic' | 'partition' | 'group'>;
}

/** Back-off between attempts to start consuming while Kafka is away. */
const START_RETRY_MS = { first: 500, max: 5_000 };

/** The message of a handler's failure, whatever it threw (Nest may hand over a plain `{ message }`). */
function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  return message === undefined ? String(error) : String(message);
}

/**
 * One subscription group's kafkajs consumer and the handlers of its event types. Per message:
 * parses the CloudEvent (a malformed one is dead-lettered at once), skips types the group does not
 * handle and events it already handled (by `ce_id`), validates the payload against its contract
 * class (an invalid one is dead-lettered at once, with the reason), then runs the handler, retrying
 * it with exponential back-off and dead-lettering the event after `maxAttempts`. kafkajs commits
 * the offset of a message only once this returned, i.e. after the handler succeeded or the event
 * was dead-lettered.
 */
export class GroupConsumer {
  private readonly logger = new Logger(GroupConsumer.name);
  private readonly handlers = new Map<string, { contract: EventContract; handle: EventHandler }>();
  /** The group id on Kafka: the subscription's, with a per-instance suffix when broadcast. */
  private readonly groupId: string;
  private readonly processed: ProcessedEvents;
  private consumer?: Consumer;
  private stopped = false;
  private readonly stopping = new AbortController();

  /** `joined` is called each time the group has joined (partitions assigned). */
  constructor(
    readonly subscription: Required<EventSubscription>,
    private readonly deps: GroupConsumerDeps,
    private readonly joined: () => void,
  ) {
    this.groupId = subscription.broadcast ? `${subscription.group}.${hostname()}.${randomUUID().slice(0, 8)}` : subscription.group;
    this.processed = subscription.broadcast ? new MemoryProcessedEvents() : deps.processed;
  }

  handle(type: string, contract: EventContract, handle: EventHandler): void {
    if (this.handlers.has(type)) throw new Error(`two @EventPattern('${type}') handlers in group ${this.subscription.group}`);
    this.handlers.set(type, { contract, handle });
  }

  private get topics(): string[] {
    return [...new Set([...this.handlers.values()].map(({ contract }) => contract.topic))];
  }

  /** Starts consuming in the background, retrying while Kafka is away, until stopped. */
  start(): void {
    void this.keepTrying();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.consumer?.disconnect();
  }

  private async keepTrying(): Promise<void> {
    for (let delayMs = START_RETRY_MS.first; !this.stopped; delayMs = Math.min(delayMs * 2, START_RETRY_MS.max)) {
      // kafkajs restarts a crashed consumer by itself, even one disconnected while restarting: not once stopped.
      const consumer = this.deps.kafka.consumer({ groupId: this.groupId, retry: { retries: 5, restartOnFailure: async () => !this.stopped } });
      try {
        await this.run(consumer);
        return;
      } catch (error) {
        // A half-made consumer would otherwise keep its connections (and retries) alive.
        await consumer.disconnect().catch(() => undefined);
        if (this.stopped) return;
        this.logger.warn(`group ${this.subscription.group} cannot consume ${this.topics.join(', ')} yet, retrying in ${delayMs} ms: ${reasonOf(error)}`);
        await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private async run(consumer: Consumer): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, () => this.joined());
    const lag = this.deps.lag;
    // Labelled by the configured group, which is bounded (broadcast suffixes are not).
    if (lag) consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => lag.set({ topic: payload.topic, partition: String(payload.partition), group: this.subscription.group }, Number(payload.offsetLag)));
    await consumer.connect();
    await subscribePatiently(consumer, this.topics, this.subscription.fromBeginning);
    await consumer.run({ eachMessage: ({ topic, partition, message, heartbeat }) => this.deliver(topic, partition, message, heartbeat) });
    this.consumer = consumer;
    // Stopped while starting: stop() found no consumer to disconnect.
    if (this.stopped) await consumer.disconnect();
  }

  private async deliver(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    let event: ReceivedEvent;
    try {
      event = fromKafkaMessage(topic, partition, message);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return this.deadLetter(topic, message, error.message, 0);
    }
    const handler = this.handlers.get(event.type);
    if (!handler) return;
    if (await this.processed.has(this.groupId, event.id)) return;
    let payload: object;
    try {
      payload = await validatePayload(event.type, handler.contract, event.data);
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      return this.deadLetter(topic, message, error.message, 0);
    }
    const context = new EventContext(event);
    for (let attempt = 1; ; attempt += 1) {
      try {
        // A span per attempt, continuing the trace the event was recorded in.
        const traced = { id: event.id, type: event.type, topic, group: this.subscription.group, traceparent: event.traceparent };
        await inConsumerSpan(traced, () => handler.handle(payload, context));
        break;
      } catch (error) {
        if (attempt >= this.subscription.maxAttempts) return this.deadLetter(topic, message, reasonOf(error), attempt);
        await sleep(100 * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
    // Keyed by the effective group: broadcast replicas must each handle every event.
    await this.processed.add(this.groupId, event.id);
  }

  private deadLetter(topic: string, message: KafkaMessage, reason: string, attempts: number): Promise<void> {
    return this.deps.deadLetters.send(topic, this.groupId, message, reason, attempts);
  }
}
