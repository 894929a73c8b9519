import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../api/app.ts';
import { ROUTE_ROLES } from '../../api/console/roles.ts';
import { createOperator, setOperatorEnabled } from '../../commands/operators.ts';
import { totpCode } from '../../commands/operatorTotp.ts';
import { streams } from '../../domain/streams.ts';
import { silentLogger } from '../../infra/logger.ts';
import { waitFor } from '../helpers/e2e.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/**
 * Operator accounts through HTTP: sign-in (password, TOTP, limits), server-side sessions that
 * sign-out, disabling and a new password end, the role matrix on every /v1 and /console route,
 * and the audit trail naming who did what. App credentials still work on /v1 and no longer open
 * the console.
 */
let api: TestApi;
const PASSWORD = 'correct horse battery';
const accounts = {} as Record<'viewer' | 'operator' | 'admin' | 'totp', { email: string; operatorId: string; totpUri?: string }>;

beforeAll(async () => {
  api = await startTestApi({ projections: true });
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    accounts[role] = await createOperator({ store: api.store }, { email: `${role}@example.com`, role, password: PASSWORD }, { now: new Date() });
  }
  accounts.totp = await createOperator(
    { store: api.store, keyVault: api.keyVault },
    { email: 'totp@example.com', role: 'viewer', password: PASSWORD, totp: true },
    { now: new Date() },
  );
  await api.call('PUT', '/v1/templates/hello', { email: { subject: 'Hi', html: '<p>hi</p>' } });
  await api.call('PUT', '/v1/users/u1', { email: 'u1@example.com' });
});
afterAll(async () => {
  await api?.close();
});

interface Session {
  cookie: string;
  csrf: string;
  call(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }>;
}

async function signInRaw(body: unknown): Promise<Response> {
  return fetch(`${api.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function sessionOf(cookie: string, csrf: string): Session {
  return {
    cookie,
    csrf,
    async call(method, p, body) {
      const res = await fetch(`${api.url}${p}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
    },
  };
}

async function signIn(email: string, extra: Record<string, unknown> = {}): Promise<Session> {
  const res = await signInRaw({ email, password: PASSWORD, appId: api.appKey, ...extra });
  expect(res.status, await res.clone().text()).toBe(200);
  const { csrf } = (await res.json()) as { csrf: string };
  return sessionOf(res.headers.get('set-cookie')!.split(';')[0]!, csrf);
}

describe('sign-in', () => {
  it('an operator signs in with email and password: an HttpOnly SameSite=Strict cookie, the role, the app looked at', async () => {
    const res = await signInRaw({ email: 'Operator@Example.com', password: PASSWORD, appId: api.appKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^notify_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ operator: { email: 'operator@example.com', role: 'operator', operatorId: accounts.operator.operatorId }, appId: api.appKey });
    const s = sessionOf(res.headers.get('set-cookie')!.split(';')[0]!, body.csrf as string);
    expect((await s.call('GET', '/console/session')).body).toMatchObject({ operator: { role: 'operator' }, appId: api.appKey });
    expect((await s.call('GET', '/v1/templates/hello')).status).toBe(200);
  });

  it('a wrong password and an unknown account get the same 401; missing fields are 400 naming them', async () => {
    const wrong = await signInRaw({ email: 'viewer@example.com', password: 'not the password' });
    const unknown = await signInRaw({ email: 'nobody@example.com', password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { requestId: _a, ...wrongBody } = (await wrong.json()) as Record<string, unknown>;
    const { requestId: _b, ...unknownBody } = (await unknown.json()) as Record<string, unknown>;
    expect(wrongBody).toEqual(unknownBody);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const missing = await signInRaw({ email: 'viewer@example.com' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: 'password' });
  });

  it("an app's key and secret no longer open the console (they still work on /v1)", async () => {
    const res = await signInRaw({ appKey: api.appKey, appSecret: api.appSecret });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'email' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await api.call('GET', '/v1/templates/hello')).status).toBe(200);
  });

  it('TOTP: required when enabled (401 totp_required), a wrong code refused, the right one accepted once', async () => {
    const secret = new URL(accounts.totp.totpUri!).searchParams.get('secret')!;
    const none = await signInRaw({ email: 'totp@example.com', password: PASSWORD });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'totp_required', field: 'totp' });
    const code = totpCode(secret, Date.now());
    const bad = await signInRaw({ email: 'totp@example.com', password: PASSWORD, totp: code === '123456' ? '654321' : '123456' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ field: 'totp' });
    const ok = await signInRaw({ email: 'totp@example.com', password: PASSWORD, totp: code });
    expect(ok.status).toBe(200);
    // The same code again (an observed one replayed) opens nothing.
    expect((await signInRaw({ email: 'totp@example.com', password: PASSWORD, totp: code })).status).toBe(401);
  });

  it('guessing is limited: past the failures an account gets 429 with Retry-After and a clear message, even with the right password', async () => {
    await createOperator({ store: api.store }, { email: 'target@example.com', role: 'viewer', password: PASSWORD }, { now: new Date() });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signInRaw({ email: 'target@example.com', password: `guess ${i} guess ${i}` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const refused = await signInRaw({ email: 'target@example.com', password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/too many failed sign-ins; try again in \d+ s/) });
  });
});

describe('sessions are server records', () => {
  it('signed out: the cookie is refused everywhere, also in a second API process on the same stores', async () => {
    const s = await signIn('viewer@example.com');
    const second = createApi({ eventStore: api.store, keyVault: api.keyVault, config: api.config, logger: silentLogger, projectionStore: api.projectionStore! });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const srv = second.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const secondUrl = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    try {
      expect((await fetch(`${secondUrl}/console/session`, { headers: { cookie: s.cookie } })).status).toBe(200);
      expect((await s.call('DELETE', '/console/session')).status).toBe(204);
      expect((await s.call('GET', '/console/session')).status).toBe(401);
      expect((await s.call('GET', '/v1/templates/hello')).status).toBe(401);
      expect((await fetch(`${secondUrl}/v1/templates/hello`, { headers: { cookie: s.cookie } })).status).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('disabling an operator (admin, in the console) ends their sessions at once; enabling does not bring the old ones back', async () => {
    await createOperator({ store: api.store }, { email: 'temp@example.com', role: 'operator', password: PASSWORD }, { now: new Date() });
    const victim = await signIn('temp@example.com');
    const admin = await signIn('admin@example.com');
    const id = (await victim.call('GET', '/console/session')).body.operator.operatorId as string;
    expect((await admin.call('POST', `/console/operators/${id}/disable`)).body).toEqual({ operatorId: id, status: 'disabled' });
    expect((await victim.call('GET', '/v1/templates/hello')).status).toBe(401);
    expect((await signInRaw({ email: 'temp@example.com', password: PASSWORD })).status).toBe(401);
    expect((await admin.call('POST', `/console/operators/${id}/enable`)).body).toEqual({ operatorId: id, status: 'active' });
    expect((await victim.call('GET', '/console/session')).status).toBe(401);
    expect((await signInRaw({ email: 'temp@example.com', password: PASSWORD })).status).toBe(200);
  });

  it('disabled from the CLI (no session records touched): the stream alone refuses the session', async () => {
    const op = await createOperator({ store: api.store }, { email: 'cli-off@example.com', role: 'viewer', password: PASSWORD }, { now: new Date() });
    const s = await signIn('cli-off@example.com');
    expect((await s.call('GET', '/v1/templates/hello')).status).toBe(200);
    await setOperatorEnabled(api.store, op.operatorId, false, { now: new Date() });
    expect((await s.call('GET', '/v1/templates/hello')).status).toBe(401);
  });

  it('a new password (admin reset) ends the sessions opened with the old one', async () => {
    const op = await createOperator({ store: api.store }, { email: 'reset@example.com', role: 'viewer', password: PASSWORD }, { now: new Date() });
    const s = await signIn('reset@example.com');
    const admin = await signIn('admin@example.com');
    const reset = await admin.call('POST', `/console/operators/${op.operatorId}/password`);
    expect(reset.body.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await s.call('GET', '/console/session')).status).toBe(401);
    expect((await signInRaw({ email: 'reset@example.com', password: reset.body.password })).status).toBe(200);
  });

  it('a state-changing console request needs the CSRF token of its session', async () => {
    const s = await signIn('operator@example.com');
    const forged = await fetch(`${api.url}/v1/redrive`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'failed', from: new Date(0).toISOString(), to: new Date().toISOString() }),
    });
    expect(forged.status).toBe(403);
    expect((await fetch(`${api.url}/console/apps`, { method: 'POST', headers: { cookie: (await signIn('admin@example.com')).cookie } })).status).toBe(403);
  });
});

describe('roles', () => {
  const window = () => ({ status: 'failed', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });

  it('viewer reads but cannot redrive or cancel (403); operator can; neither manages apps or operators; admin does', async () => {
    const viewer = await signIn('viewer@example.com');
    const operator = await signIn('operator@example.com');
    const admin = await signIn('admin@example.com');
    expect((await viewer.call('GET', '/v1/templates/hello')).status).toBe(200);
    expect((await viewer.call('GET', '/v1/analytics/summary')).status).not.toBe(403);
    const denied = await viewer.call('POST', '/v1/redrive', window());
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'forbidden', message: 'this needs the operator role; you are viewer' });
    expect((await operator.call('POST', '/v1/redrive', { ...window(), dryRun: true })).status).toBe(202);

    const scheduled = await api.call('POST', '/v1/notifications', {
      eventId: 'later-1',
      userId: 'u1',
      templateId: 'hello',
      channels: ['email'],
      scheduleAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const id = scheduled.body.notifications[0].id as string;
    expect((await viewer.call('POST', `/v1/notifications/${id}/cancel`)).status).toBe(403);
    expect((await operator.call('POST', `/v1/notifications/${id}/cancel`)).body).toEqual({ id, status: 'canceled' });

    for (const s of [viewer, operator]) {
      expect((await s.call('POST', '/console/apps', { name: 'x' })).status).toBe(403);
      expect((await s.call('POST', '/console/operators', { email: 'new@example.com', role: 'viewer' })).status).toBe(403);
      expect((await s.call('GET', '/console/operators')).status).toBe(403);
      expect((await s.call('PUT', '/v1/templates/hello', { email: { subject: 'x', html: 'x' } })).status).toBe(403);
    }
    const app = await admin.call('POST', '/console/apps', { name: 'made-by-admin' });
    expect(app.status).toBe(201);
    expect(app.body).toEqual({ appKey: expect.stringMatching(/^app_/), appSecret: expect.stringMatching(/^sk_/) });
    const made = await admin.call('POST', '/console/operators', { email: 'New@Example.com', role: 'viewer' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ email: 'new@example.com', role: 'viewer', password: expect.any(String) });
    expect((await admin.call('PUT', `/console/operators/${made.body.operatorId}/role`, { role: 'operator' })).body).toEqual({ operatorId: made.body.operatorId, role: 'operator' });
    expect((await admin.call('PUT', `/console/operators/${made.body.operatorId}/role`, { role: 'root' })).body).toMatchObject({ field: 'role' });
    expect((await admin.call('POST', `/console/operators/${accounts.admin.operatorId}/disable`)).status).toBe(409);
    await waitFor('the accounts read model', async () => (await admin.call('GET', '/console/operators')).body.items.some((o: { name: string }) => o.name === 'new@example.com'));
    const list = (await admin.call('GET', '/console/operators')).body.items as Array<Record<string, unknown>>;
    expect(list.find((o) => o.name === 'new@example.com')).toMatchObject({ kind: 'operator', role: 'operator', status: 'active', totp: false });
    // No hash or sealed secret in any answer.
    expect(JSON.stringify(list)).not.toMatch(/scrypt|totp:v1/);
  });

  it('a role change applies to an open session at once', async () => {
    const op = await createOperator({ store: api.store }, { email: 'promoted@example.com', role: 'viewer', password: PASSWORD }, { now: new Date() });
    const s = await signIn('promoted@example.com');
    expect((await s.call('POST', '/v1/redrive', window())).status).toBe(403);
    const admin = await signIn('admin@example.com');
    await admin.call('PUT', `/console/operators/${op.operatorId}/role`, { role: 'operator' });
    expect((await s.call('POST', '/v1/redrive', { ...window(), dryRun: true })).status).toBe(202);
  });

  it('every /v1 and /console route in the role table answers 403 to a role below its own, through the real middleware', async () => {
    const viewer = await signIn('viewer@example.com');
    const operator = await signIn('operator@example.com');
    const below = { operator: [viewer], admin: [viewer, operator] } as const;
    const checked: string[] = [];
    for (const entry of ROUTE_ROLES) {
      if (entry.access === 'public' || entry.access === 'viewer') continue;
      const p = entry.path.replace(/:[A-Za-z]+/g, 'x');
      for (const s of below[entry.access]) {
        const res = await s.call(entry.method, p, entry.method === 'GET' || entry.method === 'DELETE' ? undefined : {});
        expect(res.status, `${entry.method} ${entry.path}`).toBe(403);
      }
      checked.push(`${entry.method} ${entry.path}`);
    }
    expect(checked.length).toBeGreaterThan(15);
  });
});

/** Every route an express app has mounted, with its full path (routers mounted with a path prefix it). */
function mountedRoutes(app: Express): Array<{ method: string; path: string }> {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: `${prefix}${layer.route.path}` });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, `${prefix}${typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

describe('the role table covers every operator route', () => {
  it('every mounted /v1 and /console route has an entry (a new route without one fails here), and every entry is a mounted route', () => {
    const app = createApi({ eventStore: api.store, keyVault: api.keyVault, config: api.config, logger: silentLogger, projectionStore: api.projectionStore! });
    const mounted = mountedRoutes(app).filter((r) => r.path === '/console' || r.path.startsWith('/console/') || r.path.startsWith('/v1/'));
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    expect(mounted.length).toBeGreaterThan(30);
    const table = new Set(ROUTE_ROLES.map(key));
    expect(mounted.map(key).filter((k) => !table.has(k))).toEqual([]);
    const present = new Set(mounted.map(key));
    expect([...table].filter((k) => !present.has(k))).toEqual([]);
  });

  it('every console API route is in the OpenAPI document (the page and its assets are not an API)', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const missing = ROUTE_ROLES.filter((r) => r.path.startsWith('/console/') && !r.path.startsWith('/console/assets'))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:([A-Za-z]+)/g, '{$1}') }))
      .filter((r) => doc.paths[r.path]?.[r.method] === undefined);
    expect(missing).toEqual([]);
  });
});

describe('audit', () => {
  it('operator actions are events naming the operator, listed newest first on GET /console/audit', async () => {
    const operator = await signIn('operator@example.com');
    const admin = await signIn('admin@example.com');
    const r = await operator.call('POST', '/v1/redrive', { status: 'failed', from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
    expect(r.status).toBe(202);
    const recorded = (await api.store.readAll({ limit: 100_000 })).filter((e) => e.type === 'RedriveRequested' && (e.data as { redriveId: string }).redriveId === r.body.id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.data).toMatchObject({ by: { operatorId: accounts.operator.operatorId, email: 'operator@example.com' } });
    expect(recorded[0]!.metadata).toMatchObject({ operatorId: accounts.operator.operatorId });
    // Any event appended during an operator's request names them in its metadata (a template an admin publishes).
    expect((await admin.call('PUT', '/v1/templates/by-admin', { email: { subject: 'x', html: '<p>x</p>' } })).status).toBe(200);
    const published = (await api.store.readStream(streams.template(api.appKey, 'by-admin')))[0]!;
    expect(published.metadata).toMatchObject({ appId: api.appKey, operatorId: accounts.admin.operatorId });
    const made = await admin.call('POST', '/console/operators', { email: 'audited@example.com', role: 'viewer' });
    const created = (await api.store.readStream(streams.operator(made.body.operatorId)))[0]!;
    expect(created.data).toMatchObject({ by: { email: 'admin@example.com' } });

    const viewer = await signIn('viewer@example.com');
    await waitFor('the audit read model', async () =>
      (await viewer.call('GET', '/console/audit?limit=200')).body.items.some((e: { subject: { id: string } }) => e.subject.id === made.body.operatorId),
    );
    const page = (await viewer.call('GET', '/console/audit?limit=200')).body as { items: Array<Record<string, any>>; nextCursor: string | null };
    const redrive = page.items.find((e) => e.subject.kind === 'redrive' && e.subject.id === r.body.id);
    expect(redrive).toMatchObject({ action: 'RedriveRequested', by: { email: 'operator@example.com' }, appId: api.appKey, details: { matched: 0 } });
    expect(page.items.find((e) => e.subject.id === made.body.operatorId)).toMatchObject({
      action: 'OperatorCreated',
      by: { email: 'admin@example.com' },
      details: { role: 'viewer' },
    });
    // The cancel in the role test, by the operator; a cancel through the app's own credentials is not an operator's action.
    expect(page.items.some((e) => e.action === 'NotificationCanceled' && e.by?.email === 'operator@example.com')).toBe(true);
    // The accounts made before any session (the CLI's way): listed with no operator.
    expect(page.items.some((e) => e.action === 'OperatorCreated' && e.by === null && e.subject.name === 'viewer@example.com')).toBe(true);
    const times = page.items.map((e) => e.at as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect(JSON.stringify(page)).not.toMatch(/scrypt|totp:v1|passwordHash/);

    // Paged with a cursor: no entry twice, none lost.
    const first = (await viewer.call('GET', '/console/audit?limit=3')).body as typeof page;
    const second = (await viewer.call('GET', `/console/audit?limit=3&cursor=${first.nextCursor}`)).body as typeof page;
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(page.items.slice(0, 6).map((e) => e.id));
    expect((await viewer.call('GET', '/console/audit?cursor=nonsense')).status).toBe(400);
    expect((await viewer.call('GET', '/console/audit?limit=0')).body).toMatchObject({ field: 'limit' });
  });
});
