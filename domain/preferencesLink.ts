import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Preference-center links: `pref1.` + base64url(JSON { a: appId, u: userId, e: expiry seconds }) +
 * '.' + base64url(HMAC-SHA256). The key is the tracking secret (the one that signs click and
 * unsubscribe links), with its own prefix inside the MAC so no tracking or inbox token can be
 * replayed as one of these. A link names one user of one app and nothing else, and it expires.
 * Time is passed in: these stay pure functions.
 */
export interface PreferencesLinkClaims {
  appId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

/** POST /v1/users/:userId/preferences-link and `{{ preferences_url }}` without PREFERENCES_LINK_TTL_DAYS. */
export const DEFAULT_PREFERENCES_LINK_TTL_DAYS = 7;
/** The path the page is served under; the token follows. */
export const PREFERENCES_PATH = '/preferences/';
/** What a template writes to place the link (`{{ preferences_url }}`): filled in per recipient at render time. */
export const PREFERENCES_URL_VARIABLE = 'preferences_url';

const PREFIX = 'pref1.';
const MAX_TOKEN_CHARS = 2048;
const mac = (purpose: string, body: string, secret: string): Buffer => createHmac('sha256', secret).update(`${purpose}:${body}`).digest();

export function signPreferencesToken(claims: PreferencesLinkClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify({ a: claims.appId, u: claims.userId, e: claims.expiresAt })).toString('base64url');
  return `${PREFIX}${body}.${mac('preferences', body, secret).toString('base64url')}`;
}

export function preferencesUrl(publicUrl: string, claims: PreferencesLinkClaims, secret: string): string {
  return `${publicUrl.replace(/\/$/, '')}${PREFERENCES_PATH}${signPreferencesToken(claims, secret)}`;
}

export type PreferencesTokenCheck = { ok: true; claims: PreferencesLinkClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyPreferencesToken(token: string, secret: string, nowSeconds: number): PreferencesTokenCheck {
  if (token.length > MAX_TOKEN_CHARS || !token.startsWith(PREFIX)) return { ok: false, reason: 'malformed' };
  const [body, sig, ...rest] = token.slice(PREFIX.length).split('.');
  if (!body || !sig || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(sig, 'base64url');
  const expected = mac('preferences', body, secret);
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

/**
 * The form's anti-forgery field: a MAC of the link's token under a purpose of its own. The page
 * carries it in a hidden field and the POST must return it, so a request made up elsewhere (a
 * cross-site form, a script that only saw the URL in a log line and posts blindly) is refused.
 */
export function preferencesFormToken(linkToken: string, secret: string): string {
  return mac('preferences-form', linkToken, secret).toString('base64url');
}

export function checkPreferencesFormToken(given: unknown, linkToken: string, secret: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 128) return false;
  const a = Buffer.from(given, 'base64url');
  const b = mac('preferences-form', linkToken, secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
