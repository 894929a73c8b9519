import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, backoffMs, createClient, isReplayable, RETRY_DEFAULTS, retryAfterMs, retryDelayMs, type RetryEvent } from '../../app/client/index.ts';

/**
 * The client package's retries, against a local HTTP server that answers from a script: what is
 * retried (idempotent methods and POSTs carrying an eventId), on what (429, 5xx, no answer), how
 * long it waits (Retry-After honoured, otherwise jittered exponential backoff), and when it stops.
 */
type Step = { status: number; headers?: Record<string, string>; body?: unknown } | 'drop';

let server: Server;
let url: string;
let script: Step[] = [];
let seen: Array<{ method: string; path: string; body: string; at: number; auth: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', body, at: Date.now(), auth: req.headers.authorization });
      const step = script.shift() ?? { status: 500, body: { error: 'script_exhausted', message: 'no step left' } };
      if (step === 'drop') return void req.socket.destroy();
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(step.body === undefined ? '' : JSON.stringify(step.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

const accepted = { status: 202, body: { notifications: [{ id: 'n1', userId: 'ada', channel: 'email', status: 'pending' }] } };
const unavailable = (retryAfter?: string): Step => ({
  status: 503,
  headers: retryAfter ? { 'retry-after': retryAfter } : {},
  body: { error: 'unavailable', message: 'store down' },
});
const send = { eventId: 'order-1-shipped', userId: 'ada', templateId: 'shipped' };

function client(retry: Parameters<typeof createClient>[0]['retry'] = { baseDelayMs: 20, maxDelayMs: 100 }) {
  const retries: RetryEvent[] = [];
  const api = createClient({ baseUrl: url, appKey: 'k', appSecret: 'sécret', retry, onRetry: (e) => retries.push(e), timeoutMs: 5_000 });
  return { api, retries };
}

describe('the client retries what is safe to repeat', () => {
  it('429 with Retry-After, then 503, then 202: waits as told, backs off, sends the same eventId each time, and returns the 202', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate_limited', message: 'slow down' } }, unavailable(), accepted];
    const { api, retries } = client();
    const answer = await api.post('/v1/notifications', { body: send });
    expect('notifications' in answer && answer.notifications[0]?.id).toBe('n1');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set([JSON.stringify(send)]));
    expect(retries.map((r) => r.cause)).toEqual([429, 503]);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    // The server saw the second request no sooner than it asked for.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(retries[1]!.delayMs).toBeLessThan(1000);
    // Basic credentials as UTF-8 without Node's Buffer.
    expect(seen[0]!.auth).toBe(`Basic ${Buffer.from('k:sécret').toString('base64')}`);
  });

  it('retries a POST with an eventId when no answer came (connection dropped), and a GET on 502', async () => {
    script = ['drop', accepted, { status: 502 }, { status: 200, body: { id: 'n1' } }];
    const { api, retries } = client();
    await api.post('/v1/notifications', { body: send });
    expect(retries.map((r) => r.cause)).toEqual(['network']);
    await api.get('/v1/notifications/{id}', { path: { id: 'n1' } });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /v1/notifications', 'POST /v1/notifications', 'GET /v1/notifications/n1', 'GET /v1/notifications/n1']);
  });

  it('tries a POST without an eventId once (a redrive could run twice), and never retries 400 or 501', async () => {
    script = [unavailable()];
    const { api, retries } = client();
    const err = await api.post('/v1/redrive', { body: { status: 'failed', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).error?.error).toBe('unavailable');
    script = [{ status: 400, body: { error: 'invalid_request', message: 'bad', field: 'userId' } }, { status: 501 }];
    expect(await api.post('/v1/notifications', { body: send }).catch((e: ApiError) => e.status)).toBe(400);
    expect(await api.get('/v1/notifications/{id}', { path: { id: 'x' } }).catch((e: ApiError) => e.status)).toBe(501);
    expect(seen).toHaveLength(3);
    expect(retries).toEqual([]);
  });

  it('gives up after the configured retries, and at once when Retry-After is longer than it will wait', async () => {
    script = [unavailable(), unavailable(), unavailable()];
    const { api, retries } = client({ retries: 2, baseDelayMs: 10 });
    expect(await api.post('/v1/notifications', { body: send }).catch((e: ApiError) => e.status)).toBe(503);
    expect(seen).toHaveLength(3);
    expect(retries).toHaveLength(2);

    seen = [];
    script = [unavailable('120')];
    expect(await api.post('/v1/notifications', { body: send }).catch((e: ApiError) => e.status)).toBe(503);
    expect(seen).toHaveLength(1); // not sat out: a retry would have met the exhausted script (500) as a second request

    seen = [];
    script = [unavailable()];
    const off = client(false);
    expect(await off.api.get('/v1/notifications/{id}', { path: { id: 'x' } }).catch((e: ApiError) => e.status)).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('an unreachable API is an error naming it, after the retries', async () => {
    const dead = createClient({ baseUrl: 'http://127.0.0.1:1', appKey: 'k', appSecret: 's', retry: { retries: 1, baseDelayMs: 5 } });
    await expect(dead.get('/v1/notifications/{id}', { path: { id: 'x' } })).rejects.toThrow(/cannot reach the API at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('the retry policy (pure)', () => {
  const clock = (random: number, nowMs = Date.parse('2026-01-01T00:00:00Z')) => ({ nowMs, random: () => random });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const o = { ...RETRY_DEFAULTS, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((r) => backoffMs(r, o, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, o, () => 0)).toBe(0);
  });

  it('decides per failure: retryable statuses and network errors, Retry-After as the least wait, nothing past the last retry', () => {
    const o = { ...RETRY_DEFAULTS, retries: 2, baseDelayMs: 100 };
    expect(retryDelayMs(0, { status: 503 }, o, clock(0.5))).toBe(50);
    expect(retryDelayMs(1, 'network', o, clock(0.5))).toBe(100);
    expect(retryDelayMs(0, { status: 429, retryAfter: '2' }, o, clock(0.5))).toBe(2050);
    expect(retryDelayMs(0, { status: 429, retryAfter: '31' }, o, clock(0.5))).toBeUndefined();
    expect(retryDelayMs(2, { status: 503 }, o, clock(0.5))).toBeUndefined();
    for (const status of [400, 401, 404, 409, 422, 501]) expect(retryDelayMs(0, { status }, o, clock(0.5)), String(status)).toBeUndefined();
  });

  it('replays idempotent methods and POSTs carrying an eventId only', () => {
    expect(['GET', 'put', 'DELETE', 'HEAD'].every((m) => isReplayable(m, undefined))).toBe(true);
    expect(isReplayable('POST', { eventId: 'e1', userId: 'u' })).toBe(true);
    expect(isReplayable('POST', { userId: 'u' })).toBe(false);
    expect(isReplayable('POST', { eventId: 7 })).toBe(false);
    expect(isReplayable('POST', undefined)).toBe(false);
    expect(isReplayable('PATCH', { eventId: 'e1' })).toBe(true);
  });
});
