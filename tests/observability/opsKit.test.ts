import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Platform } from '../../app/main.ts';
import { ALL_ROLES, createWorld, type TestWorld } from './platform.ts';

/**
 * ops/prometheus/alerts.yml and ops/grafana/notify.json name only metrics a running platform
 * exports: the whole platform is started here and /metrics scraped (a metric with no sample yet
 * still has its # TYPE line). promtool checks the rules too when it is installed.
 */
const RULES = 'ops/prometheus/alerts.yml';
const DASHBOARD = 'ops/grafana/notify.json';

/** Identifiers in a PromQL expression that are metric names (ours all start with notify_). */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(withoutStrings.match(/\bnotify_[a-z0-9_]+\b/g) ?? [])];
}

let world: TestWorld;
let platform: Platform;
let exported: Set<string>;

beforeAll(async () => {
  world = await createWorld('opskit');
  platform = await world.start(ALL_ROLES);
  const text = await (await fetch(`http://127.0.0.1:${platform.opsPort}/metrics`)).text();
  exported = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [name, type] = [m[1]!, m[2]!];
    exported.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('the operations kit', () => {
  it('alerts.yml: well-formed groups of named rules, each over exported metrics, and the in-process alerts all covered', () => {
    const doc = parse(fs.readFileSync(RULES, 'utf8')) as {
      groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string; for?: string; labels?: Record<string, string> }> }>;
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const missing: string[] = [];
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Notify[A-Za-z]+$/);
      expect(rule.labels?.severity, rule.alert).toMatch(/^(page|ticket)$/);
      const names = metricsIn(rule.expr);
      expect(names.length, `${rule.alert} names a metric`).toBeGreaterThan(0);
      for (const n of names) if (!exported.has(n)) missing.push(`${rule.alert}: ${n}`);
    }
    expect(missing, 'rules over metrics /metrics does not export').toEqual([]);
    // The in-process alert kinds (infra/alerts.ts) and the operators' conditions each have a rule.
    const names = new Set(rules.map((r) => r.alert));
    for (const a of [
      'NotifyChannelFailureRate',
      'NotifyChannelFailing',
      'NotifyParkingGrowing',
      'NotifyQueueBacklog',
      'NotifyNotificationsStuck',
      'NotifyDispatcherLag',
      'NotifyProjectionLag',
      'NotifyBrokerDown',
    ]) {
      expect(names.has(a), a).toBe(true);
    }
  });

  it('promtool accepts the rules (when promtool is on PATH or PROMTOOL names it)', (ctx) => {
    const promtool = process.env.PROMTOOL ?? 'promtool';
    let out: string;
    try {
      out = execFileSync(promtool, ['check', 'rules', RULES], { encoding: 'utf8' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ctx.skip();
      throw new Error(`promtool refused ${RULES}: ${String((e as { stdout?: string }).stdout ?? e)}`, { cause: e });
    }
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('notify.json: a Grafana dashboard whose every panel queries exported metrics, covering delivery, failures, queues, lag, parking, alerts and HTTP', () => {
    const dash = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      title: string;
      panels: Array<{ id: number; type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    expect(dash.uid).toBe('notify-platform');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const missing: string[] = [];
    const queried = dash.panels.filter((p) => p.type !== 'row');
    for (const p of queried) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        const names = metricsIn(t.expr);
        expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const n of names) if (!exported.has(n)) missing.push(`${p.title}: ${n}`);
      }
    }
    expect(missing, 'panels over metrics /metrics does not export').toEqual([]);
    const all = queried.flatMap((p) => (p.targets ?? []).flatMap((t) => metricsIn(t.expr)));
    for (const m of [
      'notify_notifications_total',
      'notify_provider_call_seconds_count',
      'notify_queue_messages',
      'notify_dispatcher_lag_events',
      'notify_projection_lag_events',
      'notify_parked_total',
      'notify_alert_active',
      'notify_http_requests_total',
      'notify_http_request_duration_seconds_bucket',
    ]) {
      expect(all, m).toContain(m);
    }
  });
});
