import { PeerMode } from '@rekey/contracts';
import { MAX_HANDSHAKE_BYTES, ProtocolVersion, Subprotocol, SUBPROTOCOLS } from '@rekey/tunnel-protocol';
import type { IncomingMessage } from 'node:http';

/** What a valid upgrade request asks for, before its token is checked. */
export interface HandshakeRequest {
  mode: PeerMode;
  token: string;
  clientToken?: string;
  subprotocol: Subprotocol;
  version: ProtocolVersion;
}

/** Stable reasons of refusal: the metric label, and the row of docs/tunnel-relay.md. */
export type RefusalReason =
  | 'bad_path'
  | 'handshake_too_large'
  | 'bad_mode'
  | 'no_token'
  | 'several_tokens'
  | 'bad_client_token'
  | 'bad_subprotocol'
  | 'invalid_token'
  | 'token_used'
  | 'tunnel_closed'
  | 'unavailable';

/** An upgrade request answered without upgrading. */
export interface HttpAnswer {
  readonly status: number;
  readonly message: string;
}

/** Why the upgrade is refused, and the HTTP status that tells the client whether to retry. */
export class HandshakeRefusal extends Error implements HttpAnswer {
  constructor(
    readonly reason: RefusalReason,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CLIENT_TOKEN = /^[a-zA-Z0-9-]{32,128}$/;
const TOKEN_COOKIE = 'awsiot-tunnel-token';

/** Bytes of the request line and headers as the client sent them. */
function handshakeBytes(request: IncomingMessage): number {
  let bytes = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`.length + 2;
  for (let i = 0; i < request.rawHeaders.length; i += 2) bytes += request.rawHeaders[i].length + request.rawHeaders[i + 1].length + 4;
  return bytes;
}

/** Every value of a header, however many times it was sent. */
function headerValues(request: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i].toLowerCase() === name) values.push(request.rawHeaders[i + 1]);
  return values;
}

function cookieTokens(request: IncomingMessage): string[] {
  return headerValues(request, 'cookie')
    .flatMap((header) => header.split(';'))
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${TOKEN_COOKIE}=`))
    .map((pair) => decodeURIComponent(pair.slice(TOKEN_COOKIE.length + 1)));
}

/**
 * Checks an upgrade request against the handshake rules of the V3 guide (path, mode, exactly one
 * token in the `access-token` header or the `awsiot-tunnel-token` cookie, client token format, a
 * supported subprotocol, 4 KB); throws a {@link HandshakeRefusal}.
 */
export function parseHandshake(request: IncomingMessage): HandshakeRequest {
  if (handshakeBytes(request) > MAX_HANDSHAKE_BYTES) throw new HandshakeRefusal('handshake_too_large', 431, `The upgrade request exceeds ${MAX_HANDSHAKE_BYTES} bytes`);
  const url = new URL(request.url ?? '/', 'http://relay');
  if (url.pathname !== '/tunnel') throw new HandshakeRefusal('bad_path', 400, 'Unknown path');
  const modes = url.searchParams.getAll('local-proxy-mode');
  if (modes.length !== 1 || (modes[0] !== 'source' && modes[0] !== 'destination')) throw new HandshakeRefusal('bad_mode', 400, 'local-proxy-mode must be source or destination');
  const tokens = [...headerValues(request, 'access-token'), ...cookieTokens(request)];
  if (tokens.length === 0) throw new HandshakeRefusal('no_token', 401, 'No access token');
  if (tokens.length > 1) throw new HandshakeRefusal('several_tokens', 400, 'Exactly one access token, in the access-token header or the awsiot-tunnel-token cookie');
  const clientTokens = headerValues(request, 'client-token');
  if (clientTokens.length > 1 || (clientTokens.length === 1 && !CLIENT_TOKEN.test(clientTokens[0]))) throw new HandshakeRefusal('bad_client_token', 400, 'client-token must match ^[a-zA-Z0-9-]{32,128}$');
  const offered = headerValues(request, 'sec-websocket-protocol').flatMap((header) => header.split(',').map((value) => value.trim()));
  const subprotocol = offered.find((value): value is Subprotocol => Object.hasOwn(SUBPROTOCOLS, value));
  if (!subprotocol) throw new HandshakeRefusal('bad_subprotocol', 400, 'Sec-WebSocket-Protocol must offer aws.iot.securetunneling-1.0, -2.0 or -3.0');
  return {
    mode: modes[0] === 'source' ? 'SOURCE' : 'DESTINATION',
    token: tokens[0],
    ...(clientTokens.length === 1 && { clientToken: clientTokens[0] }),
    subprotocol,
    version: SUBPROTOCOLS[subprotocol],
  };
}
