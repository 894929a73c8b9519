import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { appDecider, type AppState } from '../domain/app.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { createTokenBuckets } from './tokenBucket.ts';

/**
 * App credentials. Only a scrypt hash of a secret is ever stored (in the app's event stream);
 * the secret itself is printed once by the CLI and never again.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32 } as const;

function scryptAsync(secret: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, so the cost can be raised later without breaking older hashes. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length === 0) return false;
  const actual = await scryptAsync(secret, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

export interface AppCredentials {
  appKey: string;
  appSecret: string;
}

const newAppKey = () => `app_${randomBytes(12).toString('hex')}`;
const newSecret = () => `sk_${randomBytes(32).toString('base64url')}`;
export const APP_KEY_PATTERN = /^app_[0-9a-f]{24}$/;

export async function createApp(store: EventStore, name: string, now: Date = new Date()): Promise<AppCredentials> {
  const appKey = newAppKey();
  const appSecret = newSecret();
  const secretHash = await hashSecret(appSecret);
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RegisterApp', data: { appId: appKey, name, secretHash, at: now.toISOString() } },
    metadataFor(ctxFor(appKey, now)),
  );
  return { appKey, appSecret };
}

/** The old secret stops working at the next request: the cache is keyed by the stream revision. */
export async function rotateAppSecret(store: EventStore, appKey: string, now: Date = new Date()): Promise<AppCredentials> {
  const appSecret = newSecret();
  const secretHash = await hashSecret(appSecret);
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RotateAppSecret', data: { appId: appKey, secretHash, at: now.toISOString() } },
    metadataFor(ctxFor(appKey, now)),
  );
  return { appKey, appSecret };
}

export async function revokeApp(store: EventStore, appKey: string, now: Date = new Date()): Promise<void> {
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RevokeApp', data: { appId: appKey, at: now.toISOString() } },
    metadataFor(ctxFor(appKey, now)),
  );
}

function ctxFor(appKey: string, now: Date): CommandContext {
  return { appId: appKey, requestId: `cli-${randomBytes(8).toString('hex')}`, now };
}

export type AuthResult =
  | { ok: true; appId: string; name: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'bad_secret' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number };

export interface AppAuthenticator {
  authenticate(appKey: string, secret: string): Promise<AuthResult>;
}

export interface AuthenticatorOptions {
  maxEntries?: number;
  verify?: (secret: string, stored: string) => Promise<boolean>;
  /** Scrypt verifications allowed per app key (cache misses only): a guessing attacker is slowed, cached callers never are. */
  verifyRatePerSec?: number;
  verifyBurst?: number;
}

/**
 * Verifying scrypt on every request would cost ~50 ms of CPU each. Successes are cached under a
 * key holding the app stream's revision, so a rotation or revocation (a new event) misses the
 * cache at once; the presented secret is only kept as a SHA-256 digest. Failures are not cached
 * (they could crowd out the good entries); instead the scrypt work per app key is rate limited.
 * The app stream is read on every request: a few rows, cheap, and what makes revocation immediate.
 */
export function createAppAuthenticator(store: EventStore, options: AuthenticatorOptions = {}): AppAuthenticator {
  const maxEntries = options.maxEntries ?? 10_000;
  const verify = options.verify ?? verifySecret;
  const verifications = createTokenBuckets(options.verifyRatePerSec ?? 5, options.verifyBurst ?? 20);
  const cache = new Set<string>();
  return {
    async authenticate(appKey, secret) {
      if (!APP_KEY_PATTERN.test(appKey)) return { ok: false, reason: 'unknown' };
      const { state, revision } = await loadState<AppState, Parameters<typeof appDecider.evolve>[1]>(store, appDecider, streams.app(appKey));
      if (state.status === 'none' || !state.secretHash) return { ok: false, reason: 'unknown' };
      if (state.status === 'revoked') return { ok: false, reason: 'revoked' };
      const key = `${appKey}\u0000${revision}\u0000${createHash('sha256').update(secret).digest('base64')}`;
      if (!cache.has(key)) {
        const waitMs = verifications.take(appKey);
        if (waitMs > 0) return { ok: false, reason: 'throttled', retryAfterMs: waitMs };
        if (!(await verify(secret, state.secretHash))) return { ok: false, reason: 'bad_secret' };
        if (cache.size >= maxEntries) cache.delete(cache.values().next().value as string);
        cache.add(key);
      }
      return { ok: true, appId: appKey, name: state.name ?? appKey };
    },
  };
}
