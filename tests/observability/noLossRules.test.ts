import { describe, expect, it } from 'vitest';
import { createAlerter } from '../../infra/alerts.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createBrokerRule, createDepthRules, createLagRules } from '../../monitors/rules.ts';

function setup() {
  let t = 1_000_000;
  const metrics = createMetrics();
  const alerter = createAlerter({ logger: silentLogger, metrics, now: () => new Date(t) });
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const raised = async (kind: string) => (await metrics.alertsRaised.get()).values.filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
  return { metrics, alerter, clock, raised };
}

describe('broker rule', () => {
  it('ignores a single failed probe, raises once per outage however long, and resolves at the first probe that reaches the broker', async () => {
    const { alerter, clock, raised } = setup();
    const rule = createBrokerRule({ alerter, afterMs: 10_000, now: clock.now });
    rule.observe(false, 'ECONNREFUSED');
    clock.advance(5_000);
    rule.observe(true);
    expect(alerter.active()).toEqual([]);

    for (let i = 0; i < 60; i++) {
      rule.observe(false, 'ECONNREFUSED');
      clock.advance(1_000);
    }
    expect(alerter.active().map((a) => [a.kind, a.subject])).toEqual([['broker_unreachable', 'rabbitmq']]);
    expect(await raised('broker_unreachable')).toBe(1);
    rule.observe(true);
    expect(alerter.active()).toEqual([]);

    // A second outage is a second incident.
    for (let i = 0; i < 15; i++) {
      rule.observe(false);
      clock.advance(1_000);
    }
    expect(await raised('broker_unreachable')).toBe(2);
  });
});

describe('lag rules', () => {
  it('raise once while the dispatcher falls further behind past the threshold, and resolve once it is back under', async () => {
    const { alerter, raised } = setup();
    const rules = createLagRules({ alerter, options: { threshold: 100, risingSamples: 3 } });
    // Behind but catching up: no alert.
    for (const lag of [500, 400, 300, 200]) rules.observe([{ kind: 'dispatcher', name: 'dispatcher', lag }]);
    expect(alerter.active()).toEqual([]);
    // Below the threshold and rising: no alert either.
    for (const lag of [10, 20, 30, 40, 50]) rules.observe([{ kind: 'dispatcher', name: 'dispatcher', lag }]);
    expect(alerter.active()).toEqual([]);
    for (const lag of [200, 800, 1500, 2950, 2950, 3100]) rules.observe([{ kind: 'dispatcher', name: 'dispatcher', lag }]);
    expect(alerter.active().map((a) => [a.kind, a.subject])).toEqual([['dispatcher_lag_rising', 'dispatcher']]);
    expect(await raised('dispatcher_lag_rising')).toBe(1);
    // Draining, still over the threshold: the incident stays open (no new raise).
    for (const lag of [2000, 900, 300]) rules.observe([{ kind: 'dispatcher', name: 'dispatcher', lag }]);
    expect(alerter.active()).toHaveLength(1);
    rules.observe([{ kind: 'dispatcher', name: 'dispatcher', lag: 0 }]);
    expect(alerter.active()).toEqual([]);
    expect(await raised('dispatcher_lag_rising')).toBe(1);
  });

  it('track each projection on its own', () => {
    const { alerter } = setup();
    const rules = createLagRules({ alerter, options: { threshold: 10, risingSamples: 2 } });
    for (const lag of [20, 40, 80])
      rules.observe([
        { kind: 'projection', name: 'notifications', lag },
        { kind: 'projection', name: 'analytics', lag: 0 },
      ]);
    expect(alerter.active().map((a) => [a.kind, a.subject])).toEqual([['projection_lag_rising', 'notifications']]);
  });
});

describe('parking rule and unresolved notifications', () => {
  it('keeps parking_growing raised past the quiet period while a notification is unresolved, and clears once none is', () => {
    const { alerter, clock } = setup();
    let unresolved = 3;
    const rules = createDepthRules({ alerter, options: { backlogThreshold: 1000, risingSamples: 3, parkingQuietMs: 60_000 }, now: clock.now, unresolved: () => unresolved });
    const sample = (depth: number) => rules.observe([{ queue: 'notify.sms.parked', ready: depth, at: clock.now() }]);
    sample(0);
    sample(3);
    expect(alerter.active().map((a) => a.kind)).toEqual(['parking_growing']);
    clock.advance(10 * 60_000);
    sample(3);
    // Quiet for ten minutes, not resolved: time alone does not end it.
    expect(alerter.active().map((a) => a.kind)).toEqual(['parking_growing']);
    unresolved = 0;
    sample(3);
    expect(alerter.active()).toEqual([]);
  });
});
