import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createAppAuthenticator, rotateAppSecret } from '../../commands/apps.ts';
import { signTrackingToken } from '../../domain/trackingToken.ts';
import { REDACT_PATHS } from '../../infra/logger.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

/** Issue 11, as an attacker with two apps on one server: templates, malformed requests, authentication. */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);

let api: TestApi;
let other: { appKey: string; appSecret: string };
beforeAll(async () => {
  api = await startTestApi({ deps: { logger }, env: { API_APP_RATE_LIMIT: '0' } });
  other = await createApp(api.store, 'app-b');
});
afterAll(async () => {
  await api?.close();
});

const asB = (method: string, p: string, body?: unknown) => api.call(method, p, body, { authorization: basic(other.appKey, other.appSecret) });
const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

describe('templates read no files', () => {
  it('include/render/layout of an existing or a missing file are the same 400 naming the field; nothing is stored or logged', async () => {
    const before = await api.store.headPosition();
    const answers: unknown[] = [];
    for (const tag of ['include', 'render', 'layout']) {
      for (const file of ['simulator/fixtures/apns-dev-key.p8', 'package.json', 'no/such/file.liquid']) {
        const res = await asB('PUT', '/v1/templates/steal', { email: { subject: 'hi', html: `<p>{% ${tag} '${file}' %}</p>` } });
        expect(res.status).toBe(400);
        expect(res.body.field).toBe('email.html');
        expect(res.body.message).toContain(`{% ${tag} %}`);
        answers.push(strip(res.body as Record<string, unknown>));
      }
      const sms = await asB('PUT', '/v1/templates/steal', { sms: { text: `{% ${tag} 'package.json' %}` } });
      expect([sms.status, sms.body.field]).toEqual([400, 'sms.text']);
    }
    // No existence oracle: per tag, the answer for an existing file equals the one for a missing file.
    for (let i = 0; i < answers.length; i += 3) expect(new Set(answers.slice(i, i + 3).map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await api.store.headPosition()).toBe(before);
    const all = lines.join('\n');
    expect(all).not.toContain('BEGIN PRIVATE KEY');
    expect(all).not.toContain('notify-platform');
  });
});

describe('malformed requests are 400s, never 500s', () => {
  it('a bad percent-escape in any path, including the unauthenticated /t/, is a 400; the raw token is not logged', async () => {
    const token = `${signTrackingToken({ n: '00000000-0000-5000-8000-000000000000', k: 'open', t: Math.floor(Date.now() / 1000) }, 'x')}%E0%A4%A`;
    lines.length = 0;
    for (const p of ['/v1/users/%zz', '/v1/users/%E0%A4%A/preferences', '/v1/templates/%', '/v1/notifications/%C0', `/t/${token}`, '/t/%zz']) {
      const res = p.startsWith('/t/') ? await fetch(`${api.url}${p}`) : await api.call('GET', p);
      expect(res.status, p).toBe(400);
    }
    expect((await fetch(`${api.url}/t/%zz`, { method: 'POST' })).status).toBe(400);
    await new Promise((r) => setImmediate(r));
    const all = lines.join('\n');
    expect(all).not.toContain(token.slice(0, 20));
    expect(all).not.toMatch(/"level":50/);
  });

  it('corrupt gzip, deflate and brotli bodies are a 400 naming the body, and write nothing', async () => {
    const before = await api.store.headPosition();
    const valid = Buffer.from(JSON.stringify({ email: 'z@example.com' }));
    const bodies: Array<[string, Buffer]> = [
      ['gzip', Buffer.from('not gzip at all')],
      ['gzip', zlib.gzipSync(valid).subarray(0, 15)],
      ['deflate', Buffer.from('not deflate')],
      ['br', Buffer.from('not brotli')],
      ['br', zlib.brotliCompressSync(valid).subarray(0, 5)],
    ];
    for (const [encoding, body] of bodies) {
      const res = await fetch(`${api.url}/v1/users/zed`, {
        method: 'PUT',
        headers: { authorization: api.auth, 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(res.status, encoding).toBe(400);
      expect(((await res.json()) as { field?: string }).field).toBe('body');
    }
    expect(await api.store.headPosition()).toBe(before);
    // A well-formed compressed body still works.
    const ok = await fetch(`${api.url}/v1/users/zed`, {
      method: 'PUT',
      headers: { authorization: api.auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: zlib.gzipSync(valid),
    });
    expect(ok.status).toBeLessThan(300);
  });
});

describe('authentication', () => {
  const time = async (auth: string) => {
    const started = performance.now();
    const res = await fetch(`${api.url}/v1/users/nobody/preferences`, { headers: { authorization: auth } });
    await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  it('an unknown key takes as long as a known key with a wrong secret (no key enumeration)', async () => {
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so load on the machine affects both alike; each with its own key so no limiter is involved.
    for (let i = 0; i < 20; i++) {
      const a = await time(basic(`app_${i.toString(16).padStart(24, '0')}`, 'sk_wrong'));
      const b = await time(basic(other.appKey, `sk_wrong_${i}`));
      expect([a.status, b.status]).toEqual([expect.any(Number), expect.any(Number)]);
      unknown.push(a.ms);
      wrong.push(b.ms);
    }
    const ratio = median(wrong) / median(unknown);
    expect(ratio, `median wrong ${median(wrong).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeLessThan(2);
    expect(ratio).toBeGreaterThan(0.5);
  });

  it('a fresh process lets 32 concurrent callers with the correct secret in: no 429', async () => {
    const fresh = await startTestApi({});
    try {
      const res = await Promise.all(Array.from({ length: 32 }, () => fetch(`${fresh.url}/v1/users/nobody/preferences`, { headers: { authorization: fresh.auth } })));
      expect(res.map((r) => r.status)).toEqual(Array(32).fill(404));
    } finally {
      await fresh.close();
    }
  });

  it('a flood of wrong secrets turns into 429s, yet the correct secret (just rotated, so not cached) still gets in', async () => {
    // A strict limiter (5 failures, then practically none) so the flood outruns it on any machine.
    const t = await startTestApi({ authenticator: (store) => createAppAuthenticator(store, { verifyRatePerSec: 0.001, verifyBurst: 5 }) });
    try {
      const rotated = await rotateAppSecret(t.store, t.appKey);
      const flood = await Promise.all(
        Array.from({ length: 12 }, (_, i) => fetch(`${t.url}/v1/users/nobody/preferences`, { headers: { authorization: basic(t.appKey, `sk_guess_${i}`) } })),
      );
      const statuses = flood.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
      for (let i = 0; i < 3; i++) {
        const ok = await fetch(`${t.url}/v1/users/nobody/preferences`, { headers: { authorization: basic(rotated.appKey, rotated.appSecret) } });
        expect(ok.status).toBe(404);
      }
      // The old secret is a failure like any other.
      expect((await fetch(`${t.url}/v1/users/nobody/preferences`, { headers: { authorization: t.auth } })).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
