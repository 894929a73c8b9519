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
}

const KINDS: readonly string[] = ['click', 'open', 'unsubscribe'];

function mac(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signTrackingToken(payload: TrackingPayload, secret: string): string {
  const clean: TrackingPayload = payload.u === undefined ? { n: payload.n, k: payload.k } : { n: payload.n, k: payload.k, u: payload.u };
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

/** The payload, or null when the token is malformed, forged, or names anything but an http(s) URL. */
export function verifyTrackingToken(token: string, secret: string): TrackingPayload | null {
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
  if (keys.some((k) => k !== 'n' && k !== 'k' && k !== 'u')) return null;
  const { n, k, u } = record;
  if (typeof n !== 'string' || n === '' || typeof k !== 'string' || !KINDS.includes(k)) return null;
  if (k === 'click') {
    if (typeof u !== 'string' || !isHttpUrl(u)) return null;
    return { n, k, u };
  }
  if (u !== undefined) return null;
  return { n, k: k as TrackingKind };
}
