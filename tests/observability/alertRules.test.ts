import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ALERT_RULES_FILE, renderAlertRules } from '../../app/alertRulesFile.ts';
import { ALERT_RULES } from '../../monitors/alertRules.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const committed = () => parse(fs.readFileSync(ALERT_RULES_FILE, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
const rules = () => committed().groups.flatMap((g) => g.rules);
/** The one shape a rule may have: the platform's raised alert of one kind, read back. */
const READS_ONE_KIND = /^max by \(subject\) \(notify_alert_active\{kind='([a-z_]+)'\}\) > 0$/;

describe('alert rules: one definition (monitors/alertRules.ts), ops/prometheus/alerts.yml generated from it', () => {
  it('the committed alerts.yml is what the table renders (run `npm run ops:alerts` after changing it)', () => {
    expect(fs.readFileSync(ALERT_RULES_FILE, 'utf8')).toBe(renderAlertRules());
  });

  it('no incident is defined twice: every Prometheus rule reads back exactly one in-process kind, and each kind has exactly one rule', () => {
    const kinds: string[] = [];
    for (const r of rules()) {
      // Not a second evaluation of the condition over raw metrics, nor a catch-all over several kinds.
      const m = READS_ONE_KIND.exec(r.expr);
      expect(m, `${r.alert}: ${r.expr}`).not.toBeNull();
      expect(r.labels.kind, r.alert).toBe(m![1]);
      kinds.push(m![1]!);
    }
    expect([...kinds].sort()).toEqual(Object.keys(ALERT_RULES).sort());
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(new Set(rules().map((r) => r.alert)).size).toBe(kinds.length);
  });

  it('promtool: with every kind raised at once, each rule fires exactly one alert, for its own kind (when promtool is on PATH or PROMTOOL names it)', (ctx) => {
    const promtool = process.env.PROMTOOL ?? 'promtool';
    const all = rules();
    const subject = (kind: string) => `subject-of-${kind}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-promtool-'));
    try {
      const testFile = path.join(dir, 'alerts.test.yml');
      fs.writeFileSync(
        testFile,
        stringify({
          rule_files: [ALERT_RULES_FILE],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              // Every kind raised, and the raw signals the old hand-written rules also alerted on, all at once.
              input_series: [
                ...Object.keys(ALERT_RULES).map((kind) => ({ series: `notify_alert_active{kind="${kind}",subject="${subject(kind)}"}`, values: '1x10' })),
                { series: 'notify_broker_up', values: '0x10' },
                { series: 'notify_notifications_stuck', values: '5x10' },
                { series: 'notify_dispatcher_lag_events', values: '5000x10' },
              ],
              alert_rule_test: all.map((r) => ({
                eval_time: '5m',
                alertname: r.alert,
                exp_alerts: [
                  {
                    exp_labels: { severity: r.labels.severity, kind: r.labels.kind, subject: subject(r.labels.kind!) },
                    exp_annotations: { ...r.annotations, summary: r.annotations.summary!.replaceAll('{{ $labels.subject }}', subject(r.labels.kind!)) },
                  },
                ],
              })),
            },
          ],
        }),
      );
      let out: string;
      try {
        out = execFileSync(promtool, ['test', 'rules', testFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ctx.skip();
        const err = e as { stdout?: string; stderr?: string };
        throw new Error(`promtool test rules failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
      }
      expect(out).toMatch(/SUCCESS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
