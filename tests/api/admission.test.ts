import { afterEach, describe, expect, it } from 'vitest';
import { admissionDecision, throughput, type AdmissionLimits } from '../../api/admission.ts';
import { createAppAuthenticator } from '../../commands/apps.ts';
import { openApiDocument } from '../../api/openapi.ts';
import { startTestApi, type TestApi } from './helpers.ts';

const limits: AdmissionLimits = { maxWaitMs: 500, maxLoopDelayMs: 1000, maxInFlight: 100, minInFlight: 8 };

describe('admissionDecision', () => {
  it('admits while few requests are in flight, whatever the rate says', () => {
    expect(admissionDecision({ inFlight: 7, completedPerSec: 0.1, loopDelayMs: 0 }, limits)).toEqual({ admit: true });
  });

  it('admits with no estimate yet (nothing completed), up to maxInFlight', () => {
    expect(admissionDecision({ inFlight: 99, completedPerSec: NaN, loopDelayMs: 0 }, limits)).toEqual({ admit: true });
    expect(admissionDecision({ inFlight: 100, completedPerSec: NaN, loopDelayMs: 0 }, limits)).toEqual({ admit: false, reason: 'in_flight', retryAfterSeconds: 1 });
  });

  it('sheds when what is in flight would take longer than maxWaitMs to drain (Little)', () => {
    // 20 in flight + this one at 50/s: 420 ms, admitted; 30 + 1 at 50/s: 620 ms, shed.
    expect(admissionDecision({ inFlight: 20, completedPerSec: 50, loopDelayMs: 0 }, limits)).toEqual({ admit: true });
    expect(admissionDecision({ inFlight: 30, completedPerSec: 50, loopDelayMs: 0 }, limits)).toEqual({ admit: false, reason: 'in_flight', retryAfterSeconds: 1 });
    // A long queue: come back when it would have drained, at most 5 s.
    expect(admissionDecision({ inFlight: 99, completedPerSec: 40, loopDelayMs: 0 }, limits)).toEqual({ admit: false, reason: 'in_flight', retryAfterSeconds: 3 });
    expect(admissionDecision({ inFlight: 99, completedPerSec: 1, loopDelayMs: 0 }, limits)).toEqual({ admit: false, reason: 'in_flight', retryAfterSeconds: 5 });
  });

  it('sheds while the event loop runs late, whatever is in flight', () => {
    expect(admissionDecision({ inFlight: 0, completedPerSec: NaN, loopDelayMs: 1001 }, limits)).toEqual({ admit: false, reason: 'event_loop', retryAfterSeconds: 2 });
    expect(admissionDecision({ inFlight: 0, completedPerSec: NaN, loopDelayMs: 1000 }, limits)).toEqual({ admit: true });
  });

  it('turns each rule off with 0', () => {
    const off: AdmissionLimits = { maxWaitMs: 0, maxLoopDelayMs: 0, maxInFlight: 0, minInFlight: 8 };
    expect(admissionDecision({ inFlight: 10_000, completedPerSec: 1, loopDelayMs: 60_000 }, off)).toEqual({ admit: true });
  });
});

describe('throughput', () => {
  it('counts completions per busy second, not per wall second', () => {
    let t = 0;
    const rate = throughput(() => t);
    expect(rate.perSec()).toBeNaN();
    // Idle for 10 s, then 10 requests in flight together that all complete within 100 ms.
    t = 10_000;
    for (let i = 0; i < 10; i++) rate.started();
    t += 100;
    for (let i = 0; i < 10; i++) rate.completed();
    // 10 in about 0.1 busy seconds: about 100/s (decay over 100 ms shifts it by a few per cent).
    expect(rate.perSec()).toBeGreaterThan(90);
    expect(rate.perSec()).toBeLessThan(110);
    // An idle spell afterwards changes neither side of the ratio's proportion.
    t += 2000;
    expect(rate.perSec()).toBeGreaterThan(90);
    expect(rate.perSec()).toBeLessThan(110);
  });

  it('follows a slower rate within a few seconds', () => {
    let t = 0;
    const rate = throughput(() => t);
    // 100/s for 2 s, then 10/s for 5 s, one request in flight at a time.
    for (let i = 0; i < 200; i++) {
      rate.started();
      t += 10;
      rate.completed();
    }
    for (let i = 0; i < 50; i++) {
      rate.started();
      t += 100;
      rate.completed();
    }
    expect(rate.perSec()).toBeGreaterThan(9);
    expect(rate.perSec()).toBeLessThan(12);
  });
});

describe('admission over HTTP', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('answers 503 with Retry-After and the error body while the event loop runs late', async () => {
    api = await startTestApi({ env: { API_ADMISSION_MAX_LOOP_DELAY_MS: '1000' }, deps: { loopDelayMs: () => 2500 } });
    const r = await api.call('GET', '/v1/templates/none');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.body).toMatchObject({ error: 'overloaded', requestId: expect.any(String) });
    // ... and the OpenAPI document says a client may meet it on every service route.
    const doc = openApiDocument(api.url) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) expect(Object.keys(op.responses ?? {}), `${method} ${route}`).toContain('503');
    }
  });

  it('answers a request past maxInFlight at once, without waiting for the ones in flight', async () => {
    // Requests stop in the authenticator until released: "in flight" without any timing.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = 0;
    api = await startTestApi({
      env: { API_ADMISSION_MAX_IN_FLIGHT: '2', API_ADMISSION_MAX_LOOP_DELAY_MS: '0' },
      authenticator: (store) => {
        const real = createAppAuthenticator(store);
        return {
          authenticate: async (...args) => {
            entered += 1;
            await gate;
            return real.authenticate(...args);
          },
        };
      },
    });
    const t = api;
    const held = [t.call('GET', '/v1/templates/none'), t.call('GET', '/v1/templates/none')];
    // Both held ones are inside (past admission, at the authenticator) before the third is sent.
    while (entered < 2) await new Promise((r) => setTimeout(r, 5));
    const third = await t.call('GET', '/v1/templates/none');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(third.body).toMatchObject({ error: 'overloaded' });
    // The held ones were still waiting: the 503 did not queue behind them.
    const settled = await Promise.race([Promise.all(held).then(() => 'answered'), new Promise((r) => setImmediate(() => r('still held')))]);
    expect(settled).toBe('still held');
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([404, 404]);
    // Once they are done, requests are admitted again.
    expect((await t.call('GET', '/v1/templates/none')).status).toBe(404);
  });
});
