import { readFileSync } from 'node:fs';

/** A SigV4 key pair and the tenant (12-digit account) it belongs to. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}


/** A malformed credentials file; the message names the problem, never a secret. */
export class CredentialsFormatError extends Error {}

/** Maps access key ids to their secret and tenant. */
export class CredentialStore {
  private readonly byKeyId: ReadonlyMap<string, Credential>;

  constructor(credentials: readonly Credential[]) {
    this.byKeyId = new Map(credentials.map((credential) => [credential.accessKeyId, credential]));
  }

  /** `[{ accessKeyId, secretAccessKey, accountId }]` (contracts.md REKEY_CREDENTIALS_FILE). */
  static fromFile(path: string): CredentialStore {
    let entries: unknown;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new CredentialsFormatError(`credentials file ${path} is not readable JSON (${(error as Error).name})`);
    }
    if (!Array.isArray(entries) || entries.length === 0) throw new CredentialsFormatError('credentials file must be a non-empty JSON array');
    entries.forEach((entry: Partial<Credential>, index) => {
      if (typeof entry?.accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(entry.accessKeyId)) {
        throw new CredentialsFormatError(`credentials[${index}].accessKeyId must be 16-128 upper-case letters and digits`);
      }
      if (typeof entry.secretAccessKey !== 'string' || entry.secretAccessKey.length < 16) {
        throw new CredentialsFormatError(`credentials[${index}].secretAccessKey must be a string of at least 16 characters`);
      }
      if (typeof entry.accountId !== 'string' || !/^\d{12}$/.test(entry.accountId)) {
        throw new CredentialsFormatError(`credentials[${index}].accountId must be 12 digits`);
      }
    });
    return new CredentialStore(entries as Credential[]);
  }

  lookup(accessKeyId: string): Credential | undefined {
    return this.byKeyId.get(accessKeyId);
  }
}
