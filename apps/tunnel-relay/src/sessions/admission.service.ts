import { Injectable } from '@nestjs/common';
import { PeerMode } from '@rekey/contracts';
import { constantTimeEqual, sha256Hex } from '@rekey/tokens';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLive, TunnelView, usedByField, verifierField } from '../projection/tunnel-view';
import { TunnelViewsRepository } from '../projection/tunnel-views.repository';
import { HandshakeRefusal, HandshakeRequest } from './handshake';

/** How long a token unknown to the projection waits for its event before it is refused. */
export const PROJECTION_WAIT_MS = 2_000;
const PROJECTION_POLL_MS = 100;

/** A peer let in: which end of which tunnel, with which token (by verifier only). */
export interface Admission {
  tunnel: TunnelView;
  mode: PeerMode;
  verifier: string;
}

/**
 * AWS's token rules at the handshake: the current token of the mode of an open tunnel, used once,
 * or again by the client that first used it with the same `client-token`.
 */
@Injectable()
export class AdmissionService {
  constructor(private readonly views: TunnelViewsRepository) {}

  async admit(request: HandshakeRequest): Promise<Admission> {
    const verifier = sha256Hex(request.token);
    const tunnel = await this.awaitTunnel(request.mode, verifier);
    if (!constantTimeEqual(tunnel[verifierField(request.mode)] ?? '', verifier)) throw this.invalid();
    if (!isLive(tunnel, new Date())) throw new HandshakeRefusal('tunnel_closed', 401, 'The tunnel is closed or expired');
    const used = tunnel[usedByField(request.mode)];
    const marker = request.clientToken !== undefined ? `c:${request.clientToken}` : `u:${randomUUID()}`;
    if (used !== undefined && used !== marker) throw new HandshakeRefusal('token_used', 401, 'The access token was previously used and cannot be used again');
    if (!(await this.unavailableOnError(this.views.claimUse(tunnel.id, request.mode, verifier, used, marker)))) {
      throw new HandshakeRefusal('token_used', 401, 'The access token was previously used and cannot be used again');
    }
    return { tunnel, mode: request.mode, verifier };
  }

  /** Still the current token of a live tunnel (checked again once the peer is registered, against a concurrent rotation). */
  async stillValid(admission: Admission): Promise<boolean> {
    const tunnel = await this.views.findById(admission.tunnel.id);
    return tunnel !== undefined && tunnel[verifierField(admission.mode)] === admission.verifier && isLive(tunnel, new Date());
  }

  private async awaitTunnel(mode: PeerMode, verifier: string): Promise<TunnelView> {
    const deadline = Date.now() + PROJECTION_WAIT_MS;
    for (;;) {
      const tunnel = await this.unavailableOnError(this.views.findByVerifier(mode, verifier));
      if (tunnel) return tunnel;
      if (Date.now() >= deadline) throw this.invalid();
      await sleep(PROJECTION_POLL_MS);
    }
  }

  private invalid(): HandshakeRefusal {
    return new HandshakeRefusal('invalid_token', 401, 'The access token is invalid');
  }

  /** The projection's database failing is transient: 503, so that clients retry. */
  private async unavailableOnError<T>(query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch {
      throw new HandshakeRefusal('unavailable', 503, 'The tunnel service is temporarily unavailable');
    }
  }
}
