import type { AlertTally, Audit } from '../testkit/audit.ts';

export interface ScenarioResult {
  name: string;
  what: string;
  /** set when the scenario could not run (skipped) or broke before its audit */
  skipped?: string;
  error?: string;
  audit?: Audit;
  /** the documented worst case for this scenario's duplicates (docs/delivery-pipeline.md) */
  dupBound?: number;
  drainMs?: number;
  drained?: boolean;
  alerts?: AlertTally;
  crashes?: number;
  unconfirmedRequests?: number;
  retriedRequests?: number;
  /** What must not happen and did (a 500, a 202 during an outage, a process exit where none may exit): the run fails. */
  violations?: string[];
  notes: string[];
  logsKept?: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const failedText = (f: Record<string, number>) => {
  const parts = Object.entries(f)
    .sort()
    .map(([k, v]) => `${k}:${v}`);
  return parts.length ? parts.join(',') : '0';
};

/** The block printed as soon as a scenario ends. */
export function scenarioBlock(r: ScenarioResult): string {
  const out = [`== ${r.name}: ${r.what}`];
  if (r.skipped) return [...out, `   skipped: ${r.skipped}`].join('\n');
  if (r.error) out.push(`   ERROR: ${r.error}`);
  for (const v of r.violations ?? []) out.push(`   VIOLATION: ${v}`);
  const a = r.audit;
  if (a) {
    out.push(
      table([
        [
          'accepted',
          'sent',
          'delivered',
          'failed(by reason)',
          'suppressed',
          'lost',
          'stuck',
          'duplicates',
          'dup.notifs',
          'max copies',
          'failed+copy',
          '2 outcomes',
          'drain',
          'alerts raised/resolved',
          'crashes',
        ],
        [
          String(a.accepted),
          String(a.sent),
          String(a.delivered),
          failedText(a.failed),
          String(a.suppressed),
          String(a.lost),
          String(a.stuck),
          String(a.duplicates),
          String(a.duplicatedNotifications),
          String(a.maxCopies),
          String(a.failedButDelivered),
          String(a.doubleOutcomes),
          `${((r.drainMs ?? 0) / 1000).toFixed(1)}s${r.drained ? '' : ' (bound)'}`,
          `${r.alerts?.raised ?? 0}/${r.alerts?.resolved ?? 0}`,
          String(r.crashes ?? 0),
        ],
      ])
        .split('\n')
        .map((l) => `   ${l}`)
        .join('\n'),
    );
    if (a.unreadable) out.push(`   ${a.unreadable} accepted ids could not be read back from the API`);
    if (a.simUnmatched || a.simForeign) out.push(`   simulator messages without a readable notification id: ${a.simUnmatched}; with an id never accepted: ${a.simForeign}`);
    if (a.lostIds.length) out.push(`   lost ids (first 5): ${a.lostIds.slice(0, 5).join(' ')}`);
    if (a.stuckIds.length) out.push(`   stuck ids (first 5): ${a.stuckIds.slice(0, 5).join(' ')}`);
  }
  if (r.unconfirmedRequests) out.push(`   ${r.unconfirmedRequests} send requests never confirmed (their notifications are not counted as accepted)`);
  if (r.retriedRequests) out.push(`   ${r.retriedRequests} send attempts answered non-202 or not at all, retried with the same eventId`);
  if (r.alerts && r.alerts.kinds.size) out.push(`   alerts: ${[...r.alerts.kinds].map(([k, v]) => `${k} (raised ${v.raised}, resolved ${v.resolved})`).join('; ')}`);
  for (const n of r.notes) out.push(`   - ${n}`);
  if (r.logsKept) out.push(`   logs kept in ${r.logsKept}`);
  return out.join('\n');
}

export function summaryTable(results: readonly ScenarioResult[]): string {
  const rows = [['scenario', 'accepted', 'sent', 'failed', 'suppr.', 'lost', 'stuck', 'dups', 'bound', 'drain', 'alerts r/r', 'note']];
  for (const r of results) {
    const a = r.audit;
    const failed = a ? Object.values(a.failed).reduce((s, n) => s + n, 0) : 0;
    rows.push([
      r.name,
      a ? String(a.accepted) : '-',
      a ? String(a.sent + a.delivered) : '-',
      a ? String(failed) : '-',
      a ? String(a.suppressed) : '-',
      a ? String(a.lost) : '-',
      a ? String(a.stuck) : '-',
      a ? String(a.duplicates) : '-',
      a && r.dupBound !== undefined ? `${r.dupBound}${a.duplicates > r.dupBound ? '!' : ''}` : '-',
      a ? `${((r.drainMs ?? 0) / 1000).toFixed(0)}s${r.drained ? '' : '!'}` : '-',
      a ? `${r.alerts?.raised ?? 0}/${r.alerts?.resolved ?? 0}` : '-',
      r.skipped ? `skipped: ${r.skipped}` : r.error ? `error: ${r.error.slice(0, 60)}` : r.violations?.length ? `violated: ${r.violations.join('; ').slice(0, 60)}` : '',
    ]);
  }
  return table(rows);
}
