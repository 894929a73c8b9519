import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { appDecider, type AppState } from '../domain/app.ts';
import type { OperatorRef } from '../domain/events.ts';
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
  return new Promise((resolve, reject) => scrypt(secret, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))));
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

/** `by`: the console operator who did it (absent: the CLI). */
export async function createApp(store: EventStore, name: string, now: Date = new Date(), by?: OperatorRef): Promise<AppCredentials> {
  const appKey = newAppKey();
  const appSecret = newSecret();
  const secretHash = await hashSecret(appSecret);
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RegisterApp', data: { appId: appKey, name, secretHash, at: now.toISOString(), ...(by && { by }) } },
    metadataFor(ctxFor(appKey, now, by)),
  );
  return { appKey, appSecret };
}

/** The old secret stops working at the next request: the cache is keyed by the stream revision. */
export async function rotateAppSecret(store: EventStore, appKey: string, now: Date = new Date(), by?: OperatorRef): Promise<AppCredentials> {
  const appSecret = newSecret();
  const secretHash = await hashSecret(appSecret);
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RotateAppSecret', data: { appId: appKey, secretHash, at: now.toISOString(), ...(by && { by }) } },
    metadataFor(ctxFor(appKey, now, by)),
  );
  return { appKey, appSecret };
}

export async function revokeApp(store: EventStore, appKey: string, now: Date = new Date(), by?: OperatorRef): Promise<void> {
  await handleCommand(
    store,
    appDecider,
    streams.app(appKey),
    { type: 'RevokeApp', data: { appId: appKey, at: now.toISOString(), ...(by && { by }) } },
    metadataFor(ctxFor(appKey, now, by)),
  );
}

function ctxFor(appKey: string, now: Date, by?: OperatorRef): CommandContext {
  return { appId: appKey, requestId: `cli-${randomBytes(8).toString('hex')}`, now, ...(by && { operator: by }) };
}

export type AuthResult =
  { ok: true; appId: string; name: string } | { ok: false; reason: 'unknown' | 'revoked' | 'bad_secret' } | { ok: false; reason: 'throttled'; retryAfterMs: number };

export interface AppAuthenticator {
  /** `client`: who asks (the peer address), for the per-client failure limit. */
  authenticate(appKey: string, secret: string, client?: string): Promise<AuthResult>;
}

export interface AuthenticatorOptions {
  maxEntries?: number;
  verify?: (secret: string, stored: string) => Promise<boolean>;
  /** Failed verifications allowed per presented app key before answers turn to 429 (a correct secret is never refused). */
  verifyRatePerSec?: number;
  verifyBurst?: number;
  /**
   * Failed checks one client may make in `windowSeconds` (0: no limit). Past it, a credential not
   * already verified is answered 429 before any scrypt runs: random keys from many connections
   * cannot keep the cores busy. A cached correct credential is still accepted.
   */
  clientFailures?: { max: number; windowSeconds: number };
}

/**
 * Verified against when the key is unknown or revoked, so those answers cost the same scrypt as a
 * wrong secret for a real key: response time tells nothing about which keys exist. Same parameters
 * as a real hash; it matches no secret (random salt and digest).
 */
const DUMMY_HASH = ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, randomBytes(16).toString('base64'), randomBytes(SCRYPT.keyLen).toString('base64')].join('$');

/**
 * Verifying scrypt on every request would cost ~50 ms of CPU each. Successes are cached under a
 * key holding the app stream's revision, so a rotation or revocation (a new event) misses the
 * cache at once; the presented secret is only kept as a SHA-256 digest. Concurrent requests with
 * the same credentials share one verification.
 *
 * Every credential that misses the cache pays one scrypt, whether the key exists, is revoked or
 * not (no timing oracle). The limiter counts failures only and is consulted after the secret was
 * checked: whoever floods a key with wrong secrets gets 429s, but cannot make the right secret fail.
 * A second limiter counts failures per client and is consulted before the scrypt (see clientFailures).
 */
export function createAppAuthenticator(store: EventStore, options: AuthenticatorOptions = {}): AppAuthenticator {
  const maxEntries = options.maxEntries ?? 10_000;
  const verify = options.verify ?? verifySecret;
  const failures = createTokenBuckets(options.verifyRatePerSec ?? 5, options.verifyBurst ?? 20, undefined, maxEntries);
  const perClient = options.clientFailures ?? { max: 0, windowSeconds: 60 };
  const clientFailures = createTokenBuckets(perClient.max / perClient.windowSeconds, perClient.max, undefined, maxEntries);
  const cache = new Set<string>();
  const inflight = new Map<string, Promise<boolean>>();

  function verifyOnce(key: string, secret: string, hash: string): Promise<boolean> {
    const running = inflight.get(key);
    if (running) return running;
    const started = verify(secret, hash).finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  }

  return {
    async authenticate(appKey, secret, client) {
      const { state, revision } = APP_KEY_PATTERN.test(appKey)
        ? await loadState<AppState, Parameters<typeof appDecider.evolve>[1]>(store, appDecider, streams.app(appKey), { cached: true })
        : { state: undefined, revision: -1 };
      const known = state !== undefined && state.status !== 'none' && state.secretHash !== undefined;
      const digest = createHash('sha256').update(secret).digest('base64');
      const key = `${appKey}\u0000${revision}\u0000${digest}`;
      if (known && state.status === 'active' && cache.has(key)) return { ok: true, appId: appKey, name: state.name ?? appKey };
      const clientWait = client === undefined ? 0 : clientFailures.peek(client);
      if (clientWait > 0) return { ok: false, reason: 'throttled', retryAfterMs: clientWait };
      const hash = known && state.status === 'active' ? state.secretHash! : DUMMY_HASH;
      const matches = await verifyOnce(key, secret, hash);
      if (matches && known && state.status === 'active') {
        if (cache.size >= maxEntries) cache.delete(cache.values().next().value as string);
        cache.add(key);
        return { ok: true, appId: appKey, name: state.name ?? appKey };
      }
      if (client !== undefined) clientFailures.take(client);
      const waitMs = failures.take(appKey);
      if (waitMs > 0) return { ok: false, reason: 'throttled', retryAfterMs: waitMs };
      if (!known) return { ok: false, reason: 'unknown' };
      if (state.status === 'revoked') return { ok: false, reason: 'revoked' };
      return { ok: false, reason: 'bad_secret' };
    },
  };
}

/** The app stream's revision while the app is active (a rotation or revocation moves it): console sessions are bound to it. */
export async function activeAppRevision(store: EventStore, appKey: string): Promise<number | undefined> {
  if (!APP_KEY_PATTERN.test(appKey)) return undefined;
  const { state, revision } = await loadState<AppState, Parameters<typeof appDecider.evolve>[1]>(store, appDecider, streams.app(appKey), { cached: true });
  return state.status === 'active' ? revision : undefined;
}
