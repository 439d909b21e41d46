import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { KAFKA, withDeadline } from '@rekey/platform';
import { ICustomPartitioner, Kafka, Message, Partitioners, Producer, ProducerConfig, RecordMetadata, TopicMessages } from 'kafkajs';
import { toKafkaMessage } from './envelope';
import { EventPlacement, RekeyEvent } from './event';
import { JoiningQueue } from './joining-queue';

/** Sends waiting together go out as one batch, up to this many. */
const MAX_SENDS_PER_REQUEST = 100;
/**
 * A produce request stays well under the broker's `message.max.bytes` (1 MiB by default), which
 * bounds each partition's record batch: a bigger batch is split into several requests, in order.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** Per-message framing (offsets, lengths, attributes) on top of key, value and headers. */
const MESSAGE_OVERHEAD_BYTES = 64;

/**
 * A produce request not acknowledged by then counts as failed (kafkajs would wait out its 30 s
 * request timeout and retries on a broker that went away mid-request): the producer is replaced.
 */
const SEND_DEADLINE_MS = 5_000;
/** A request in flight this long already says Kafka is in trouble: callers that can wait stop queueing behind it. */
const STALLED_AFTER_MS = 1_000;

/** Idempotent, acks from all in-sync replicas, one request in flight: retries cannot reorder events of a key. */
const PRODUCER_CONFIG: ProducerConfig = { idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } };

interface PendingSend {
  topic: string;
  messages: Message[];
  resolve(placements: EventPlacement[]): void;
  reject(error: unknown): void;
}

/** One produce request: its messages by topic, and how many of the batch's sends it completes. */
interface ProduceRequest {
  topicMessages: TopicMessages[];
  completesSends: number;
}

function sizeOf(message: Message): number {
  const headers = Object.entries(message.headers ?? {}).reduce((sum, [name, value]) => sum + name.length + String(value).length, 0);
  return MESSAGE_OVERHEAD_BYTES + String(message.key ?? '').length + String(message.value ?? '').length + headers;
}

/** Joins consecutive messages to the same topic, keeping their order. */
function appendTo(batches: TopicMessages[], topic: string, message: Message): void {
  const last = batches.at(-1);
  if (last?.topic === topic) last.messages.push(message);
  else batches.push({ topic, messages: [message] });
}

/** Splits the batch's messages, in order, into requests of at most MAX_REQUEST_BYTES (a bigger single message goes alone). */
export function produceRequests(sends: Pick<PendingSend, 'topic' | 'messages'>[]): ProduceRequest[] {
  const requests: ProduceRequest[] = [];
  let current: ProduceRequest = { topicMessages: [], completesSends: 0 };
  let bytes = 0;
  sends.forEach(({ topic, messages }, index) => {
    for (const message of messages) {
      const size = sizeOf(message);
      if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
        requests.push(current);
        current = { topicMessages: [], completesSends: index };
        bytes = 0;
      }
      appendTo(current.topicMessages, topic, message);
      bytes += size;
    }
    current.completesSends = index + 1;
  });
  if (current.topicMessages.length > 0) requests.push(current);
  return requests;
}

/** kafkajs's default partitioner (murmur2 of the key), noting the partition it picks for each message. */
function notingPartitions(partitions: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const partitionOf = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = partitionOf(args);
      partitions.set(args.message, partition);
      return partition;
    };
  };
}

/**
 * Where each message of an acknowledged request was stored: Kafka acknowledges a base offset per
 * partition, from which that partition's messages were stored in request order.
 */
export function placementsOf(messages: { topic: string; message: Message }[], acknowledged: RecordMetadata[], partitionOf: (message: Message) => number | undefined): Map<Message, EventPlacement> {
  const next = new Map<string, bigint>();
  for (const { topicName, partition, baseOffset } of acknowledged) if (baseOffset !== undefined) next.set(`${partition}@${topicName}`, BigInt(baseOffset));
  const placements = new Map<Message, EventPlacement>();
  for (const { topic, message } of messages) {
    const partition = partitionOf(message);
    const offset = next.get(`${partition}@${topic}`);
    if (partition === undefined || offset === undefined) throw new Error(`Kafka acknowledged no offset for a message of ${topic}`);
    placements.set(message, { topic, partition, offset: offset.toString() });
    next.set(`${partition}@${topic}`, offset + 1n);
  }
  return placements;
}

/**
 * The app's Kafka producer. Sends that arrive while a request is in flight wait and then go out
 * together, so that callers awaiting their own ack (chat tokens) are not served one round trip at
 * a time; a batch too big for one produce request goes out as several, in order.
 *
 * It heals itself: after any failed send the kafkajs producer is dropped and the next send
 * connects a fresh one, since an idempotent producer can be left in states it never leaves (an
 * out-of-order sequence number after a broker restart, a fenced epoch). A failed send also fails
 * every send queued behind it, so that nothing sent later overtakes it. Connects when the app has
 * started, in the background: the app starts (and keeps recording events in the outbox) while Kafka
 * is away, and a new replica's first requests do not wait for the connection (metadata, a producer
 * id), which would hold their events past the fast path's deadline.
 */
@Injectable()
export class EventProducer implements OnApplicationBootstrap {
  private connecting?: Promise<Producer>;
  private failing = false;
  private inFlightSince?: number;
  /** The partition kafkajs chose for each message in flight. */
  private readonly partitions = new WeakMap<Message, number>();
  private readonly sends = new JoiningQueue<PendingSend>(MAX_SENDS_PER_REQUEST, (batch) => this.sendTogether(batch));

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  /** Not awaited: a failed connection is the first send's to retry. */
  onApplicationBootstrap(): void {
    this.connect().catch(() => undefined);
  }

  /**
   * False from a failed send until the next acknowledged one, and while a request has been waiting
   * for its acknowledgement longer than STALLED_AFTER_MS: callers that can wait leave their events
   * to the relay meanwhile.
   */
  get available(): boolean {
    return !this.failing && (this.inFlightSince === undefined || Date.now() - this.inFlightSince < STALLED_AFTER_MS);
  }

  /** Resolves once every event is acknowledged by Kafka (acks=all), with where each was stored, in order. */
  send(topic: string, events: RekeyEvent[]): Promise<EventPlacement[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.sends.push({ topic, messages: events.map(toKafkaMessage), resolve, reject }));
  }

  async close(): Promise<void> {
    const producer = await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    await producer?.disconnect();
  }

  private async sendTogether(sends: PendingSend[]): Promise<void> {
    let settled = 0;
    // A send split over several requests completes with the last of them.
    const placed = new Map<Message, EventPlacement>();
    try {
      this.inFlightSince = Date.now();
      const producer = await withDeadline(this.connect(), SEND_DEADLINE_MS, `no connection to Kafka within ${SEND_DEADLINE_MS} ms`);
      for (const request of produceRequests(sends)) {
        // Listed before sending: kafkajs merges a request's lists of one topic in place.
        const messages = request.topicMessages.flatMap(({ topic, messages }) => messages.map((message) => ({ topic, message })));
        const acknowledged = await withDeadline(producer.sendBatch({ acks: -1, topicMessages: request.topicMessages }), SEND_DEADLINE_MS, `Kafka did not acknowledge within ${SEND_DEADLINE_MS} ms`);
        for (const [message, placement] of placementsOf(messages, acknowledged, (one) => this.partitions.get(one))) placed.set(message, placement);
        for (; settled < request.completesSends; settled += 1) sends[settled].resolve(sends[settled].messages.map((message) => placed.get(message)!));
      }
      this.failing = false;
    } catch (error) {
      this.failing = true;
      this.replaceProducer();
      for (const send of [...sends.slice(settled), ...this.sends.takeWaiting()]) send.reject(error);
    } finally {
      this.inFlightSince = undefined;
    }
  }

  private connect(): Promise<Producer> {
    if (!this.connecting) {
      const connecting = this.open();
      this.connecting = connecting;
      // A failed connect or a dropped connection: the next send starts over with a new producer.
      const forget = () => {
        if (this.connecting === connecting) this.connecting = undefined;
      };
      connecting.then((producer) => producer.on(producer.events.DISCONNECT, forget), forget);
    }
    return this.connecting;
  }

  private async open(): Promise<Producer> {
    const producer = this.kafka.producer({ ...PRODUCER_CONFIG, createPartitioner: notingPartitions(this.partitions) });
    try {
      await producer.connect();
      return producer;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** The next send connects a new producer (new producer id, sequence numbers from zero); the old one is let go. */
  private replaceProducer(): void {
    const old = this.connecting;
    this.connecting = undefined;
    void old?.then((producer) => producer.disconnect()).catch(() => undefined);
  }
}
