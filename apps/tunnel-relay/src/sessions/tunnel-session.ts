import { PeerMode } from '@rekey/contracts';
import { decodeMessage, MalformedMessageError, TunnelMessage, TunnelMessageType } from '@rekey/tunnel-protocol';
import { adaptForPeer, judgeClientMessage, StreamTable, withImpliedService } from '../protocol/message-rules';
import { CLOSE } from './close-codes';
import { Peer } from './peer';

const OTHER: Record<PeerMode, PeerMode> = { SOURCE: 'DESTINATION', DESTINATION: 'SOURCE' };
const LOCAL_PROXY_MODE = { SOURCE: 'source', DESTINATION: 'destination' } as const;

/** The two ends of one tunnel on this replica, and the serviceId history of its streams. */
export class TunnelSession {
  private readonly peers: Partial<Record<PeerMode, Peer>> = {};
  private readonly streams: StreamTable;

  constructor(
    readonly tunnelId: string,
    private readonly services: readonly string[],
  ) {
    this.streams = new StreamTable(services);
  }

  peer(mode: PeerMode): Peer | undefined {
    return this.peers[mode];
  }

  get empty(): boolean {
    return !this.peers.SOURCE && !this.peers.DESTINATION;
  }

  /** Takes `peer` as its mode's end; the peer it replaces (if any) is returned, its streams reset on the other end. */
  attach(peer: Peer): Peer | undefined {
    const replaced = this.peers[peer.mode];
    this.peers[peer.mode] = peer;
    if (replaced) this.resetStreams(peer.mode);
    if (peer.version > 1) peer.send([{ type: TunnelMessageType.SERVICE_IDS, availableServiceIds: [...this.services] }]);
    return replaced;
  }

  /** Forgets `peer` if it is still its mode's end; the other end's streams are reset. True if it was. */
  detach(peer: Peer): boolean {
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

  /** Cuts every peer with a close frame (tunnel closed). */
  closeAll(code: number, reason: string): Peer[] {
    const peers = [this.peers.SOURCE, this.peers.DESTINATION].filter((peer): peer is Peer => peer !== undefined);
    for (const peer of peers) peer.close(code, reason);
    return peers;
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

