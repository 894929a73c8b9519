import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prometheusRules } from '../monitors/alertRules.ts';

/** Where the generated rules are committed (tests/observability/alertRules.test.ts keeps it equal to the table). */
export const ALERT_RULES_FILE = fileURLToPath(new URL('../ops/prometheus/alerts.yml', import.meta.url));

const HEADER = `# GENERATED from monitors/alertRules.ts by \`npm run ops:alerts\`: edit the table, not this file.
# One rule per in-process alert kind, active while the platform has that alert raised
# (notify_alert_active): the conditions and thresholds live once, in the platform's own rules
# (docs/observability.md#alerts), so an incident fires once here as in the log and the webhook.
`;

/** A JSON string is a YAML double-quoted scalar: no hand-rolled escaping. */
const q = (s: string) => JSON.stringify(s);

export function renderAlertRules(): string {
  const lines = [HEADER.trimEnd(), 'groups:'];
  for (const g of prometheusRules()) {
    lines.push(`  - name: ${g.name}`, '    rules:');
    for (const r of g.rules) {
      lines.push(
        `      - alert: ${r.alert}`,
        `        expr: ${q(r.expr)}`,
        '        labels:',
        `          severity: ${r.labels.severity}`,
        `          kind: ${r.labels.kind}`,
        '        annotations:',
        `          summary: ${q(r.annotations.summary)}`,
        `          runbook: ${r.annotations.runbook}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

// `npm run ops:alerts`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ALERT_RULES_FILE, renderAlertRules());
  process.stdout.write(`wrote ${ALERT_RULES_FILE}\n`);
}
