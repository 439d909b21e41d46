import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const BOT_MODEL = 'Bot';

/** A security token at rest: keyring ciphertext and the id of the master key that made it. */
export interface StoredSecurityToken {
  ciphertext: string;
  keyId: string;
}

/** Where the bot's outgoing events go: one of the two. */
export interface StoredEventsConfiguration {
  outboundEventsHTTPSEndpoint?: string;
  lambdaFunctionArn?: string;
}

/** A Chime bot as stored in `bots`. The security token is only ever stored encrypted. */
export interface BotDocument {
  /** The bot id (UUID). */
  _id: string;
  tenant: string;
  accountId: string;
  userId: string;
  displayName: string;
  botEmail: string;
  /** The email lowercased: ListAccounts' user-email filter matches on it. */
  emailKey: string;
  disabled: boolean;
  securityToken: StoredSecurityToken;
  /** The security token's generation: 1 at creation, +1 per rotation. */
  generation: number;
  eventsConfiguration?: StoredEventsConfiguration | null;
  createdAt: Date;
  updatedAt: Date;
  /** +1 per change: updates are compare-and-set on it, so that each event carries the state it produced. */
  revision: number;
}

export const botSchema = withOutbox(
  new Schema<BotDocument>(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      accountId: { type: String, required: true },
      userId: { type: String, required: true },
      displayName: { type: String, required: true },
      botEmail: { type: String, required: true },
      emailKey: { type: String, required: true },
      disabled: { type: Boolean, required: true },
      securityToken: { type: new Schema({ ciphertext: String, keyId: String }, { _id: false }), required: true },
      generation: { type: Number, required: true },
      eventsConfiguration: { type: new Schema({ outboundEventsHTTPSEndpoint: String, lambdaFunctionArn: String }, { _id: false }), default: undefined },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      revision: { type: Number, required: true },
    },
    { collection: 'bots', versionKey: false },
  ),
);
// ListBots: an account's bots in creation order; account deletion finds them the same way.
botSchema.index({ tenant: 1, accountId: 1, createdAt: 1, _id: 1 });
// ListAccounts' user-email filter.
botSchema.index({ tenant: 1, emailKey: 1 });
