import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextOccurrence } from './cron.ts';
import { specFor } from '../tests/helpers/decider.ts';
import type { ScheduleCreated, ScheduleEvent } from './events.ts';
import { dueOccurrences, occurrenceEventId, scheduleDecider } from './schedule.ts';

const spec = specFor(scheduleDecider);
const created: ScheduleCreated['data'] = {
  scheduleId: 's-1',
  appId: 'app',
  target: { userIds: ['u'], single: true },
  templateId: 't',
  params: { n: 1 },
  cron: '0 9 * * *',
  timezone: 'Europe/Berlin',
  timezoneFrom: 'request',
  createdAt: '2026-01-01T10:00:00.000Z',
  firstAt: '2026-01-02T08:00:00.000Z',
};
const wasCreated: ScheduleEvent = { type: 'ScheduleCreated', data: created };
const occurred = (occurrence: string): ScheduleEvent => ({
  type: 'ScheduleOccurred',
  data: { scheduleId: 's-1', occurrence, eventId: occurrenceEventId('s-1', occurrence), notifications: 1, at: occurrence },
});
const deleted: ScheduleEvent = { type: 'ScheduleDeleted', data: { scheduleId: 's-1', appId: 'app', at: '2026-01-03T00:00:00.000Z' } };
const record = (occurrence: string) => ({ type: 'RecordOccurrence' as const, data: (occurred(occurrence) as Extract<ScheduleEvent, { type: 'ScheduleOccurred' }>).data });

describe('schedule decider', () => {
  it('creates a schedule once', () => {
    spec.given([]).when({ type: 'CreateSchedule', data: created }).then([wasCreated]);
    spec.given([wasCreated]).when({ type: 'CreateSchedule', data: created }).thenThrows('already_exists');
  });
  it('records an occurrence after the last one; the same or an earlier one again adds nothing (a repeated firing)', () => {
    spec
      .given([wasCreated])
      .when(record('2026-01-02T08:00:00.000Z'))
      .then([occurred('2026-01-02T08:00:00.000Z')]);
    spec
      .given([wasCreated, occurred('2026-01-02T08:00:00.000Z')])
      .when(record('2026-01-02T08:00:00.000Z'))
      .then([]);
    spec
      .given([wasCreated, occurred('2026-01-03T08:00:00.000Z')])
      .when(record('2026-01-02T08:00:00.000Z'))
      .then([]);
    spec
      .given([wasCreated, occurred('2026-01-02T08:00:00.000Z')])
      .when(record('2026-01-03T08:00:00.000Z'))
      .then([occurred('2026-01-03T08:00:00.000Z')]);
  });
  it('a deleted schedule records no occurrence (one being fired when DELETE lands is not recorded)', () =>
    spec.given([wasCreated, deleted]).when(record('2026-01-04T08:00:00.000Z')).then([]));
  it('deletes once per app: again adds nothing; another app, or no schedule, is refused', () => {
    const del = (appId: string) => ({ type: 'DeleteSchedule' as const, data: { scheduleId: 's-1', appId, at: '2026-01-03T00:00:00.000Z' } });
    spec.given([wasCreated]).when(del('app')).then([deleted]);
    spec.given([wasCreated, deleted]).when(del('app')).then([]);
    spec.given([wasCreated]).when(del('other')).thenThrows('invalid_state');
    spec.given([]).when(del('app')).thenThrows('invalid_state');
  });
});

describe('due occurrences and the bounded catch-up', () => {
  const every2s = { cron: '*/2 * * * * *', timezone: 'UTC' };
  const at = (s: string) => new Date(s);
  it('fires what came due since the last one, oldest first, and names the next', () => {
    expect(dueOccurrences(every2s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:05Z'))).toEqual({
      fire: [at('2026-01-01T00:00:02Z'), at('2026-01-01T00:00:04Z')],
      next: at('2026-01-01T00:00:06Z'),
    });
  });
  it('nothing due: nothing fired, the next still named', () =>
    expect(dueOccurrences(every2s, at('2026-01-01T00:00:04Z'), at('2026-01-01T00:00:05Z'))).toEqual({ fire: [], next: at('2026-01-01T00:00:06Z') }));
  it('after downtime: at most `max`, the most recent, and says what was skipped', () => {
    const due = dueOccurrences(every2s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:01:00Z'), { windowMs: 3_600_000, max: 3 });
    expect(due.fire).toEqual([at('2026-01-01T00:00:56Z'), at('2026-01-01T00:00:58Z'), at('2026-01-01T00:01:00Z')]);
    expect(due.skippedBefore).toEqual(at('2026-01-01T00:00:56Z'));
  });
  it('after downtime: only occurrences within the window; older ones skipped', () => {
    const daily = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
    // Down from 07:00 to 10:30 Berlin: 09:00 is 1.5 h late, outside a one-hour window.
    expect(dueOccurrences(daily, at('2026-01-05T06:00:00Z'), at('2026-01-05T09:30:00Z'))).toEqual({
      fire: [],
      skippedBefore: at('2026-01-05T09:30:00Z'),
      next: at('2026-01-06T08:00:00Z'),
    });
    // Down until 09:45 Berlin: 45 minutes late, fired.
    expect(dueOccurrences(daily, at('2026-01-05T06:00:00Z'), at('2026-01-05T08:45:00Z')).fire).toEqual([at('2026-01-05T08:00:00Z')]);
  });
  it("a yearly cron names next year's occurrence", () =>
    expect(dueOccurrences({ cron: '0 0 1 1 *', timezone: 'UTC' }, at('2026-06-01T00:00:00Z'), at('2026-06-01T00:00:01Z'))).toEqual({ fire: [], next: at('2027-01-01T00:00:00Z') }));
});

describe('due occurrences: a property against walking forward', () => {
  it('fires exactly the occurrences in (after, now] that are within the window, the latest `max` of them, and says when it left any out', () => {
    const base = Date.parse('2026-10-24T22:00:00Z'); // the Berlin fall-back night is 3 hours later
    fc.assert(
      fc.property(
        fc.constantFrom('*/7 * * * * *', '*/30 * * * *', '0 */20 * * * *', '30 2 * * *', '15 * * * *', '*/10 * 2 * * *'),
        fc.constantFrom('UTC', 'Europe/Berlin'),
        fc.integer({ min: 0, max: 6 * 3_600_000 }),
        fc.integer({ min: 0, max: 3 * 3_600_000 }),
        fc.record({ windowMs: fc.integer({ min: 60_000, max: 7_200_000 }), max: fc.integer({ min: 1, max: 12 }) }),
        (cron, timezone, afterOffset, downMs, bound) => {
          const spec = { cron, timezone };
          const after = new Date(base + afterOffset);
          const now = new Date(after.getTime() + downMs);
          const all: Date[] = [];
          for (let d = nextOccurrence(spec, after); d && d <= now; d = nextOccurrence(spec, d)) all.push(d);
          const inWindow = all.filter((d) => d.getTime() > now.getTime() - bound.windowMs);
          const expected = inWindow.slice(-bound.max);
          const due = dueOccurrences(spec, after, now, bound);
          expect(due.fire).toEqual(expected);
          expect(due.skippedBefore !== undefined).toBe(expected.length < all.length);
          expect(due.next).toEqual(nextOccurrence(spec, now));
        },
      ),
      { numRuns: 150 },
    );
  });
});
