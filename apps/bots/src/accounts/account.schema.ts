import { ChimeAccountStatus, ChimeAccountType, ChimeLicense } from '@rekey/contracts';
import { withOutbox } from '@rekey/events';
import { Schema } from 'mongoose';

export const ACCOUNT_MODEL = 'Account';

/** A Chime account as stored in `accounts`. */
export interface AccountDocument {
  /** The Chime account id (UUID). */
  _id: string;
  tenant: string;
  name: string;
  accountType: ChimeAccountType;
  defaultLicense: ChimeLicense;
  supportedLicenses: ChimeLicense[];
  accountStatus: ChimeAccountStatus;
  createdAt: Date;
  updatedAt: Date;
  /** +1 per change: updates are compare-and-set on it, so that each event carries the state it produced. */
  revision: number;
  /** Set by DeleteAccount's first step: from then on the account and its bots answer NotFound. */
  deletingAt?: Date;
}

export const accountSchema = withOutbox(
  new Schema<AccountDocument>(
    {
      _id: { type: String, required: true },
      tenant: { type: String, required: true },
      name: { type: String, required: true },
      accountType: { type: String, required: true },
      defaultLicense: { type: String, required: true },
      supportedLicenses: { type: [String], required: true },
      accountStatus: { type: String, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      revision: { type: Number, required: true },
      deletingAt: { type: Date },
    },
    { collection: 'accounts', versionKey: false },
  ),
);
// ListAccounts: a tenant's accounts in creation order.
accountSchema.index({ tenant: 1, createdAt: 1, _id: 1 });
// Resuming interrupted deletions.
accountSchema.index({ deletingAt: 1 }, { sparse: true });
