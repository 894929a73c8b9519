import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { activeAppRevision } from '../../commands/apps.ts';
import type { OperatorAuthenticator } from '../../commands/operatorAuth.ts';
import { loadOperator } from '../../commands/operators.ts';
import type { OperatorRef, OperatorRole } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { KeyVault } from '../../infra/keyVault/port.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { listAccounts } from '../../projections/consoleQueries.ts';
import { clientOf } from '../edge/clients.ts';
import { HttpError } from '../edge/errors.ts';
import { locals } from '../edge/locals.ts';
import { consoleAdminRouter } from './admin.ts';
import { requireRole, routeRole } from './roles.ts';
import { cookieOf, csrfKeys, SESSION_COOKIE, SESSION_TTL_MS, sameToken, sessionCookie } from './session.ts';
import type { SessionRecord, Sessions } from './sessions.ts';

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
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface ConsoleDeps {
  store: EventStore;
  keyVault?: KeyVault;
  trackingSecret: string;
  publicUrl: string;
  /** Server-side sessions, shared by every API process (sessions.ts). */
  sessions: Sessions;
  signIn: OperatorAuthenticator;
  /** The accounts and audit read models; absent, the lists answer 503. */
  projectionStore?: ProjectionStore;
  now: () => Date;
}

export interface LiveSession {
  token: string;
  record: SessionRecord;
  operator: OperatorRef & { role: OperatorRole };
}

/**
 * The session of a cookie while it lives: its record exists (not signed out or revoked), has not
 * expired, and its operator is still active with the credentials it signed in with. The role is
 * read from the operator's stream on every request, so a role change applies at once.
 */
export async function liveSession(deps: Pick<ConsoleDeps, 'sessions' | 'store'>, token: string | undefined): Promise<LiveSession | undefined> {
  const record = token ? await deps.sessions.get(token) : undefined;
  if (!token || !record) return undefined;
  const { state } = await loadOperator(deps.store, record.operatorId);
  if (state.status !== 'active' || state.generation !== record.generation) return undefined;
  return { token, record, operator: { operatorId: record.operatorId, email: state.email!, role: state.role! } };
}

/** An Origin header, when the browser sends one, must be the API's own (requests without it are not cross-site forms). */
function sameOrigin(req: Request, publicUrl: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  const host = req.get('host');
  return origin === new URL(publicUrl).origin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
}

function checkCsrf(req: Request, deps: ConsoleDeps, csrfOf: (token: string) => string, token: string): void {
  if (SAFE.has(req.method)) return;
  if (!sameOrigin(req, deps.publicUrl) || !sameToken(req.get('x-csrf-token'), csrfOf(token))) {
    throw new HttpError(403, 'csrf', 'a console request that changes something needs the X-CSRF-Token of its session, from the same origin');
  }
}

export interface ConsoleCaller {
  appId: string;
  operator: OperatorRef & { role: OperatorRole };
}

/**
 * The session behind /v1 for requests without an Authorization header: the operator and the app
 * the console looks at, or undefined when there is no live session (then the usual 401).
 */
export function consoleSession(deps: ConsoleDeps) {
  const csrfOf = csrfKeys(deps.trackingSecret);
  return async (req: Request): Promise<ConsoleCaller | undefined> => {
    const session = await liveSession(deps, cookieOf(req, SESSION_COOKIE));
    if (!session) return undefined;
    checkCsrf(req, deps, csrfOf, session.token);
    const appId = session.record.appId;
    if (appId === undefined || (await activeAppRevision(deps.store, appId)) === undefined) {
      throw new HttpError(409, 'no_app_selected', 'choose an active app in the console first (PUT /console/session/app)');
    }
    return { appId, operator: session.operator };
  };
}

async function firstActiveApp(deps: ConsoleDeps): Promise<string | undefined> {
  if (!deps.projectionStore) return undefined;
  for (const app of await listAccounts(deps.projectionStore, 'app')) {
    if (app.status === 'active' && (await activeAppRevision(deps.store, app.id)) !== undefined) return app.id;
  }
  return undefined;
}

const sessionView = (s: { operator: LiveSession['operator']; appId?: string | undefined }, csrf: string) => ({ operator: s.operator, appId: s.appId ?? null, csrf });

export function consoleRouter(deps: ConsoleDeps): Router {
  const csrfOf = csrfKeys(deps.trackingSecret);
  const secure = deps.publicUrl.startsWith('https:');
  const router = Router();
  const page = (res: Response) =>
    res.set({ 'Content-Security-Policy': CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  const live = (res: Response) => res.locals.consoleSession as LiveSession;

  // Every /console route but the public ones needs a live session, the CSRF token when it changes something, and its role.
  router.use('/console', async (req, res, next) => {
    const entry = routeRole(req.method, `/console${req.path}`.replace(/\/+$/, ''));
    if (entry?.access === 'public') return next();
    const session = await liveSession(deps, cookieOf(req, SESSION_COOKIE));
    if (!session) throw new HttpError(401, 'unauthorized', 'sign in to the console first');
    checkCsrf(req, deps, csrfOf, session.token);
    res.locals.consoleSession = session;
    locals(res).operator = session.operator;
    next();
  });
  router.use('/console', requireRole());
  router.use('/console', express.json({ limit: 4096 }));

  router.get('/console', (_req, res) => void page(res).type('html').send(INDEX));
  router.get('/console/assets/*name', (req, res) => {
    const a = ASSETS.get(req.params.name.join('/'));
    if (!a) throw new HttpError(404, 'not_found', 'no such console asset');
    page(res).type(a.type).send(a.body);
  });

  router.post('/console/session', async (req, res) => {
    if (!sameOrigin(req, deps.publicUrl)) throw new HttpError(403, 'csrf', 'sign in from the console itself');
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    if (typeof b.email !== 'string' || b.email === '') throw new HttpError(400, 'invalid_request', 'email is required', { field: 'email' });
    if (typeof b.password !== 'string' || b.password === '') throw new HttpError(400, 'invalid_request', 'password is required', { field: 'password' });
    if (b.totp !== undefined && typeof b.totp !== 'string') throw new HttpError(400, 'invalid_request', 'totp must be the 6-digit code as a string', { field: 'totp' });
    const result = await deps.signIn.signIn({ email: b.email, password: b.password, ...(typeof b.totp === 'string' && { totp: b.totp }) }, clientOf(req));
    if (!result.ok) {
      switch (result.reason) {
        case 'throttled': {
          const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
          throw new HttpError(429, 'rate_limited', `too many failed sign-ins; try again in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
        }
        case 'totp_required':
          throw new HttpError(401, 'totp_required', 'this account needs the 6-digit code from its authenticator app', { field: 'totp' });
        case 'totp_invalid':
          throw new HttpError(401, 'unauthorized', 'wrong or already used authenticator code', { field: 'totp' });
        case 'invalid':
          throw new HttpError(401, 'unauthorized', 'wrong email or password, or the account is disabled');
        default: {
          const never: never = result;
          throw new Error(`unknown sign-in result ${JSON.stringify(never)}`);
        }
      }
    }
    const wanted = typeof b.appId === 'string' && (await activeAppRevision(deps.store, b.appId)) !== undefined ? b.appId : undefined;
    const appId = wanted ?? (await firstActiveApp(deps));
    const at = deps.now().getTime();
    const token = await deps.sessions.open({
      operatorId: result.operatorId,
      email: result.email,
      generation: result.generation,
      createdAt: at,
      expiresAt: at + SESSION_TTL_MS,
      ...(appId !== undefined && { appId }),
    });
    const operator = { operatorId: result.operatorId, email: result.email, role: result.role };
    page(res)
      .set('Set-Cookie', sessionCookie(token, SESSION_TTL_MS, secure))
      .json(sessionView({ operator, appId }, csrfOf(token)));
  });

  router.get('/console/session', async (req, res) => {
    const session = await liveSession(deps, cookieOf(req, SESSION_COOKIE));
    if (!session) throw new HttpError(401, 'unauthorized', 'not signed in');
    page(res).json(sessionView({ operator: session.operator, appId: session.record.appId }, csrfOf(session.token)));
  });

  router.delete('/console/session', async (req, res) => {
    const token = cookieOf(req, SESSION_COOKIE);
    if (token && (!sameOrigin(req, deps.publicUrl) || !sameToken(req.get('x-csrf-token'), csrfOf(token)))) throw new HttpError(403, 'csrf', 'sign out from the console itself');
    // Clearing the cookie is not enough (a copy of it would work until it expires): the record goes, for every API process.
    if (token) await deps.sessions.revoke(token);
    page(res)
      .set('Set-Cookie', sessionCookie('', 0, secure))
      .status(204)
      .end();
  });

  router.put('/console/session/app', async (req, res) => {
    const appId = (req.body as { appId?: unknown } | undefined)?.appId;
    if (typeof appId !== 'string' || (await activeAppRevision(deps.store, appId)) === undefined)
      throw new HttpError(400, 'invalid_request', 'appId must name an active app', { field: 'appId' });
    await deps.sessions.selectApp(live(res).token, appId);
    page(res).json({ appId });
  });

  router.use(consoleAdminRouter(deps, (res) => live(res).operator));
  return router;
}
