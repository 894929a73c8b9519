import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request } from 'express';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { activeAppRevision, type AppAuthenticator } from '../../commands/apps.ts';
import { clientOf, throttled } from '../edge/clients.ts';
import { HttpError } from '../edge/errors.ts';
import { cookieOf, SESSION_COOKIE, SESSION_TTL_MS, sameToken, sessionCookie, sessionKeys, type SessionClaims, type SessionKeys } from './session.ts';
import type { SignOuts } from './signouts.ts';

/** The console's files: plain HTML, CSS and ES modules, no build step (served as they are, read once at start). */
const STATIC = new URL('./static/', import.meta.url);
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
/** Keyed by the path under static/ (`app.js`, `pages/activity.js`); a Map, so no request path reaches Object.prototype. */
const ASSETS = new Map<string, { type: string; body: string }>(
  fs
    .readdirSync(STATIC, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => TYPES[path.extname(name)] !== undefined)
    .map((name) => [name, { type: TYPES[path.extname(name)]!, body: fs.readFileSync(new URL(name, STATIC), 'utf8') }]),
);
const INDEX = fs.readFileSync(new URL('index.html', STATIC), 'utf8');

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Inline styles are allowed for one reason: the email preview is a `srcdoc` frame, which inherits
 * this policy, and emails are styled inline. Scripts stay same-origin only, the preview frame is
 * sandboxed (no script at all), and the console writes API data as text, never as markup; remote
 * images stay out (the operator's browser does not call an email's image hosts).
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface ConsoleDeps {
  store: EventStore;
  authenticator: AppAuthenticator;
  trackingSecret: string;
  publicUrl: string;
  /** Signed-out sessions, shared by every API process. */
  signOuts: SignOuts;
  now: () => Date;
}

/** The session of a request's cookie while it is valid: signed, unexpired, not signed out, and the app unchanged since sign-in. */
async function liveSession(deps: ConsoleDeps, keys: SessionKeys, cookie: string | undefined): Promise<SessionClaims | undefined> {
  const claims = cookie ? keys.verify(cookie, deps.now().getTime()) : undefined;
  if (!claims || (await activeAppRevision(deps.store, claims.appId)) !== claims.revision) return undefined;
  return (await deps.signOuts.isRevoked(claims.sessionId)) ? undefined : claims;
}

/** An Origin header, when the browser sends one, must be the API's own (requests without it are not cross-site forms). */
function sameOrigin(req: Request, publicUrl: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  const host = req.get('host');
  return origin === new URL(publicUrl).origin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
}

/**
 * The session behind /v1 for requests without an Authorization header: the app id, or undefined
 * when there is no valid session (then the usual 401). A state-changing request also needs the CSRF token.
 */
export function consoleSession(deps: ConsoleDeps, keys: SessionKeys = sessionKeys(deps.trackingSecret)) {
  return async (req: Request): Promise<string | undefined> => {
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (!cookie) return undefined;
    const claims = await liveSession(deps, keys, cookie);
    if (!claims) return undefined;
    if (!SAFE.has(req.method) && (!sameOrigin(req, deps.publicUrl) || !sameToken(req.get('x-csrf-token'), keys.csrfFor(cookie)))) {
      throw new HttpError(403, 'csrf', 'a console request that changes something needs the X-CSRF-Token of its session, from the same origin');
    }
    return claims.appId;
  };
}

export function consoleRouter(deps: ConsoleDeps): Router {
  const keys = sessionKeys(deps.trackingSecret);
  const secure = deps.publicUrl.startsWith('https:');
  const router = Router();
  const page = (res: express.Response) =>
    res.set({ 'Content-Security-Policy': CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });

  router.get('/console', (_req, res) => void page(res).type('html').send(INDEX));
  router.get('/console/assets/*name', (req, res) => {
    const a = ASSETS.get(req.params.name.join('/'));
    if (!a) throw new HttpError(404, 'not_found', 'no such console asset');
    page(res).type(a.type).send(a.body);
  });

  router.post('/console/session', express.json({ limit: 4096 }), async (req, res) => {
    if (!sameOrigin(req, deps.publicUrl)) throw new HttpError(403, 'csrf', 'sign in from the console itself');
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { appKey?: unknown; appSecret?: unknown };
    if (typeof b.appKey !== 'string' || typeof b.appSecret !== 'string') throw new HttpError(400, 'invalid_request', 'appKey and appSecret are required', { field: 'appKey' });
    const result = await deps.authenticator.authenticate(b.appKey, b.appSecret, clientOf(req));
    if (!result.ok && result.reason === 'throttled') throw throttled(result.retryAfterMs);
    const revision = result.ok ? await activeAppRevision(deps.store, result.appId) : undefined;
    if (!result.ok || revision === undefined) throw new HttpError(401, 'unauthorized', 'invalid or revoked credentials');
    const cookie = keys.sign({ appId: result.appId, revision, expiresAt: deps.now().getTime() + SESSION_TTL_MS });
    page(res).set('Set-Cookie', sessionCookie(cookie, SESSION_TTL_MS, secure)).json({ appId: result.appId, name: result.name, csrf: keys.csrfFor(cookie) });
  });

  router.get('/console/session', async (req, res) => {
    const cookie = cookieOf(req, SESSION_COOKIE);
    const claims = await liveSession(deps, keys, cookie);
    if (!cookie || !claims) throw new HttpError(401, 'unauthorized', 'not signed in');
    page(res).json({ appId: claims.appId, csrf: keys.csrfFor(cookie) });
  });

  router.delete('/console/session', async (req, res) => {
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (cookie && (!sameOrigin(req, deps.publicUrl) || !sameToken(req.get('x-csrf-token'), keys.csrfFor(cookie)))) throw new HttpError(403, 'csrf', 'sign out from the console itself');
    // Clearing the cookie is not enough (a copy of it would work until it expires): the session itself ends, in every API process.
    const claims = cookie ? keys.verify(cookie, deps.now().getTime()) : undefined;
    if (claims) await deps.signOuts.revoke(claims.sessionId, claims.expiresAt);
    page(res).set('Set-Cookie', sessionCookie('', 0, secure)).status(204).end();
  });
  return router;
}
