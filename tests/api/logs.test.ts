import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTrackingToken } from '../../domain/trackingToken.ts';
import { REDACT_PATHS } from '../../infra/logger.ts';
import { IOS_TOKEN, startTestApi, type TestApi } from './helpers.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ deps: { logger } });
});
afterAll(async () => {
  await api?.close();
});

describe('request logs', () => {
  it('one line per request with its id, route pattern and status; no email, phone, token or secret', async () => {
    const email = 'secret.person@example.com';
    const phone = '+14155550199';
    await api.call('PUT', '/v1/users/lou', { email, phone }, { 'x-request-id': 'log-test-1' });
    await api.call('POST', '/v1/users/lou/devices', { token: IOS_TOKEN, platform: 'ios' });
    await api.call('DELETE', `/v1/users/lou/devices/${IOS_TOKEN}`);
    await api.call('PUT', '/v1/users/lou', { email: 'broken@', phone: '+1' });
    const tracking = signTrackingToken({ n: '00000000-0000-5000-8000-000000000000', k: 'open', t: Math.floor(Date.now() / 1000) }, 'x');
    await fetch(`${api.url}/t/${tracking}`);
    await new Promise((r) => setImmediate(r));
    const all = lines.join('\n');
    for (const secret of [email, phone, IOS_TOKEN, tracking, api.appSecret, 'broken@', Buffer.from(`${api.appKey}:${api.appSecret}`).toString('base64')]) {
      expect(all).not.toContain(secret);
    }
    const first = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === 'log-test-1');
    expect(first).toMatchObject({ method: 'PUT', route: '/v1/users/:userId', status: 200, appId: api.appKey });
    expect(lines.some((l) => l.includes('"route":"/v1/users/:userId/devices/:id"') && l.includes('"status":204'))).toBe(true);
    expect(lines.some((l) => l.includes('"route":"/t/:token"') && l.includes('"status":404'))).toBe(true);
  });
});
