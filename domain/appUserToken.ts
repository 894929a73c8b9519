import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed token that names one user of one app until an expiry, shared by the inbox token and
 * the preference-center link: `<prefix>` + base64url(JSON { a: appId, u: userId, e: expiry
 * seconds }) + '.' + base64url(HMAC-SHA256 over `<purpose>:<body>`). Each kind has its own prefix
 * and MAC purpose, so a token of one kind is never accepted as another even under the same key.
 * Time is passed in: these stay pure functions.
 */
export interface AppUserClaims {
  appId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

export interface AppUserTokenKind {
  prefix: string;
  purpose: string;
}

export type AppUserTokenCheck = { ok: true; claims: AppUserClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const MAX_TOKEN_CHARS = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** HMAC-SHA256 of `body` under `purpose` (a token's own, or another use of the same key such as a form field). */
export const purposeMac = (purpose: string, body: string, secret: string): Buffer => createHmac('sha256', secret).update(`${purpose}:${body}`).digest();

export function signAppUserToken(kind: AppUserTokenKind, claims: AppUserClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify({ a: claims.appId, u: claims.userId, e: claims.expiresAt })).toString('base64url');
  return `${kind.prefix}${body}.${purposeMac(kind.purpose, body, secret).toString('base64url')}`;
}

export function verifyAppUserToken(kind: AppUserTokenKind, token: string, secret: string, nowSeconds: number): AppUserTokenCheck {
  if (token.length > MAX_TOKEN_CHARS || !token.startsWith(kind.prefix)) return { ok: false, reason: 'malformed' };
  const [body, sig, ...rest] = token.slice(kind.prefix.length).split('.');
  if (!body || !sig || rest.length > 0 || !BASE64URL.test(body) || !BASE64URL.test(sig)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  const expected = purposeMac(kind.purpose, body, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'malformed' };
  const c = raw as { a?: unknown; u?: unknown; e?: unknown };
  if (typeof c.a !== 'string' || c.a === '' || typeof c.u !== 'string' || c.u === '' || typeof c.e !== 'number' || !Number.isInteger(c.e))
    return { ok: false, reason: 'malformed' };
  if (c.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { appId: c.a, userId: c.u, expiresAt: c.e } };
}
