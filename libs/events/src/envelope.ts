import { CloudEvent, Kafka } from 'cloudevents';
import type { IHeaders, Message } from 'kafkajs';
import { messageTraceparent } from '@rekey/platform';
import { RekeyEvent } from './event';

/** An event as a subscriber receives it. */
export interface ReceivedEvent<T = unknown> extends RekeyEvent<T> {
  topic: string;
  partition: number;
  offset: string;
}

/** The Kafka message of an event: CloudEvents 1.0 Kafka protocol binding, binary content mode. */
export function toKafkaMessage(event: RekeyEvent): Message {
  const traceparent = messageTraceparent(event);
  const cloudEvent = new CloudEvent<unknown>({
    specversion: '1.0',
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    tenant: event.tenant,
    ...(traceparent && { traceparent }),
    datacontenttype: 'application/json',
    data: event.data,
  });
  // The binding also emits unset optional attributes (as undefined) and repeats the content type
  // as ce_datacontenttype; contracts.md fixes the header set: keep exactly that.
  const headers = Object.entries(Kafka.binary(cloudEvent).headers).filter(
    ([name, value]) => value !== undefined && name !== 'ce_datacontenttype',
  );
  return { key: event.key, value: JSON.stringify(event.data), headers: Object.fromEntries(headers) as Record<string, string> };
}

/** Thrown for a message that is not a Rekey CloudEvent: never retried, dead-lettered at once. */
export class MalformedEventError extends Error {}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return (Array.isArray(value) ? value[0]?.toString() : value?.toString()) || undefined;
}

function header(headers: IHeaders | undefined, name: string): string {
  const text = headerText(headers, name);
  if (!text) throw new MalformedEventError(`missing header ${name}`);
  return text;
}

/** Parses a consumed Kafka message back into an event. */
export function fromKafkaMessage(
  topic: string,
  partition: number,
  message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders; offset: string },
): ReceivedEvent {
  if (header(message.headers, 'ce_specversion') !== '1.0') throw new MalformedEventError('not a CloudEvents 1.0 message');
  const traceparent = headerText(message.headers, 'ce_traceparent');
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    throw new MalformedEventError('value is not JSON');
  }
  return {
    id: header(message.headers, 'ce_id'),
    type: header(message.headers, 'ce_type'),
    source: header(message.headers, 'ce_source'),
    subject: header(message.headers, 'ce_subject'),
    tenant: header(message.headers, 'ce_tenant'),
    time: header(message.headers, 'ce_time'),
    ...(traceparent && { traceparent }),
    key: message.key?.toString('utf8') ?? '',
    data,
    topic,
    partition,
    offset: message.offset,
  };
}
