import { Inject, Injectable } from '@nestjs/common';
import { Keyring, KEYRING } from '@rekey/tokens';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors/service-error';

const MAC_BYTES = 16;

/**
 * Opaque, tamper-evident `NextToken`s bound to one tenant and one listing: base64url of the cursor
 * JSON followed by an HMAC-SHA256 (key derived from the keyring) over tenant, scope and cursor. A
 * token from another tenant, another listing (`scope`, e.g. `ListBots:<accountId>`) or altered in
 * any way is refused with the API's validation error.
 */
@Injectable()
export class PaginationTokens {
  private readonly key: Buffer;

  constructor(@Inject(KEYRING) keyring: Keyring) {
    this.key = keyring.deriveKey('pagination-tokens');
  }

  issue(tenant: string, scope: string, cursor: Record<string, unknown>): string {
    const payload = Buffer.from(JSON.stringify(cursor));
    return Buffer.concat([payload, this.mac(tenant, scope, payload)]).toString('base64url');
  }

  read<T extends Record<string, unknown>>(token: string, tenant: string, scope: string): T {
    const raw = Buffer.from(token, 'base64url');
    const payload = raw.subarray(0, Math.max(0, raw.length - MAC_BYTES));
    const mac = raw.subarray(payload.length);
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.mac(tenant, scope, payload))) {
      throw new ServiceError('Validation', 'Invalid NextToken', { fieldList: [{ name: 'nextToken', message: 'is not a token of this listing' }] });
    }
    return JSON.parse(payload.toString()) as T;
  }

  private mac(tenant: string, scope: string, payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(`${tenant}\0${scope}\0`).update(payload).digest().subarray(0, MAC_BYTES);
  }
}
