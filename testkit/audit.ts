import fs from 'node:fs';
import type { Accepted } from './load.ts';
import { http, pool, sleep } from './net.ts';
import type { SimLedger } from './sim.ts';

/** Statuses after which nothing more is expected from the pipeline. */
const FINAL = new Set(['sent', 'delivered', 'failed', 'suppressed']);

export interface NotificationView {
  status: string;
  reason?: string;
}

/** Reads each id's view from `GET /v1/notifications/:id`; ids the API could not answer are left out. */
export async function readViews(api: string, auth: string, ids: readonly string[]): Promise<Map<string, NotificationView>> {
  const out = new Map<string, NotificationView>();
  await pool(ids, 8, async (id) => {
    const r = await http('GET', `${api}/v1/notifications/${id}`, { auth, timeoutMs: 10_000 });
    if (r.status === 200) out.set(id, r.body as NotificationView);
  });
  return out;
}

/**
 * Waits until every accepted id is final, or `boundMs` passes; re-reads only the ids not final
 * yet. Returns how long that took and the last view of every id.
 */
export async function waitForDrain(
  api: string,
  auth: string,
  accepted: Map<string, Accepted>,
  boundMs: number,
): Promise<{ ms: number; drained: boolean; views: Map<string, NotificationView> }> {
  const start = Date.now();
  const views = new Map<string, NotificationView>();
  let open = [...accepted.keys()];
  for (let round = 0; round < 10_000; round++) {
    const fresh = await readViews(api, auth, open);
    for (const [id, v] of fresh) views.set(id, v);
    open = open.filter((id) => !FINAL.has(views.get(id)?.status ?? 'pending'));
    if (open.length === 0) return { ms: Date.now() - start, drained: true, views };
    if (Date.now() - start > boundMs) return { ms: Date.now() - start, drained: false, views };
    await sleep(2000);
  }
  return { ms: Date.now() - start, drained: false, views };
}

/**
 * An attempt that ended at a deadline, whoever noticed first: the sender's (`timeout`) or the SDK's
 * own HTTP timeout (axios ECONNABORTED / ETIMEDOUT, an aborted request ERR_CANCELED, node-apn's).
 */
function timedOut(data: Record<string, unknown>): boolean {
  const code = typeof data.code === 'string' || typeof data.code === 'number' ? String(data.code) : '';
  const message = typeof data.message === 'string' ? data.message : '';
  return /(^|:)(timeout|ECONNABORTED|ETIMEDOUT|ERR_CANCELED|ESOCKETTIMEDOUT)$/i.test(code) || /timeout|timed out|exceeded/i.test(message);
}

interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface Audit {
  accepted: number;
  sent: number;
  delivered: number;
  failed: Record<string, number>;
  suppressed: number;
  /** accepted, not final, nothing at the simulator; or recorded sent with nothing at the simulator */
  lost: number;
  lostIds: string[];
  /** not final after the drain bound */
  stuck: number;
  stuckIds: string[];
  /** copies at the simulator beyond one per notification and recipient */
  duplicates: number;
  /** notifications that got at least one extra copy, and the most copies any one got */
  duplicatedNotifications: number;
  maxCopies: number;
  /** recorded failed although the simulator accepted a copy */
  failedButDelivered: number;
  /** more than one NotificationSent / NotificationFailed in one stream */
  doubleOutcomes: number;
  /** attempts recorded as timed out: each may still have been delivered (part of the duplicate bound) */
  timedOutAttempts: number;
  /** ids the API could not answer for */
  unreadable: number;
  simUnmatched: number;
  simForeign: number;
}

/** Compares every accepted id's status and event stream with what the simulator received. */
export async function auditRun(api: string, auth: string, accepted: Map<string, Accepted>, views: Map<string, NotificationView>, ledger: SimLedger): Promise<Audit> {
  const a: Audit = {
    accepted: accepted.size,
    sent: 0,
    delivered: 0,
    failed: {},
    suppressed: 0,
    lost: 0,
    lostIds: [],
    stuck: 0,
    stuckIds: [],
    duplicates: 0,
    duplicatedNotifications: 0,
    maxCopies: 0,
    failedButDelivered: 0,
    doubleOutcomes: 0,
    timedOutAttempts: 0,
    unreadable: 0,
    simUnmatched: ledger.unmatched,
    simForeign: 0,
  };
  const outcomes = new Map<string, number>();
  await pool([...accepted.keys()], 8, async (id) => {
    const r = await http('GET', `${api}/v1/notifications/${id}/events`, { auth, timeoutMs: 10_000 });
    if (r.status !== 200) return;
    const events = (r.body as { events: StoredEvent[] }).events;
    outcomes.set(id, events.filter((e) => e.type === 'NotificationSent' || e.type === 'NotificationFailed').length);
    a.timedOutAttempts += events.filter((e) => (e.type === 'NotificationAttemptFailed' || e.type === 'NotificationFailed') && timedOut(e.data)).length;
  });
  for (const id of accepted.keys()) {
    const view = views.get(id);
    const copies = ledger.copies.get(id);
    const received = copies ? [...copies.values()].reduce((s, n) => s + n, 0) : 0;
    if (copies) {
      const extra = [...copies.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
      a.duplicates += extra;
      if (extra > 0) a.duplicatedNotifications += 1;
      a.maxCopies = Math.max(a.maxCopies, ...copies.values());
    }
    if ((outcomes.get(id) ?? 0) > 1) a.doubleOutcomes += 1;
    if (!view) {
      a.unreadable += 1;
      continue;
    }
    switch (view.status) {
      case 'sent':
      case 'delivered':
        if (view.status === 'sent') a.sent += 1;
        else a.delivered += 1;
        if (received === 0) {
          a.lost += 1;
          a.lostIds.push(id);
        }
        break;
      case 'failed':
        a.failed[view.reason ?? 'unknown'] = (a.failed[view.reason ?? 'unknown'] ?? 0) + 1;
        if (received > 0) a.failedButDelivered += 1;
        break;
      case 'suppressed':
        a.suppressed += 1;
        break;
      default:
        a.stuck += 1;
        a.stuckIds.push(id);
        if (received === 0) {
          a.lost += 1;
          a.lostIds.push(id);
        }
    }
  }
  for (const id of ledger.copies.keys()) if (!accepted.has(id)) a.simForeign += 1;
  return a;
}

export interface AlertTally {
  raised: number;
  resolved: number;
  /** kind subject -> raised/resolved counts */
  kinds: Map<string, { raised: number; resolved: number }>;
}

/** Alerts from the processes' logs: `ALERT kind: subject` when raised, `RESOLVED kind: subject` when cleared. */
export function alertsFromLogs(files: readonly string[]): AlertTally {
  const t: AlertTally = { raised: 0, resolved: 0, kinds: new Map() };
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('"ALERT ') && !line.includes('"RESOLVED ')) continue;
      let msg: unknown;
      try {
        msg = (JSON.parse(line) as { msg?: unknown }).msg;
      } catch {
        continue;
      }
      if (typeof msg !== 'string') continue;
      const m = /^(ALERT|RESOLVED) (.+)$/.exec(msg);
      if (!m) continue;
      const k = t.kinds.get(m[2]!) ?? { raised: 0, resolved: 0 };
      if (m[1] === 'ALERT') {
        t.raised += 1;
        k.raised += 1;
      } else {
        t.resolved += 1;
        k.resolved += 1;
      }
      t.kinds.set(m[2]!, k);
    }
  }
  return t;
}
