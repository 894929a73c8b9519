import fc from 'fast-check';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { checkCron, nextOccurrence, previousOccurrence, repeatsEarlierWallTime, secondPass, type CronSpec } from './cron.ts';

/** The next `n` occurrences after `from`, as ISO strings. */
function runs(cron: string, timezone: string, from: string, n: number): string[] {
  const out: string[] = [];
  let d: Date | undefined = new Date(from);
  while (out.length < n && (d = nextOccurrence({ cron, timezone }, d))) out.push(d.toISOString());
  return out;
}

/** Local wall-clock "YYYY-MM-DD HH:MM:SS" of an instant in a zone. */
const local = (iso: string, timeZone: string) => new Date(iso).toLocaleString('sv-SE', { timeZone });

describe('cron: the DST rule (skipped local times are skipped, repeated ones fire once)', () => {
  // Europe/Berlin 2026: clocks go 02:00 -> 03:00 on 29 March (01:00Z), 03:00 -> 02:00 on 25 October (01:00Z).
  it('Berlin spring forward: a daily 02:30 does not fire on the day 02:30 does not exist (croner alone runs it at 03:00)', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-03-27T00:00:00Z', 3)).toEqual(['2026-03-27T01:30:00.000Z', '2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    // What croner itself does there (so this test notices if croner ever changes and the wrapper is no longer needed).
    expect(new Cron('30 2 * * *', { timezone: 'Europe/Berlin', paused: true }).nextRun(new Date('2026-03-28T02:00:00Z'))?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
  it('Berlin fall back: a daily 02:30 fires once, on the first (summer-time) pass', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
  it('Berlin fall back: an every-30-minutes schedule fires 02:00 and 02:30 once each (croner alone fires both passes)', () => {
    const got = runs('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:45:00Z', 5);
    expect(got).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T02:30:00.000Z', '2026-10-25T03:00:00.000Z']);
    expect(got.map((d) => local(d, 'Europe/Berlin').slice(11))).toEqual(['02:00:00', '02:30:00', '03:00:00', '03:30:00', '04:00:00']);
    expect(new Cron('*/30 * * * *', { timezone: 'Europe/Berlin', paused: true }).nextRuns(3, new Date('2026-10-25T00:45:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });
  it('Berlin spring forward: an every-30-minutes schedule has no 02:00 or 02:30 that night', () => {
    const got = runs('*/30 * * * *', 'Europe/Berlin', '2026-03-29T00:15:00Z', 3);
    expect(got.map((d) => local(d, 'Europe/Berlin').slice(11))).toEqual(['01:30:00', '03:00:00', '03:30:00']);
  });
  // America/New_York 2026: 02:00 -> 03:00 on 8 March (07:00Z), 02:00 -> 01:00 on 1 November (06:00Z).
  it('New York spring forward: 02:30 daily skips 8 March; "02:00 and 03:00" fires 03:00 once that day', () => {
    expect(runs('30 2 * * *', 'America/New_York', '2026-03-07T00:00:00Z', 2)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(runs('0 2,3 * * *', 'America/New_York', '2026-03-08T00:00:00Z', 3)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:00:00.000Z', '2026-03-09T07:00:00.000Z']);
  });
  it('New York fall back: 01:30 daily fires once on 1 November (EDT), hourly at :15 has one 01:15', () => {
    expect(runs('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    const hourly = runs('15 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', 4);
    expect(hourly.map((d) => local(d, 'America/New_York').slice(11))).toEqual(['00:15:00', '01:15:00', '02:15:00', '03:15:00']);
  });
  it('a second pass is skipped whole: every second of 02:xx in Berlin goes from 02:59:59 summer time to 02:00:00 the next day, both ways', () => {
    expect(runs('* * 2 * * *', 'Europe/Berlin', '2026-10-25T00:59:58Z', 2)).toEqual(['2026-10-25T00:59:59.000Z', '2026-10-26T01:00:00.000Z']);
    expect(previousOccurrence({ cron: '* * 2 * * *', timezone: 'Europe/Berlin' }, new Date('2026-10-26T01:00:00Z'))?.toISOString()).toBe('2026-10-25T00:59:59.000Z');
    expect(previousOccurrence({ cron: '*/30 * * * *', timezone: 'Europe/Berlin' }, new Date('2026-10-25T02:00:00Z'))?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(secondPass(new Date('2026-10-25T01:17:00Z'), 'Europe/Berlin')).toEqual({ start: Date.parse('2026-10-25T01:00:00Z'), end: Date.parse('2026-10-25T02:00:00Z') });
    expect(secondPass(new Date('2026-10-25T00:17:00Z'), 'Europe/Berlin')).toBeUndefined();
  });
  it('seconds come first in the 6-field form', () => {
    expect(runs('*/2 * * * * *', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:00:02.000Z', '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:06.000Z']);
    expect(runs('15 30 9 * * *', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-01T09:30:15.000Z']);
  });
});

describe('cron: properties over zones with DST', () => {
  // Each zone with its 2026 transitions (Lord Howe shifts by 30 minutes; Santiago's happen at local midnight).
  const transitions: Record<string, string[]> = {
    'Europe/Berlin': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
    'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
    'Australia/Lord_Howe': ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z'],
    'America/Santiago': ['2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z'],
  };
  const patterns = ['*/30 * * * *', '*/20 * 2 * * *', '30 2 * * *', '0 1,2,3 * * *', '15 * * * *', '0 */2 * * *', '45 1 * * SUN', '0 0 * * *', '*/10 0-3 * * *'];
  // Starting up to 20 hours before a transition, so the 30 occurrences looked at usually cross it.
  const arb = fc
    .record({ zone: fc.constantFrom(...Object.keys(transitions)), which: fc.nat(1), cron: fc.constantFrom(...patterns), before: fc.integer({ min: 0, max: 20 * 3_600_000 }) })
    .map(({ zone, which, cron, before }) => ({ zone, cron, from: Date.parse(transitions[zone]![which]!) - before }));
  it('no two occurrences share a local wall-clock time, and each matches the pattern at its local time', () => {
    fc.assert(
      fc.property(arb, ({ zone, cron, from }) => {
        const spec: CronSpec = { cron, timezone: zone };
        const got = runs(cron, zone, new Date(from).toISOString(), 30);
        expect(new Set(got.map((d) => local(d, zone))).size).toBe(got.length);
        const job = new Cron(cron, { timezone: zone, paused: true });
        for (const d of got) {
          expect(job.match(new Date(d))).toBe(true);
          expect(repeatsEarlierWallTime(new Date(d), spec.timezone)).toBe(false);
        }
        // Strictly increasing.
        for (let i = 1; i < got.length; i++) expect(Date.parse(got[i]!)).toBeGreaterThan(Date.parse(got[i - 1]!));
      }),
      { numRuns: 200 },
    );
  });
});

describe('cron: what is refused', () => {
  it('names the field', () => {
    expect(checkCron({ cron: '*/5 * * * *', timezone: 'Europe/Berlin' })).toEqual({ ok: true });
    expect(checkCron({ cron: '*/2 * * * * *', timezone: 'UTC' })).toEqual({ ok: true });
    for (const cron of ['* * * *', '0 0 1 1 * 2030', '1 2 3 4 5 6 7', '@daily', '61 * * * *', 'x y z a b']) {
      expect(checkCron({ cron, timezone: 'UTC' })).toMatchObject({ ok: false, field: 'cron' });
    }
    expect(checkCron({ cron: '* * * * *', timezone: 'Mars/Olympus' })).toMatchObject({ ok: false, field: 'timezone' });
  });
});
