/**
 * Per-user data keys for crypto-shredding, kept outside the log. A key belongs to one scope (a
 * user key, domain/streams.ts userKey: one app's user) and has an id (`kid`) that every
 * ciphertext names, so a key made after an erasure can never open what the old one sealed.
 * Destroying the key is the erasure: the log keeps its ciphertexts, nobody can read them again.
 */
export interface DataKey {
  kid: string;
  /** 32 random bytes (AES-256-GCM). */
  key: Buffer;
}

export interface KeyVault {
  /** The scope's key, made (random) when it has none. Two callers racing get the same key. */
  getOrCreate(scope: string): Promise<DataKey>;
  /** The keys that exist among `scopes`; a destroyed or never-made key is simply absent. */
  getMany(scopes: readonly string[]): Promise<Map<string, DataKey>>;
  /** Forgets the scope's key for good; true when there was one. */
  destroy(scope: string): Promise<boolean>;
  close(): Promise<void>;
}

export const KEY_BYTES = 32;
