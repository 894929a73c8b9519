import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Console sessions: a signed cookie (any API replica can check it) holding the app, the app
 * stream's revision at sign-in (a secret rotation or revocation ends every session), an expiry and
 * a random session id, which sign-out records as revoked where every API process sees it
 * (signouts.ts). HttpOnly and SameSite=Strict; state-changing requests also need the CSRF token the
 * console page reads from GET /console/session (same origin only) in X-CSRF-Token, and an Origin,
 * when the browser sends one, equal to the API's own.
 */
export const SESSION_COOKIE = 'notify_console';
export const SESSION_TTL_MS = 8 * 3_600_000;

export interface SessionClaims {
  appId: string;
  revision: number;
  expiresAt: number;
  sessionId: string;
}

export interface SessionKeys {
  /** A new session: its id is drawn here. */
  sign(claims: Omit<SessionClaims, 'sessionId'>): string;
  verify(cookie: string, now: number): SessionClaims | undefined;
  csrfFor(cookie: string): string;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Keys derived from the tracking secret (never used as is), so no new secret has to be configured. */
export function sessionKeys(secret: string): SessionKeys {
  const key = createHmac('sha256', secret).update('notify-console-session-v1').digest();
  const mac = (label: string, value: string) => createHmac('sha256', key).update(`${label}\u0000${value}`).digest();
  return {
    sign(claims) {
      const body = b64(JSON.stringify([claims.appId, claims.revision, claims.expiresAt, b64(randomBytes(9))]));
      return `${body}.${b64(mac('session', body))}`;
    },
    verify(cookie, now) {
      const m = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
      if (!m) return undefined;
      const expected = mac('session', m[1]!);
      const given = Buffer.from(m[2]!, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
      if (!Array.isArray(value)) return undefined;
      const [appId, revision, expiresAt, sessionId] = value as unknown[];
      if (typeof appId !== 'string' || typeof revision !== 'number' || typeof expiresAt !== 'number' || typeof sessionId !== 'string' || expiresAt <= now) return undefined;
      return { appId, revision, expiresAt, sessionId };
    },
    csrfFor(cookie) {
      return b64(mac('csrf', cookie));
    },
  };
}

export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}
