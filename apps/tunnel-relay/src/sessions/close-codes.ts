/**
 * Close frames the relay sends (docs/tunnel-relay.md). Any close frame makes localproxy exit 0
 * without reconnecting, so one is sent only when the peer must not come back with the same token;
 * a replica that shuts down drops connections without one, so that clients reconnect elsewhere.
 */
export const CLOSE = {
  /** The tunnel was closed, deleted, or reached its end of life. */
  tunnelClosed: { code: 1000, reason: 'Tunnel closed' },
  /** Another peer with a valid token took this end of the tunnel. */
  replaced: { code: 1000, reason: 'Replaced by a new peer' },
  /** The token this peer connected with was rotated. */
  revoked: { code: 1008, reason: 'Access token revoked' },
  /** A message breaking the protocol's rules. */
  protocolError: { code: 1002, reason: 'Protocol error' },
  /** A text frame: only binary frames are allowed. */
  textFrame: { code: 1003, reason: 'Binary frames only' },
} as const;
