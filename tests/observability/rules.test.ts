import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAlerter } from '../../infra/alerts.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createDepthRules, createFailureRateRule } from '../../monitors/rules.ts';

function setup() {
  let t = 1_000_000;
  const metrics = createMetrics();
  const alerter = createAlerter({ logger: silentLogger, metrics, now: () => new Date(t) });
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  return { metrics, alerter, clock };
}

async function gauge(metrics: ReturnType<typeof createMetrics>, kind: string, subject: string) {
  const m = await metrics.alerts.get();
  return m.values.find((v) => v.labels.kind === kind && v.labels.subject === subject)?.value;
}

describe('failure-rate rule', () => {
  it('raises once for a sustained outage, not once per failure, and clears when deliveries succeed again', async () => {
    const { metrics, alerter, clock } = setup();
    const rule = createFailureRateRule({ alerter, options: { windowMs: 60_000, rate: 0.5, minSamples: 10 }, now: clock.now });
    for (let i = 0; i < 20; i++) {
      rule.record('sms', 'ok');
      clock.advance(100);
    }
    expect(alerter.active()).toEqual([]);
    for (let i = 0; i < 200; i++) {
      rule.record('sms', 'failed');
      rule.record('email', 'ok');
      clock.advance(100);
    }
    expect(alerter.active().map((a) => [a.kind, a.subject])).toEqual([['channel_failure_rate', 'sms']]);
    expect((await metrics.alertsRaised.get()).values.find((v) => v.labels.subject === 'sms')?.value).toBe(1);
    expect(await gauge(metrics, 'channel_failure_rate', 'sms')).toBe(1);

    // Outage over: the window fills with successes and the rate falls under half the threshold.
    for (let i = 0; i < 600; i++) {
      rule.record('sms', 'ok');
      clock.advance(100);
    }
    expect(alerter.active()).toEqual([]);
    expect(await gauge(metrics, 'channel_failure_rate', 'sms')).toBe(0);
    expect((await metrics.alertsRaised.get()).values.find((v) => v.labels.subject === 'sms')?.value).toBe(1);
  });

  it('says nothing below the minimum sample count, and clears on silence once the window empties', () => {
    const { alerter, clock } = setup();
    const rule = createFailureRateRule({ alerter, options: { windowMs: 10_000, rate: 0.5, minSamples: 5 }, now: clock.now });
    for (let i = 0; i < 4; i++) rule.record('ios', 'failed');
    expect(alerter.active()).toEqual([]);
    rule.record('ios', 'failed');
    expect(alerter.active()).toHaveLength(1);
    clock.advance(10_001);
    rule.tick();
    expect(alerter.active()).toEqual([]);
  });

  it('does not flap while the rate hovers between half the threshold and the threshold', () => {
    const { alerter, clock } = setup();
    const rule = createFailureRateRule({ alerter, options: { windowMs: 1_000_000, rate: 0.5, minSamples: 4 }, now: clock.now });
    for (let i = 0; i < 4; i++) rule.record('email', 'failed');
    expect(alerter.active()).toHaveLength(1);
    for (let i = 0; i < 6; i++) rule.record('email', 'ok'); // 40%: under the threshold, above half of it
    expect(alerter.active()).toHaveLength(1);
    for (let i = 0; i < 10; i++) rule.record('email', 'ok'); // 20%: under half of it
    expect(alerter.active()).toEqual([]);
  });
  it('costs the same per outcome at any load (bucketed counts) and agrees with the exact window up to one bucket', () => {
    // An outcome is counted while it is inside the window, and at most windowMs / 60 longer:
    // a burst that alone reaches the threshold raises; once every outcome is older than
    // window + one bucket, silence clears it.
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_000 }), failed: fc.boolean() }), { minLength: 1, maxLength: 200 }), (outcomes) => {
        const { alerter, clock } = setup();
        const windowMs = 60_000;
        const rule = createFailureRateRule({ alerter, options: { windowMs, rate: 0.5, minSamples: 1 }, now: clock.now });
        const seen: Array<{ at: number; failed: boolean }> = [];
        for (const o of outcomes) {
          clock.advance(o.gap);
          rule.record('sms', o.failed ? 'failed' : 'ok');
          seen.push({ at: clock.now(), failed: o.failed });
          const exact = seen.filter((s) => s.at > clock.now() - windowMs);
          const loose = seen.filter((s) => s.at > clock.now() - windowMs - windowMs / 60);
          const raised = alerter.active().length > 0;
          const rateOf = (w: typeof seen) => w.filter((s) => s.failed).length / w.length;
          // Whatever the bucket edges, the exact window and the one-bucket-longer window bracket the decision.
          if (rateOf(exact) >= 0.5 && rateOf(loose) >= 0.5) expect(raised).toBe(true);
          if (exact.every((s) => !s.failed) && loose.every((s) => !s.failed)) expect(raised).toBe(false);
        }
        clock.advance(windowMs + windowMs / 60 + 1);
        rule.tick();
        expect(alerter.active()).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps up with 200,000 outcomes in one window', () => {
    const { alerter, clock } = setup();
    const rule = createFailureRateRule({ alerter, options: { windowMs: 60_000, rate: 0.5, minSamples: 10 }, now: clock.now });
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) {
      rule.record('email', i % 3 === 0 ? 'failed' : 'ok');
      if (i % 4 === 0) clock.advance(1);
    }
    // A rescan of the window on each outcome would take minutes here; the bucketed counts take well under a second.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(alerter.active()).toEqual([]);
  });
});

describe('queue depth rules', () => {
  const opts = { backlogThreshold: 100, risingSamples: 3, parkingQuietMs: 60_000 };

  it('raises queue_backlog for a work queue past the threshold that keeps rising, once, and clears under the threshold', () => {
    const { alerter, clock } = setup();
    const rules = createDepthRules({ alerter, options: opts, now: clock.now });
    const at = clock.now();
    for (const ready of [50, 120, 130]) rules.observe([{ queue: 'notify.sms', ready, at }]);
    expect(alerter.active()).toEqual([]); // only two rises so far
    for (const ready of [150, 170, 200, 200, 260]) rules.observe([{ queue: 'notify.sms', ready, at }]);
    expect(alerter.active().map((a) => a.kind)).toEqual(['queue_backlog']);
    rules.observe([{ queue: 'notify.sms', ready: 180, at }]);
    expect(alerter.active()).toHaveLength(1); // draining but still over the threshold
    rules.observe([{ queue: 'notify.sms', ready: 90, at }]);
    expect(alerter.active()).toEqual([]);
  });

  it('a deep queue that is draining is no backlog; retry queues are left alone', () => {
    const { alerter, clock } = setup();
    const rules = createDepthRules({ alerter, options: opts, now: clock.now });
    const at = clock.now();
    for (const ready of [900, 800, 700, 600]) rules.observe([{ queue: 'notify.email', ready, at }]);
    for (const ready of [200, 300, 400, 500, 600]) rules.observe([{ queue: 'notify.email.retry.10000', ready, at }]);
    expect(alerter.active()).toEqual([]);
  });

  it('raises parking_growing when a parking queue grows, counting unacked too, and clears after a quiet period', () => {
    const { alerter, clock } = setup();
    const rules = createDepthRules({ alerter, options: opts, now: clock.now });
    rules.observe([{ queue: 'notify.ios.parked', ready: 3, at: clock.now() }]);
    expect(alerter.active()).toEqual([]); // a first sample is a baseline, not growth
    rules.observe([{ queue: 'notify.ios.parked', ready: 3, unacked: 1, at: clock.now() }]);
    rules.observe([{ queue: 'notify.ios.parked', ready: 6, at: clock.now() }]);
    expect(alerter.active().map((a) => [a.kind, a.subject])).toEqual([['parking_growing', 'notify.ios.parked']]);
    clock.advance(30_000);
    rules.observe([{ queue: 'notify.ios.parked', ready: 6, at: clock.now() }]);
    expect(alerter.active()).toHaveLength(1);
    clock.advance(30_000);
    rules.observe([{ queue: 'notify.ios.parked', ready: 6, at: clock.now() }]);
    expect(alerter.active()).toEqual([]);
  });
});
