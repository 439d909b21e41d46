// API of @rekey/tokens (issue #5/#6/#7 consumers code against this; implementation: libs/tokens).
/** A token from the CSPRNG: `bytes` random bytes as base64 (30 bytes -> 40 characters). */
export declare function generateToken(bytes?: number): string;
/** Hex SHA-256 of the token's UTF-8 bytes (what tunnels store instead of the token). */
export declare function sha256Hex(token: string): string;
/** Constant-time equality of two strings (false for different lengths, without early exit on content). */
export declare function constantTimeEqual(a: string, b: string): boolean;

/** Master keys: `{ current, keys: { id: base64 32 bytes } }` (contracts.md REKEY_KEYRING_FILE). */
export declare class Keyring {
  static fromFile(path: string): Keyring;
  /** The fixed dev keyring, refused in production. */
  static dev(): Keyring;
  readonly currentKeyId: string;
  /** AES-256-GCM under the current key; the result names the key id, so old keys still decrypt. */
  encrypt(plaintext: string, associatedData?: string): string;
  decrypt(sealed: string, associatedData?: string): string;
  /** Seals a JSON claims object into an opaque URL-safe token (authenticated encryption, key id inside). */
  seal(claims: object, purpose: string): string;
  /** Opens a sealed token; throws {@link SealedTokenError} when tampered, of another purpose or of an unknown key. */
  open<T>(token: string, purpose: string): T;
  /** A key derived from the current master key for another use (e.g. HMAC of pagination tokens). */
  deriveKey(purpose: string): Buffer;
}
export declare class SealedTokenError extends Error {}
/** Injection token of the app's Keyring; provided by {@link TokensModule}. */
export declare const KEYRING: unique symbol;
/** Global Nest module: Keyring from REKEY_KEYRING_FILE, or the dev keyring outside production. */
export declare class TokensModule {}
