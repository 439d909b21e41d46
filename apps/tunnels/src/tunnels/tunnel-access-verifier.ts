import { Injectable } from '@nestjs/common';
import { constantTimeEqual, sha256Hex } from '@rekey/tokens';
import { Clock } from './clock';
import { AccessMode, statusAt } from './tunnel';
import { TunnelsRepository } from './tunnels.repository';

// Compared against when there is no tunnel, so that a miss does the same hashing work as a hit.
const NO_VERIFIER = sha256Hex('');

/** Checks client access tokens: what the tunnel relay calls before letting a client connect. */
@Injectable()
export class TunnelAccessVerifier {
  constructor(
    private readonly tunnels: TunnelsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * True only for the current token of `mode` of an open tunnel that has not reached its end of
   * life: false for a rotated (revoked) token, the other mode's token, an expired, closed, deleted
   * or unknown tunnel. Compares SHA-256 digests in constant time.
   */
  async verifyAccessToken(tunnelId: string, mode: AccessMode, token: string): Promise<boolean> {
    if (typeof tunnelId !== 'string' || typeof token !== 'string' || (mode !== 'SOURCE' && mode !== 'DESTINATION')) return false;
    const verifier = await this.tunnels.findVerifier(tunnelId, mode);
    const matches = constantTimeEqual(sha256Hex(token), verifier?.tokenHash ?? NO_VERIFIER);
    return matches && verifier !== undefined && statusAt(verifier, this.clock.now()) === 'OPEN';
  }
}
