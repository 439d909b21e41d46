import { LocalProxyMode, MAX_DATA_PAYLOAD_BYTES, ProtocolVersion, TunnelMessage, TunnelMessageType } from '@rekey/tunnel-protocol';

/** Types that belong to a stream and so need a non-zero streamId. */
const STREAM_BOUND = new Set<number>([
  TunnelMessageType.DATA,
  TunnelMessageType.STREAM_START,
  TunnelMessageType.STREAM_RESET,
  TunnelMessageType.CONNECTION_START,
  TunnelMessageType.CONNECTION_RESET,
]);
const HIGHEST_KNOWN_TYPE = TunnelMessageType.CONNECTION_RESET;

/** What the relay does with one message from a peer. */
export type Verdict = { action: 'relay' } | { action: 'drop' } | { action: 'close'; reason: string };

/**
 * The V3 guide's validity rules for a message a local proxy sends (the serviceId rules, which
 * need the stream history, are {@link StreamTable}'s).
 */
export function judgeClientMessage(message: TunnelMessage, sender: LocalProxyMode): Verdict {
  const { type } = message;
  if (type === TunnelMessageType.UNKNOWN) return { action: 'close', reason: 'message type UNKNOWN' };
  if (type > HIGHEST_KNOWN_TYPE || type < 0) return message.ignorable ? { action: 'drop' } : { action: 'close', reason: `unknown message type ${type}` };
  if (type === TunnelMessageType.SESSION_RESET || type === TunnelMessageType.SERVICE_IDS) return { action: 'close', reason: 'clients may not send SESSION_RESET or SERVICE_IDS' };
  if (type === TunnelMessageType.STREAM_START && sender === 'destination') return { action: 'close', reason: 'a destination may not send STREAM_START' };
  if (STREAM_BOUND.has(type) && !message.streamId) return { action: 'close', reason: 'streamId 0 on a stream message' };
  if (message.availableServiceIds?.length) return { action: 'close', reason: 'availableServiceIds outside SERVICE_IDS' };
  if ((message.payload?.length ?? 0) > MAX_DATA_PAYLOAD_BYTES) return { action: 'close', reason: `payload over ${MAX_DATA_PAYLOAD_BYTES} bytes` };
  return { action: 'relay' };
}

const NO_SERVICE = '';

/**
 * The serviceId rules of one tunnel (V3 guide): a serviceId must be one of the tunnel's
 * services; a message naming a service needs a stream started for it before; once a stream
 * started without a serviceId, a message with one is refused.
 */
export class StreamTable {
  /** Latest streamId started per service ('' = started without serviceId). */
  private readonly started = new Map<string, number>();

  constructor(private readonly services: readonly string[]) {}

  judge(message: TunnelMessage): Verdict {
    const serviceId = message.serviceId || NO_SERVICE;
    if (serviceId !== NO_SERVICE && !this.services.includes(serviceId)) return { action: 'close', reason: 'serviceId is not a service of this tunnel' };
    if (message.type === TunnelMessageType.STREAM_START) {
      this.started.set(serviceId, message.streamId!);
      return { action: 'relay' };
    }
    if (serviceId !== NO_SERVICE && this.started.has(NO_SERVICE)) return { action: 'close', reason: 'serviceId on a stream started without one' };
    if (serviceId !== NO_SERVICE && !this.started.has(serviceId)) return { action: 'close', reason: 'no stream was started for this serviceId' };
    return { action: 'relay' };
  }

  /** Streams to reset when one end goes away, then forgotten. */
  drain(): Array<{ serviceId: string; streamId: number }> {
    const streams = [...this.started].map(([serviceId, streamId]) => ({ serviceId, streamId }));
    this.started.clear();
    return streams;
  }
}

/**
 * In a single-service tunnel a message without serviceId (V1, or V2/V3 peers that omit it) is about
 * that service: naming it lets V1 and V3 peers share streams and keeps the serviceId rules about
 * what each message means rather than how each version spells it.
 */
export function withImpliedService(message: TunnelMessage, services: readonly string[]): TunnelMessage {
  return !message.serviceId && services.length === 1 && STREAM_BOUND.has(message.type) ? { ...message, serviceId: services[0] } : message;
}

/**
 * The message as a peer of `version` understands it, or undefined when that version has no such
 * message: V1 knows no serviceId, V1 and V2 no connections.
 */
export function adaptForPeer(message: TunnelMessage, version: ProtocolVersion): TunnelMessage | undefined {
  const connectionBound = message.type === TunnelMessageType.CONNECTION_START || message.type === TunnelMessageType.CONNECTION_RESET;
  if (version < 3 && connectionBound) return undefined;
  let adapted = message;
  if (version < 3 && message.connectionId !== undefined) adapted = { ...adapted, connectionId: undefined };
  if (version === 1 && message.serviceId) adapted = { ...adapted, serviceId: undefined };
  return adapted;
}
