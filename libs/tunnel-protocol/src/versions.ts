/** Protocol versions, by the WebSocket subprotocol that selects them. */
export const SUBPROTOCOLS = {
  'aws.iot.securetunneling-1.0': 1,
  'aws.iot.securetunneling-2.0': 2,
  'aws.iot.securetunneling-3.0': 3,
} as const;
export type Subprotocol = keyof typeof SUBPROTOCOLS;
export type ProtocolVersion = (typeof SUBPROTOCOLS)[Subprotocol];

/** The subprotocol of a version, as clients offer it. */
export function subprotocolOf(version: ProtocolVersion): Subprotocol {
  return `aws.iot.securetunneling-${version}.0` as Subprotocol;
}

/** The two ends of a tunnel, as `local-proxy-mode` names them. */
export type LocalProxyMode = 'source' | 'destination';
