import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * The console's cookie and its CSRF token. The cookie holds a random session token whose record is
 * kept server-side (sessions.ts); HttpOnly and SameSite=Strict. State-changing requests also need
 * the CSRF token the console page reads from GET /console/session (same origin only) in
 * X-CSRF-Token, and an Origin, when the browser sends one, equal to the API's own.
 */
export const SESSION_COOKIE = 'notify_console';
export const SESSION_TTL_MS = 8 * 3_600_000;

/** The CSRF token of a session token: an HMAC under a key derived from the tracking secret (never used as is). */
export function csrfKeys(secret: string): (sessionToken: string) => string {
  const key = createHmac('sha256', secret).update('notify-console-session-v2').digest();
  return (token) => createHmac('sha256', key).update(`csrf\u0000${token}`).digest('base64url');
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
