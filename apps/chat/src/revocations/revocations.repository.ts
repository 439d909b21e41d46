import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventfulCollection, EventfulCollections, RekeyEvent } from '@rekey/events';
import type { ChatTokenClaims } from '@rekey/tokens';
import type { Model } from 'mongoose';
import { REVOCATION_MODEL, RevocationDocument } from './revocation.schema';

/** The `_id`s that can revoke a token of this room and user (see {@link RevocationDocument}). */
export function revocationKeys(roomArn: string, userId: string): [room: string, user: string] {
  return [roomArn, `${roomArn} ${userId}`];
}

/** The only code touching `revocations`. */
@Injectable()
export class RevocationsRepository {
  private readonly revocations: EventfulCollection<RevocationDocument>;

  constructor(@InjectModel(REVOCATION_MODEL) model: Model<RevocationDocument>, collections: EventfulCollections) {
    this.revocations = collections.register<RevocationDocument>(model);
  }

  /** Every token of the room issued at or before `at` is dead (DeleteRoom). */
  async revokeRoom(tenant: string, roomArn: string, at: Date): Promise<void> {
    await this.revocations.collection.updateOne({ _id: roomArn, tenant }, { $max: { revokedAt: at }, $setOnInsert: { roomArn, userId: null } }, { upsert: true });
  }

  /** Every token of the user in the room issued at or before `at` is dead, recorded with its event in one write (DisconnectUser). */
  async revokeUser(tenant: string, roomArn: string, userId: string, at: Date, event: RekeyEvent): Promise<void> {
    const [, key] = revocationKeys(roomArn, userId);
    await this.revocations.record({ _id: key, tenant }, { $max: { revokedAt: at }, $setOnInsert: { roomArn, userId } }, [event], { upsert: true });
  }

  /**
   * The check the messaging gateway makes after {@link openChatToken}: whether the room was
   * deleted or the user disconnected at or after the token was issued. Equivalent query:
   * `db.revocations.find({ _id: { $in: [roomArn, roomArn + " " + userId] }, tenant, revokedAt: { $gte: issuedAt } })`.
   */
  async isRevoked(claims: Pick<ChatTokenClaims, 'tenant' | 'roomArn' | 'userId' | 'issuedAt'>): Promise<boolean> {
    const found = await this.revocations.collection.findOne(
      { _id: { $in: revocationKeys(claims.roomArn, claims.userId) }, tenant: claims.tenant, revokedAt: { $gte: new Date(claims.issuedAt) } },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }
}
