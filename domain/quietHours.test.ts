import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quietHoursRelease } from './quietHours.ts';

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
const hhmm = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

function localMinutes(instant: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return get('hour') * 60 + get('minute');
}
const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
const inside = (m: number, start: number, end: number) => (start < end ? m >= start && m < end : m >= start || m < end);

describe('quietHoursRelease', () => {
  it('examples: wrapping midnight, same-day window, DST gap', () => {
    const q = { start: '22:00', end: '07:00' };
    expect(quietHoursRelease(new Date('2026-01-10T23:30:00Z'), q, 'Europe/Paris')?.toISOString()).toBe('2026-01-11T06:00:00.000Z');
    expect(quietHoursRelease(new Date('2026-01-10T02:30:00Z'), q, 'Europe/Paris')?.toISOString()).toBe('2026-01-10T06:00:00.000Z');
    expect(quietHoursRelease(new Date('2026-01-10T12:30:00Z'), q, 'Europe/Paris')).toBeUndefined();
    expect(quietHoursRelease(new Date('2026-01-10T13:00:00Z'), { start: '12:00', end: '14:00' }, 'UTC')?.toISOString()).toBe('2026-01-10T14:00:00.000Z');
    // 02:30 does not exist in New York on 2026-03-08: the window ends at the first instant after it.
    expect(quietHoursRelease(new Date('2026-03-08T06:30:00Z'), { start: '01:00', end: '02:30' }, 'America/New_York')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('defers exactly the instants inside the window, to a later instant outside it, within a day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), hhmm, hhmm, fc.constantFrom(...ZONES), (due, start, end, tz) => {
        fc.pre(start !== end);
        const release = quietHoursRelease(due, { start, end }, tz);
        const local = localMinutes(due, tz);
        if (!inside(local, toMin(start), toMin(end))) {
          expect(release).toBeUndefined();
          return;
        }
        expect(release).toBeDefined();
        expect(release!.getTime()).toBeGreaterThan(due.getTime());
        expect(release!.getTime() - due.getTime()).toBeLessThanOrEqual(26 * 3_600_000);
        expect(inside(localMinutes(release!, tz), toMin(start), toMin(end))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
