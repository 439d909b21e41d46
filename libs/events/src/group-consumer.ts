import { Logger } from '@nestjs/common';
import { EventContract } from '@rekey/contracts';
import { inConsumerSpan, subscribePatiently } from '@rekey/platform';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge } from 'prom-client';
import { DeadLetters } from './dead-letters';
import { fromKafkaMessage, MalformedEventError, ReceivedEvent } from './envelope';
import { EventBatchContext, EventContext } from './event-context';
import { EventSubscription } from './event-subscription';
import { InvalidPayloadError, validatePayload } from './payload-validation';
import { UnprocessableEventError } from './unprocessable-event';
import { MemoryProcessedEvents, ProcessedEvents } from './processed-events';

/**
 * A handler as the transport calls it: resolves once handled, rejects with why it could not be. It
 * takes a payload and its {@link EventContext}, or for a batch subscription the payloads and an
 * {@link EventBatchContext}.
 */
export type EventHandler = (payload: object | object[], context: EventContext | EventBatchContext) => Promise<void>;

/** Partitions one group handles at once. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 8;

/** Events a batch handler is given at most at once: small enough for its writes (and the de-duplication's) to stay well inside MongoDB's socket timeout. */
const MAX_BATCH = 100;

/** A consumed message of a type the group handles. */
interface Parsed {
  message: KafkaMessage;
  event: ReceivedEvent;
  handler: { contract: EventContract; handle: EventHandler };
}

/** ... with its validated payload, ready for the handler. */
interface Ready extends Parsed {
  payload: object;
  context: EventContext;
}

/** Consecutive events of one type, in order. */
function runsOfOneType(events: Ready[]): Ready[][] {
  const runs: Ready[][] = [];
  for (const one of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].event.type === one.event.type) last.push(one);
    else runs.push([one]);
  }
  return runs;
}

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
/**
 * A broadcast group has one member, this process. A consumer that gave up on a broker away for
 * long rejoins as a new member, and Kafka holds the group until the old member's session lapses:
 * kafkajs's default 30 s would leave this replica deaf that long after Kafka is back.
 */
const BROADCAST_MEMBERSHIP = { sessionTimeout: 10_000, heartbeatInterval: 1_000 };

/** What a fetch of a group with `gatherMs` waits for at most (see EventSubscription.gatherMs). */
const GATHER_BYTES = 64 * 1024;

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
 * was dead-lettered. Up to PARTITIONS_CONSUMED_CONCURRENTLY partitions are consumed at once, each
 * in order. A batch subscription does the same per chunk of a partition's fetch (see
 * {@link EventSubscription.batch}), its offsets committed once the whole chunk is handled.
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

  /** kafkajs's fetch options for the subscription's `gatherMs` (none: its defaults answer as soon as an event is there). */
  private fetchSize(): { minBytes?: number; maxWaitTimeInMs?: number } {
    return this.subscription.gatherMs > 0 ? { minBytes: GATHER_BYTES, maxWaitTimeInMs: this.subscription.gatherMs } : {};
  }

  private async keepTrying(): Promise<void> {
    for (let delayMs = START_RETRY_MS.first; !this.stopped; delayMs = Math.min(delayMs * 2, START_RETRY_MS.max)) {
      // kafkajs restarts a crashed consumer by itself, even one disconnected while restarting: not once stopped.
      const consumer = this.deps.kafka.consumer({ groupId: this.groupId, ...(this.subscription.broadcast && BROADCAST_MEMBERSHIP), ...this.fetchSize(), retry: { retries: 5, restartOnFailure: async () => !this.stopped } });
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
    // Each partition is still consumed in order; a partition busy with a slow event or a retry does not hold up the others.
    const concurrently = { partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY };
    if (this.subscription.batch) {
      // Offsets are resolved by hand, after each chunk is handled; kafkajs commits what is resolved.
      await consumer.run({ ...concurrently, eachBatchAutoResolve: false, eachBatch: (payload) => this.deliverBatch(payload) });
    } else {
      await consumer.run({ ...concurrently, eachMessage: ({ topic, partition, message, heartbeat }) => this.deliver(topic, partition, message, heartbeat) });
    }
    this.consumer = consumer;
    // Stopped while starting: stop() found no consumer to disconnect.
    if (this.stopped) await consumer.disconnect();
  }

  private async deliver(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const parsed = await this.parse(topic, partition, message);
    if (!parsed || (await this.backingOff(() => this.processed.seen(this.groupId, [parsed.event.id]), heartbeat)).size > 0) return;
    const ready = await this.validate(parsed);
    // Keyed by the effective group: broadcast replicas must each handle every event.
    if (ready && (await this.withRetries(ready, heartbeat))) await this.backingOff(() => this.processed.add(this.groupId, [ready.event.id]), heartbeat);
  }

  /** A batch group's fetch of one partition, in chunks of at most MAX_BATCH; each chunk's offsets are resolved once it is handled. */
  private async deliverBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let from = 0; from < batch.messages.length; from += MAX_BATCH) {
      // Rebalanced or stopping: what is not resolved is fetched again by whoever has the partition.
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(from, from + MAX_BATCH);
      await this.deliverChunk(batch.topic, batch.partition, chunk, heartbeat);
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  }

  /**
   * What {@link deliver} does per message, for many at once: one look-up of the events already
   * handled, the handler called with each run of consecutive events of one type, one write of what
   * was handled.
   */
  private async deliverChunk(topic: string, partition: number, messages: KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    const parsed: Parsed[] = [];
    for (const message of messages) {
      const one = await this.parse(topic, partition, message);
      if (one) parsed.push(one);
    }
    // De-duplication failing past its retries goes to kafkajs, which fetches the messages again.
    const seen = await this.backingOff(() => this.processed.seen(this.groupId, parsed.map(({ event }) => event.id)), heartbeat);
    const ready: Ready[] = [];
    for (const one of parsed) {
      // Also a repeat within the chunk (a producer's retry).
      if (seen.has(one.event.id)) continue;
      seen.add(one.event.id);
      const valid = await this.validate(one);
      if (valid) ready.push(valid);
    }
    const handled: string[] = [];
    for (const run of runsOfOneType(ready)) handled.push(...(await this.handleRun(run, heartbeat)));
    await this.backingOff(() => this.processed.add(this.groupId, handled), heartbeat);
  }

  /** The ids of the run's events that were handled: all of them, or after a failure those handled one at a time (the rest were dead-lettered). */
  private async handleRun(run: Ready[], heartbeat: () => Promise<void>): Promise<string[]> {
    if (run.length > 1) {
      try {
        // One span for the batch, continuing the first event's trace.
        await inConsumerSpan(this.traced(run[0]), () => this.call(run));
        return run.map(({ event }) => event.id);
      } catch (error) {
        this.logger.warn(`group ${this.subscription.group}: a batch of ${run.length} ${run[0].event.type} failed (${reasonOf(error)}); handling its events one at a time`);
      }
    }
    const handled: string[] = [];
    for (const one of run) if (await this.withRetries(one, heartbeat)) handled.push(one.event.id);
    return handled;
  }

  /** The event of a message the group handles; null when it does not, or when it was malformed (then dead-lettered). */
  private async parse(topic: string, partition: number, message: KafkaMessage): Promise<Parsed | null> {
    let event: ReceivedEvent;
    try {
      event = fromKafkaMessage(topic, partition, message);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      await this.deadLetter(topic, message, error.message, 0);
      return null;
    }
    const handler = this.handlers.get(event.type);
    return handler ? { message, event, handler } : null;
  }

  /** The event with its validated payload; null when the payload breaks its contract (then dead-lettered with the reason). */
  private async validate(parsed: Parsed): Promise<Ready | null> {
    try {
      return { ...parsed, payload: await validatePayload(parsed.event.type, parsed.handler.contract, parsed.event.data), context: new EventContext(parsed.event) };
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      await this.deadLetter(parsed.event.topic, parsed.message, error.message, 0);
      return null;
    }
  }

  /** Runs the handler on one event, retrying with back-off; true once handled, false when dead-lettered after `maxAttempts`. */
  private async withRetries(one: Ready, heartbeat: () => Promise<void>): Promise<boolean> {
    try {
      // A span per attempt, continuing the trace the event was recorded in.
      await this.backingOff(() => inConsumerSpan(this.traced(one), () => this.call([one])), heartbeat);
      return true;
    } catch (error) {
      await this.deadLetter(one.event.topic, one.message, reasonOf(error), error instanceof UnprocessableEventError ? 1 : this.subscription.maxAttempts);
      return false;
    }
  }

  /** `operation` tried up to `maxAttempts` times, backing off from 100 ms (doubling), an unprocessable event once; rejects with the last failure. */
  private async backingOff<T>(operation: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation();
      } catch (error) {
        if (attempt >= this.subscription.maxAttempts || error instanceof UnprocessableEventError) throw error;
        await sleep(100 * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  /** The handler of the events' type (all of one type), as its subscription takes them. */
  private call(events: Ready[]): Promise<void> {
    const { handle } = events[0].handler;
    if (!this.subscription.batch) return handle(events[0].payload, events[0].context);
    return handle(
      events.map(({ payload }) => payload),
      new EventBatchContext(events.map(({ context }) => context)),
    );
  }

  private traced({ event }: Parsed) {
    return { id: event.id, type: event.type, topic: event.topic, group: this.subscription.group, traceparent: event.traceparent };
  }

  private deadLetter(topic: string, message: KafkaMessage, reason: string, attempts: number): Promise<void> {
    return this.deps.deadLetters.send(topic, this.groupId, message, reason, attempts);
  }
}
