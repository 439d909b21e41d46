import { PeerMode } from '@rekey/contracts';
import { decodeMessage, MalformedMessageError, MessageDeframer, TunnelMessage, TunnelMessageType } from '@rekey/tunnel-protocol';
import { adaptForPeer, judgeClientMessage, StreamTable, withImpliedService } from '../protocol/message-rules';
import { CLOSE } from './close-codes';
import { OTHER, Peer, TunnelEnd } from './peer';

const LOCAL_PROXY_MODE = { SOURCE: 'source', DESTINATION: 'destination' } as const;

/**
 * The two ends of one tunnel as this replica sees them (local proxies, or a link to the replica
 * holding the other end), and the serviceId history of its streams.
 */
export class TunnelSession {
  private readonly peers: Partial<Record<PeerMode, TunnelEnd>> = {};
  private readonly streams: StreamTable;

  constructor(
    readonly tunnelId: string,
    private readonly services: readonly string[],
  ) {
    this.streams = new StreamTable(services);
  }

  peer(mode: PeerMode): TunnelEnd | undefined {
    return this.peers[mode];
  }

  /** The local proxy of `mode`, if this replica holds it. */
  localPeer(mode: PeerMode): Peer | undefined {
    const end = this.peers[mode];
    return end instanceof Peer ? end : undefined;
  }

  get empty(): boolean {
    return !this.peers.SOURCE && !this.peers.DESTINATION;
  }

  /** Takes `end` as its mode's end; the end it replaces (if any) is returned, its streams reset on the other end. */
  attach(end: TunnelEnd): TunnelEnd | undefined {
    const replaced = this.peers[end.mode];
    this.peers[end.mode] = end;
    if (replaced) this.resetStreams(end.mode);
    return replaced;
  }

  /**
   * SERVICE_IDS to a V2/V3 peer: localproxy waits for it before it listens (source) or accepts
   * streams (destination), so it is sent once the peer's partner, here or on another replica, is known.
   */
  greet(peer: Peer): void {
    if (peer.version > 1 && this.peers[peer.mode] === peer) peer.send([{ type: TunnelMessageType.SERVICE_IDS, availableServiceIds: [...this.services] }]);
  }

  /** Forgets `peer` if it is still its mode's end; the other end's streams are reset. True if it was. */
  detach(peer: TunnelEnd): boolean {
    if (this.peers[peer.mode] !== peer) return false;
    delete this.peers[peer.mode];
    this.resetStreams(peer.mode);
    return true;
  }

  /**
   * One binary WebSocket message from `sender`: every complete protocol message in it is checked
   * and relayed to the other end. Returns the bytes relayed; a rule broken closes the sender.
   */
  receive(sender: Peer, data: Buffer): number {
    const target = this.peers[OTHER[sender.mode]];
    const forward: Array<Buffer | TunnelMessage> = [];
    const bounce: TunnelMessage[] = [];
    for (const bytes of sender.deframer.push(data)) {
      let received: TunnelMessage;
      try {
        received = decodeMessage(bytes);
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        sender.close(CLOSE.protocolError.code, CLOSE.protocolError.reason);
        return 0;
      }
      const verdict = judgeClientMessage(received, LOCAL_PROXY_MODE[sender.mode]);
      const message = withImpliedService(received, this.services);
      const checked = verdict.action === 'relay' ? this.streams.judge(message) : verdict;
      if (checked.action === 'close') {
        sender.close(CLOSE.protocolError.code, `${CLOSE.protocolError.reason}: ${checked.reason}`);
        return 0;
      }
      if (checked.action === 'drop') continue;
      if (!target) {
        const reset = resetFor(message);
        if (reset) bounce.push(reset);
        continue;
      }
      const adapted = adaptForPeer(message, target.version);
      if (adapted === received) forward.push(Buffer.concat([lengthPrefix(bytes.length), bytes]));
      else if (adapted) forward.push(adapted);
    }
    sender.send(bounce);
    return target ? target.send(forward) : 0;
  }

  /**
   * Messages from the replica holding `remote`'s end, already checked and adapted there: relayed
   * as they are to the local end, the stream history kept for the rules of what the local end sends.
   */
  fromLink(remote: TunnelEnd, data: Buffer, deframer: MessageDeframer): number {
    if (this.peers[remote.mode] !== remote) return 0;
    for (const bytes of deframer.push(data)) this.streams.judge(withImpliedService(decodeMessage(bytes), this.services));
    return this.peers[OTHER[remote.mode]]?.send([data]) ?? 0;
  }

  /** Cuts every local peer with a close frame (tunnel closed); each replica cuts its own. */
  closeAll(code: number, reason: string): void {
    for (const mode of ['SOURCE', 'DESTINATION'] as const) this.localPeer(mode)?.close(code, reason);
  }

  /** Tells the end other than `gone` that its streams are over. */
  private resetStreams(gone: PeerMode): void {
    const streams = this.streams.drain();
    const other = this.peers[OTHER[gone]];
    if (!other) return;
    other.send(streams.map(({ serviceId, streamId }) => adaptForPeer({ type: TunnelMessageType.STREAM_RESET, streamId, ...(serviceId && { serviceId }) }, other.version)!));
  }
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.allocUnsafe(2);
  prefix.writeUInt16BE(length, 0);
  return prefix;
}

/** With nobody at the other end, a stream cannot start: the sender is told so. */
function resetFor(message: TunnelMessage): TunnelMessage | undefined {
  const { streamId, serviceId, connectionId } = message;
  if (message.type === TunnelMessageType.STREAM_START || message.type === TunnelMessageType.DATA) return { type: TunnelMessageType.STREAM_RESET, streamId, serviceId };
  if (message.type === TunnelMessageType.CONNECTION_START) return { type: TunnelMessageType.CONNECTION_RESET, streamId, serviceId, connectionId };
  return undefined;
}

