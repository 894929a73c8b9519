import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, revokeApp } from '../../commands/apps.ts';
import type { CommandContext } from '../../commands/context.ts';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { createSchedule, deleteSchedule } from '../../commands/schedules.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { upsertUser } from '../../commands/users.ts';
import type { ScheduleEvent } from '../../domain/events.ts';
import { notificationId, streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import type { ScheduleStore } from '../../infra/scheduleStore.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../../workflow/runner.ts';
import { waitFor } from '../helpers/rabbit.ts';
import { openStore, tempDir } from './world.ts';

/**
 * Recurring schedules in the workflow runner, on a real log and timer file and a clock the test
 * moves: a restart after downtime catches every missed occurrence once, and a crash between an
 * occurrence's request and its ScheduleOccurred repeats the request without a second notification,
 * and a revoked app's or a deleted schedule goes quiet.
 */
let dir: string;
let store: EventStore;
const opened: Array<{ close(): Promise<void> }> = [];
const running: WorkflowRunner[] = [];
// A round minute, so occurrences every 10 s fall on t0 + 10 k.
const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 600_000);
let clock = t0.getTime();
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const ctx = (now = t0): CommandContext => ({ appId: 'app', requestId: 'req', now });
const ID_KEY = 'schedule-runner-test-key';

function openState(): ScheduleStore {
  const state = createSqliteScheduleStore(path.join(dir, 'workflow.sqlite'), 'workflow');
  opened.push(state);
  return state;
}
async function startRunner(eventStore: EventStore = store): Promise<WorkflowRunner> {
  const runner = createWorkflowRunner({
    eventStore,
    state: openState(),
    logger: silentLogger,
    timerTickMs: 30,
    checkpointFlushMs: 30,
    now: () => new Date(clock),
    notify: { idKey: ID_KEY, rateCounter: createRateCounter(), rateLimits: parseRateLimits(undefined) },
  });
  running.push(runner);
  await runner.start();
  return runner;
}
async function stopAll(): Promise<void> {
  for (const r of running.splice(0)) await r.stop();
  for (const s of opened.splice(0)) await s.close();
}
const occurrences = async (id: string) =>
  (await store.readStream(streams.schedule(id))).flatMap((e) =>
    (e as unknown as ScheduleEvent).type === 'ScheduleOccurred' ? [(e as unknown as Extract<ScheduleEvent, { type: 'ScheduleOccurred' }>).data.occurrence] : [],
  );
const iso = (seconds: number) => at(seconds).toISOString();
const notificationOf = (scheduleId: string, seconds: number) => notificationId(ID_KEY, 'app', `${scheduleId}:${iso(seconds)}`, 'u', 'email');

beforeEach(async () => {
  dir = tempDir('schedrunner');
  store = openStore(dir);
  clock = at(1).getTime();
  await publishTemplate(store, ctx(), 't', { email: { subject: 'E {{ n }}', html: '<p>x</p>' } });
  await upsertUser(store, ctx(), 'u', { email: 'u@example.com' });
});
afterEach(async () => {
  await stopAll();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('recurring schedules in the workflow runner', () => {
  it('fires each occurrence as the clock passes it; down for three occurrences, it fires those three once on restart', async () => {
    const { id, nextAt } = await createSchedule(store, ctx(at(1)), {
      target: { userIds: ['u'], single: true },
      templateId: 't',
      params: { n: 1 },
      cron: '*/10 * * * * *',
      timezone: 'UTC',
    });
    expect(nextAt).toBe(iso(10));
    await startRunner();
    clock = at(10).getTime();
    await waitFor(async () => (await occurrences(id)).length === 1, 10_000, 'the first occurrence');
    clock = at(20).getTime();
    await waitFor(async () => (await occurrences(id)).length === 2, 10_000, 'the second occurrence');
    await stopAll();

    clock = at(51).getTime();
    await startRunner();
    await waitFor(async () => (await occurrences(id)).length === 5, 10_000, 'the missed ones');
    // Ticks go on at the same clock: nothing more comes due, nothing fires again.
    await new Promise((r) => setTimeout(r, 300));
    expect(await occurrences(id)).toEqual([10, 20, 30, 40, 50].map(iso));
    for (const s of [10, 20, 30, 40, 50]) {
      const events = await store.readStream(streams.notification(notificationOf(id, s)));
      expect(events.map((e) => e.type)).toEqual(['NotificationRequested']);
      expect(events[0]!.data).toMatchObject({ eventId: `${id}:${iso(s)}`, scheduledBy: { scheduleId: id, occurrence: iso(s) } });
    }
  });

  it('a crash after the request and before ScheduleOccurred: the timer runs again, the request is absorbed, the occurrence recorded once', async () => {
    const { id } = await createSchedule(store, ctx(at(1)), {
      target: { userIds: ['u'], single: true },
      templateId: 't',
      params: { n: 1 },
      cron: '*/10 * * * * *',
      timezone: 'UTC',
    });
    // The first ScheduleOccurred append fails, as a process dying right there would leave it.
    let failures = 1;
    const crashing: EventStore = {
      ...store,
      append: async (stream, events, expected) => {
        if (stream === streams.schedule(id) && events.some((e) => e.type === 'ScheduleOccurred') && failures-- > 0) throw new Error('crash before ScheduleOccurred');
        return store.append(stream, events, expected);
      },
    };
    await startRunner(crashing);
    clock = at(10).getTime();
    await waitFor(async () => (await occurrences(id)).length === 1, 10_000, 'the occurrence recorded after the retry');
    expect(failures).toBe(-1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await occurrences(id)).toEqual([iso(10)]);
    expect((await store.readStream(streams.notification(notificationOf(id, 10)))).map((e) => e.type)).toEqual(['NotificationRequested']);
  });

  it("a revoked app's schedule goes quiet: the occurrence is recorded as refused, no notification made", async () => {
    const app = await createApp(store, 'revoked-later');
    const mine = (now = at(1)): CommandContext => ({ appId: app.appKey, requestId: 'req', now });
    await publishTemplate(store, mine(), 't', { email: { subject: 'E', html: '<p>x</p>' } });
    await upsertUser(store, mine(), 'u', { email: 'u@example.com' });
    const { id } = await createSchedule(store, mine(), { target: { userIds: ['u'], single: true }, templateId: 't', params: {}, cron: '*/10 * * * * *', timezone: 'UTC' });
    await startRunner();
    clock = at(10).getTime();
    await waitFor(async () => (await occurrences(id)).length === 1, 10_000, 'the first occurrence');
    await revokeApp(store, app.appKey);
    clock = at(20).getTime();
    await waitFor(async () => (await occurrences(id)).length === 2, 10_000, 'the second occurrence');
    const recorded = (await store.readStream(streams.schedule(id))).map((e) => e.data as { refused?: { code: string }; notifications?: number });
    expect(recorded.slice(1).map((d) => [d.notifications, d.refused?.code])).toEqual([
      [1, undefined],
      [0, 'app_revoked'],
    ]);
    expect(await store.readStream(streams.notification(notificationId(ID_KEY, app.appKey, `${id}:${iso(20)}`, 'u', 'email')))).toEqual([]);
  });

  it('a deleted schedule stops: its pending timer fires nothing', async () => {
    const { id } = await createSchedule(store, ctx(at(1)), {
      target: { userIds: ['u'], single: true },
      templateId: 't',
      params: { n: 1 },
      cron: '*/10 * * * * *',
      timezone: 'UTC',
    });
    const runner = await startRunner();
    await waitFor(async () => runner.stats().timersSet === 1, 10_000, 'the first timer');
    expect(await deleteSchedule(store, ctx(at(5)), id)).toBe(true);
    clock = at(30).getTime();
    await waitFor(async () => runner.stats().timersFired >= 1, 10_000, 'the timer run');
    await new Promise((r) => setTimeout(r, 200));
    expect(await occurrences(id)).toEqual([]);
    expect(runner.stats()).toMatchObject({ occurrencesFired: 0, timersSet: 1 });
  });
});
