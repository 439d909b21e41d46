import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { isDuplicateKey } from '@rekey/events';
import { sha256Hex } from '@rekey/tokens';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';

interface TokenUseDocument {
  /** SHA-256 of the token: the token itself is never stored. */
  _id: string;
  expiresAt: Date;
}

const PURGE_EVERY_MS = 60_000;

/**
 * Tokens that opened a connection (`token_uses` in the gateway's database), kept until the token
 * expires: a unique insert makes a token open one connection only, across every replica.
 */
@Injectable()
export class TokenUsesRepository implements OnModuleInit {
  private uses!: Collection<TokenUseDocument>;
  private lastPurge = 0;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.uses = this.connection.collection<TokenUseDocument>('token_uses');
  }

  /** Records the token's use; false when it was used already. */
  async claim(token: string, tokenExpirationTime: Date): Promise<boolean> {
    try {
      await this.uses.insertOne({ _id: sha256Hex(token), expiresAt: tokenExpirationTime });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await this.purgeNowAndThen();
    return true;
  }

  /** Expired uses can go: an expired token is refused before its use is looked up. */
  private async purgeNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.uses.deleteMany({ expiresAt: { $lt: new Date() } });
  }
}
