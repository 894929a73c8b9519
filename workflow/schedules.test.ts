import { describe, it } from 'vitest';
import { policySpecFor } from '../tests/helpers/decider.ts';
import type { ScheduleCreated, ScheduleEvent } from '../domain/events.ts';
import { occurrenceEventId } from '../domain/schedule.ts';
import { scheduleWorkflow, type ScheduleInput, type ScheduleWorkflowCommand } from './schedules.ts';

/** The schedule rules of the workflow as given (the schedule's past) / when (an input at a time) / then (what to do). */
const spec = policySpecFor(scheduleWorkflow, (state, input: ScheduleInput) => scheduleWorkflow.decide(input, state));
const schedule: ScheduleCreated['data'] = {
  scheduleId: 's-1',
  appId: 'app',
  target: { userIds: ['u1', 'u2'], single: false },
  templateId: 't',
  params: {},
  cron: '*/2 * * * * *',
  timezone: 'UTC',
  timezoneFrom: 'request',
  createdAt: '2026-01-01T00:00:00.500Z',
  firstAt: '2026-01-01T00:00:02.000Z',
};
const created: ScheduleEvent = { type: 'ScheduleCreated', data: schedule };
const occurred = (occurrence: string): ScheduleEvent => ({
  type: 'ScheduleOccurred',
  data: { scheduleId: 's-1', occurrence, eventId: occurrenceEventId('s-1', occurrence), notifications: 2, at: occurrence },
});
const first = '2026-01-01T00:00:02.000Z';
const fired = (occurrence: string, at: string): ScheduleInput => ({ type: 'ScheduleTimerFired', scheduleId: 's-1', occurrence, at });
const timer = (occurrence: string): ScheduleWorkflowCommand => ({
  type: 'SetTimer',
  key: `schedule:s-1:${occurrence}`,
  timer: { kind: 'schedule', scheduleId: 's-1', occurrence },
  dueAt: occurrence,
  appId: 'app',
  channel: 'inapp',
});
const fire = (occurrence: string, at: string, skippedBefore?: string): ScheduleWorkflowCommand => ({
  type: 'FireOccurrence',
  schedule,
  occurrence,
  ...(skippedBefore && { skippedBefore }),
  at,
});

describe('workflow: recurring schedules', () => {
  it('a created schedule gets a timer at its first occurrence', () =>
    spec
      .given([])
      .when({ type: 'ScheduleCreated', data: schedule, at: '2026-01-01T00:00:00.600Z' })
      .then([timer('2026-01-01T00:00:02.000Z')]));

  it('the timer fires its occurrence, then sets the next', () =>
    spec
      .given([created])
      .when(fired('2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.050Z'))
      .then([fire('2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.050Z'), timer('2026-01-01T00:00:04.000Z')]));

  it('the same timer again after its step was done (a crash before its removal, a standby taking over): nothing fired twice, the same next timer', () =>
    spec
      .given([created, occurred('2026-01-01T00:00:02.000Z')])
      .when(fired('2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.900Z'))
      .then([timer('2026-01-01T00:00:04.000Z')]));

  it('late after downtime: every occurrence missed since the last one done, oldest first, none skipped', () =>
    spec
      .given([created, occurred(first)])
      .when(fired('2026-01-01T00:00:04.000Z', '2026-01-01T00:00:09.000Z'))
      .then([
        fire('2026-01-01T00:00:04.000Z', '2026-01-01T00:00:09.000Z'),
        fire('2026-01-01T00:00:06.000Z', '2026-01-01T00:00:09.000Z'),
        fire('2026-01-01T00:00:08.000Z', '2026-01-01T00:00:09.000Z'),
        timer('2026-01-01T00:00:10.000Z'),
      ]));

  it('down for longer than the catch-up bound: the 10 most recent fire, the first of them says what was skipped', () => {
    const at = '2026-01-01T00:00:59.000Z';
    const recent = [40, 42, 44, 46, 48, 50, 52, 54, 56, 58].map((s) => `2026-01-01T00:00:${s}.000Z`);
    spec
      .given([created, occurred(first)])
      .when(fired('2026-01-01T00:00:04.000Z', at))
      .then([...recent.map((o, i) => fire(o, at, i === 0 ? o : undefined)), timer('2026-01-01T00:01:00.000Z')]);
  });

  it('a deleted schedule fires nothing and sets no timer', () =>
    spec
      .given([created, { type: 'ScheduleDeleted', data: { scheduleId: 's-1', appId: 'app', at: '2026-01-01T00:00:03.000Z' } }])
      .when(fired('2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.010Z'))
      .then([]));

  it('a timer whose schedule is not in the log (nothing to read) does nothing', () => spec.given([]).when(fired('2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.010Z')).then([]));
});
