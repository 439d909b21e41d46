import { Inject, Injectable } from '@nestjs/common';
import { REKEY_CONFIG, RekeyConfig } from '@rekey/platform';
import { ChatTokenError, Keyring, KEYRING, openChatToken } from '@rekey/tokens';
import { RoomProjection } from '../projection/room-projection.service';
import { ConnectionIdentity } from './chat-connection';
import { TokenUsesRepository } from './token-uses.repository';

/** A handshake refused with an HTTP status (the official client retries with fresh tokens, then gives up). */
export class HandshakeRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 7230 token characters: what `ws` and browsers accept as a subprotocol. */
const SUBPROTOCOL = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/;

/**
 * Admits a connection from its `Sec-WebSocket-Protocol` (the chat token): opened with the keyring
 * (no database read), room of this region, live and the tenant's, token not revoked, and used for
 * the first time (the one write).
 */
@Injectable()
export class AdmissionService {
  constructor(
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(REKEY_CONFIG) private readonly config: RekeyConfig,
    private readonly projection: RoomProjection,
    private readonly uses: TokenUsesRepository,
  ) {}

  /** The subprotocol to select (the token) when `header` holds exactly one. */
  static tokenOf(header: string | undefined): string {
    const token = header?.trim();
    if (!token || !SUBPROTOCOL.test(token)) throw new HandshakeRefusal(400, 'Sec-WebSocket-Protocol must hold exactly one chat token');
    return token;
  }

  async admit(token: string): Promise<ConnectionIdentity> {
    let claims;
    try {
      claims = openChatToken(this.keyring, token);
    } catch (error) {
      if (error instanceof ChatTokenError) throw new HandshakeRefusal(401, error.message);
      throw error;
    }
    // arn:aws:ivschat:<region>:<account>:room/<id>
    if (claims.roomArn.split(':')[3] !== this.config.awsRegion) throw new HandshakeRefusal(404, 'The room is not in this region');
    const room = await this.projection.findForConnection(claims.roomArn);
    if (!room || room.tenant !== claims.tenant) throw new HandshakeRefusal(404, 'Room not found');
    if (this.projection.isRevoked(claims.roomArn, claims.userId, new Date(claims.issuedAt))) throw new HandshakeRefusal(401, 'The token was revoked');
    if (!(await this.uses.claim(token, new Date(claims.tokenExpirationTime)))) throw new HandshakeRefusal(401, 'The token was used already');
    return {
      tenant: claims.tenant,
      roomArn: claims.roomArn,
      userId: claims.userId,
      capabilities: claims.capabilities,
      attributes: claims.attributes,
      sessionExpirationTime: new Date(claims.sessionExpirationTime),
    };
  }
}
