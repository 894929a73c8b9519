import { Cron } from 'croner';
import { offsetAt } from './quietHours.ts';

/**
 * Recurring times: a cron expression read in an IANA time zone. Croner parses and steps; this
 * module adds the daylight-saving rule Knock documents for its schedules, which croner does not
 * follow for every pattern (it follows Vixie cron: a fixed-time job in a DST gap runs after the
 * gap, an interval job runs on both passes of a repeated hour):
 * - a local time that does not exist (spring forward) is skipped: no run that day;
 * - a local time that happens twice (fall back) fires once, on its first pass.
 * Both are filters over croner's answers, so every pattern, fixed-time or interval, obeys them.
 *
 * Form: 5 fields `minute hour day-of-month month day-of-week`, or 6 with the seconds first
 * `second minute hour day-of-month month day-of-week` (croner's 6-field reading). Nicknames
 * (`@daily`) and croner's 7-field year form are refused: the contract says 5 or 6 fields.
 */
export interface CronSpec {
  cron: string;
  timezone: string;
}

export type CronCheck = { ok: true } | { ok: false; field: 'cron' | 'timezone'; message: string };

/** Steps a search may take over times the DST rule throws away before it gives up (one a day at most for real zones). */
const MAX_FILTERED = 1000;

const compiled = new Map<string, Cron>();
function jobOf(spec: CronSpec): Cron {
  const key = `${spec.timezone}\u0000${spec.cron}`;
  let job = compiled.get(key);
  if (!job) {
    // paused and without a callback: croner only computes, it never starts a timer.
    job = new Cron(spec.cron, { timezone: spec.timezone, paused: true });
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(key, job);
  }
  return job;
}

/** Why a cron or time zone is refused, naming the field; ok when `nextOccurrence` can step it. */
export function checkCron(spec: CronSpec): CronCheck {
  const fields = spec.cron.trim().split(/\s+/);
  if (spec.cron.length > 200 || fields.length < 5 || fields.length > 6 || spec.cron.includes('@')) {
    return {
      ok: false,
      field: 'cron',
      message: 'must be 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first (second minute hour day-of-month month day-of-week)',
    };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: spec.timezone });
  } catch {
    return { ok: false, field: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin' };
  }
  try {
    jobOf(spec);
  } catch (e) {
    return { ok: false, field: 'cron', message: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true };
}

/**
 * When the wall-clock time of `at` already happened earlier (the second pass of a fall-back hour):
 * that second pass, [start, end). An earlier instant, one DST shift before, read the same on the
 * local clock.
 */
export function secondPass(at: Date, timezone: string): { start: number; end: number } | undefined {
  const t = at.getTime();
  const offset = offsetAt(t, timezone);
  // The clocks went back by `shift` within the last hours (real shifts are at most two hours).
  const shift = offsetAt(t - 3 * 3_600_000, timezone) - offset;
  if (!(shift > 0 && offsetAt(t - shift, timezone) === offset + shift)) return undefined;
  // They went back at a whole second in (t - shift, t]: found by bisection, to the second.
  let lo = t - shift;
  let hi = t;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timezone) === offset) hi = mid;
    else lo = mid;
  }
  return { start: hi, end: hi + shift };
}

export const repeatsEarlierWallTime = (at: Date, timezone: string): boolean => secondPass(at, timezone) !== undefined;

/** The first occurrence strictly after `after`, under the DST rule above; undefined when the pattern never fires again. */
export function nextOccurrence(spec: CronSpec, after: Date): Date | undefined {
  const job = jobOf(spec);
  let cursor = after;
  for (let i = 0; i < MAX_FILTERED; i++) {
    const next = job.nextRun(cursor);
    if (!next) return undefined;
    // croner moves a fixed time that falls in a gap to just after it: the pattern does not match there.
    if (!job.match(next)) {
      cursor = next;
      continue;
    }
    // A second pass is skipped whole (an every-second pattern would otherwise take 3,600 steps).
    const pass = secondPass(next, spec.timezone);
    if (!pass) return next;
    cursor = new Date(pass.end - 1);
  }
  return undefined;
}

/** The latest occurrence strictly before `before`, under the same DST rule; undefined when there is none. */
export function previousOccurrence(spec: CronSpec, before: Date): Date | undefined {
  const job = jobOf(spec);
  let cursor = before;
  for (let i = 0; i < MAX_FILTERED; i++) {
    const prev = job.previousRuns(1, cursor)[0];
    if (!prev) return undefined;
    if (!job.match(prev)) {
      cursor = prev;
      continue;
    }
    const pass = secondPass(prev, spec.timezone);
    if (!pass) return prev;
    cursor = new Date(pass.start);
  }
  return undefined;
}
