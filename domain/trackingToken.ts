import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tracking tokens for `GET /t/:token`: base64url(JSON payload) + '.' + base64url(HMAC-SHA256).
 * The URL a click redirects to lives inside the signed payload, so `/t/` can never be turned into
 * an open redirect: a token names only a URL the platform itself put into an email.
 */
export type TrackingKind = 'click' | 'open' | 'unsubscribe';

export interface TrackingPayload {
  /** notification id */
  n: string;
  k: TrackingKind;
  /** target of a click; http(s) only */
  u?: string;
  /** issued at, seconds since the epoch: links expire (TrackingTtl) */
  t: number;
}

/** How long a link is honoured after it was issued, by kind. */
export interface TrackingTtl {
  /** click and open links */
  linkDays: number;
  unsubscribeDays: number;
}

/** The defaults documented in docs/api.md: TRACKING_TOKEN_TTL_DAYS / UNSUBSCRIBE_TOKEN_TTL_DAYS. */
export const DEFAULT_TRACKING_TTL: TrackingTtl = { linkDays: 90, unsubscribeDays: 60 };

/** A token issued this far "in the future" is refused (clocks of senders and API may differ a little). */
const MAX_FUTURE_SKEW_S = 3600;
const DAY_S = 86_400;

const KINDS: readonly string[] = ['click', 'open', 'unsubscribe'];

function mac(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signTrackingToken(payload: TrackingPayload, secret: string): string {
  const clean: TrackingPayload = payload.u === undefined ? { n: payload.n, k: payload.k, t: payload.t } : { n: payload.n, k: payload.k, u: payload.u, t: payload.t };
  const body = Buffer.from(JSON.stringify(clean)).toString('base64url');
  return `${body}.${mac(body, secret).toString('base64url')}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The payload, or null when the token is malformed, forged, expired (older than its kind's TTL at
 * `now`, or without an issue time), or names anything but an http(s) URL.
 */
export function verifyTrackingToken(token: string, secret: string, now: Date, ttl: TrackingTtl = DEFAULT_TRACKING_TTL): TrackingPayload | null {
  if (typeof token !== 'string' || token.length > 8192) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(body, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.some((k) => k !== 'n' && k !== 'k' && k !== 'u' && k !== 't')) return null;
  const { n, k, u, t } = record;
  if (typeof n !== 'string' || n === '' || typeof k !== 'string' || !KINDS.includes(k)) return null;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) return null;
  const nowS = Math.floor(now.getTime() / 1000);
  const days = k === 'unsubscribe' ? ttl.unsubscribeDays : ttl.linkDays;
  if (t > nowS + MAX_FUTURE_SKEW_S || nowS - t > days * DAY_S) return null;
  if (k === 'click') {
    if (typeof u !== 'string' || !isHttpUrl(u)) return null;
    return { n, k, u, t };
  }
  if (u !== undefined) return null;
  return { n, k: k as TrackingKind, t };
}
