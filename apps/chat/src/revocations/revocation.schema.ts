import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const REVOCATION_MODEL = 'Revocation';

/**
 * `revocations`: a token of `roomArn` (and of `userId`, when set) issued at or before `revokedAt`
 * no longer opens a connection. `_id` is `<roomArn>` for a deleted room and
 * `<roomArn> <userId>` for a disconnected user (ARNs hold no space), so that the messaging
 * gateway checks a token with one `_id $in` lookup of two keys.
 */
export interface RevocationDocument {
  _id: string;
  tenant: string;
  roomArn: string;
  userId: string | null;
  revokedAt: Date;
}

export const revocationSchema = withOutbox(
  new Schema<RevocationDocument>(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      roomArn: { type: String, required: true },
      userId: { type: String, default: null },
      revokedAt: { type: Date, required: true },
    },
    { collection: 'revocations', versionKey: false },
  ),
);
