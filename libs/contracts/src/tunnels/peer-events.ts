/** The two ends of a tunnel, each with its own access token. */
export type PeerMode = 'SOURCE' | 'DESTINATION';

/**
 * `data` of `rekey.tunnel-relay.PeerConnected` and `rekey.tunnel-relay.PeerDisconnected`: a local
 * proxy joined or left one end of a tunnel (on any relay replica). Never a token.
 */
export interface PeerConnectionData {
  tenant: string;
  tunnelId: string;
  tunnelArn: string;
  /** Which end of the tunnel. */
  mode: PeerMode;
  /** ISO 8601: when the relay admitted or lost the peer. */
  at: string;
}
