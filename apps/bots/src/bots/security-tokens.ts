import { Inject, Injectable } from '@nestjs/common';
import { generateToken, Keyring, KEYRING } from '@rekey/tokens';
import { StoredSecurityToken } from './bot.schema';

/** Which bot a token belongs to: bound into the ciphertext, so a token copied onto another bot does not open. */
export interface TokenOwner {
  tenant: string;
  accountId: string;
  botId: string;
}

const associatedData = (owner: TokenOwner) => `chime-bot-security-token\0${owner.tenant}\0${owner.accountId}\0${owner.botId}`;

/**
 * Chime bot security tokens: 30 CSPRNG bytes as 40 base64 characters (the form of Chime's
 * examples), stored encrypted with the keyring (AES-256-GCM) under its current key. The key id
 * travels with the ciphertext, so tokens written under an older master key still open after the
 * keyring's current key changed, as long as the old key stays listed.
 */
@Injectable()
export class SecurityTokens {
  constructor(@Inject(KEYRING) private readonly keyring: Keyring) {}

  issue(): string {
    return generateToken(30);
  }

  seal(token: string, owner: TokenOwner): StoredSecurityToken {
    return { ciphertext: this.keyring.encrypt(token, associatedData(owner)), keyId: this.keyring.currentKeyId };
  }

  open(stored: StoredSecurityToken, owner: TokenOwner): string {
    return this.keyring.decrypt(stored.ciphertext, associatedData(owner));
  }
}
