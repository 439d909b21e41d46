import { IsIn } from 'class-validator';
import { IsId, IsIsoTime, IsTenant } from '../events/event-fields';

/** The two ends of a tunnel, each with its own access token. */
export const PEER_MODES = ['SOURCE', 'DESTINATION'] as const;
export type PeerMode = (typeof PEER_MODES)[number];

/**
 * `data` of `rekey.tunnel-relay.PeerConnected` and `rekey.tunnel-relay.PeerDisconnected`: a local
 * proxy joined or left one end of a tunnel (on any relay replica). Never a token.
 */
export class PeerConnectionData {
  @IsTenant()
  tenant!: string;

  @IsId()
  tunnelId!: string;

  @IsId()
  tunnelArn!: string;

  /** Which end of the tunnel. */
  @IsIn(PEER_MODES)
  mode!: PeerMode;

  /** ISO 8601: when the relay admitted or lost the peer. */
  @IsIsoTime()
  at!: string;
}
