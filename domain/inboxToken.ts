import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * End-user inbox tokens: `ibx1.` + base64url(JSON { a: appId, u: userId, e: expiry seconds }) +
 * '.' + base64url(HMAC-SHA256). A token names one user of one app and nothing else, so a browser
 * holding it can read that inbox only; it is short-lived because it sits in a web page.
 * Time is passed in: this stays a pure function.
 */
export interface InboxTokenClaims {
  appId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

const PREFIX = 'ibx1.';
const mac = (body: string, secret: string): Buffer => createHmac('sha256', secret).update(`inbox:${body}`).digest();

export function signInboxToken(claims: InboxTokenClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify({ a: claims.appId, u: claims.userId, e: claims.expiresAt })).toString('base64url');
  return `${PREFIX}${body}.${mac(body, secret).toString('base64url')}`;
}

export type InboxTokenCheck = { ok: true; claims: InboxTokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyInboxToken(token: string, secret: string, nowSeconds: number): InboxTokenCheck {
  if (token.length > 2048 || !token.startsWith(PREFIX)) return { ok: false, reason: 'malformed' };
  const [body, sig, ...rest] = token.slice(PREFIX.length).split('.');
  if (!body || !sig || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) return { ok: false, reason: 'malformed' };
  const expected = mac(body, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const c = raw as { a?: unknown; u?: unknown; e?: unknown };
  if (typeof c.a !== 'string' || typeof c.u !== 'string' || typeof c.e !== 'number') return { ok: false, reason: 'malformed' };
  if (c.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { appId: c.a, userId: c.u, expiresAt: c.e } };
}
