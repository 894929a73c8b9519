import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchedule, deleteSchedule } from '../../commands/schedules.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { upsertUser } from '../../commands/users.ts';
import type { ScheduleEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import { startWorkflowRole } from '../../workflow/role.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/rabbit.ts';

/**
 * A recurring schedule on PostgreSQL with two workflow processes: the active one fires it, stops,
 * and the standby takes over from the shared timers and the log. Between them every occurrence is
 * fired once: consecutive occurrences are one period apart, each made one notification.
 */
describe('recurring schedule across a standby takeover (PostgreSQL)', () => {
  let db: TestDatabase | undefined;
  let dir: string | undefined;
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every 2 s: the standby continues where the active one stopped, nothing twice, nothing skipped', async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-sched-takeover-'));
    const config = { databaseUrl: db.url, dataDir: dir, notifyIdKey: 'takeover-key' };
    const store: EventStore = await createEventStore(config);
    stops.push(() => store.close());
    const ctx = () => ({ appId: 'app', requestId: 'req', now: new Date() });
    await publishTemplate(store, ctx(), 't', { email: { subject: 'S', html: '<p>x</p>' } });
    await upsertUser(store, ctx(), 'u', { email: 'u@example.com' });
    const role = () => startWorkflowRole({ config, eventStore: store, metrics: createMetrics(), logger: silentLogger, timerTickMs: 100, leaderPollMs: 100 });
    const active = await role();
    stops.push(() => active.stop());
    const standby = await role();
    stops.push(() => standby.stop());
    expect(active.workflow()).toBeDefined();
    expect(standby.workflow()).toBeUndefined();

    const { id } = await createSchedule(store, ctx(), { target: { userIds: ['u'], single: true }, templateId: 't', params: {}, cron: '*/2 * * * * *', timezone: 'UTC' });
    const occurred = async () =>
      (await store.readStream(streams.schedule(id))).flatMap((e) => {
        const ev = e as unknown as ScheduleEvent;
        return ev.type === 'ScheduleOccurred' ? [ev.data] : [];
      });
    await waitFor(async () => (await occurred()).length >= 2, 20_000, 'two occurrences on the active process');
    await active.stop();
    const byActive = (await occurred()).length;
    await waitFor(() => standby.workflow() !== undefined, 10_000, 'the standby to take over');
    await waitFor(async () => (await occurred()).length >= byActive + 2, 20_000, 'two occurrences on the standby');
    await deleteSchedule(store, ctx(), id);

    const all = await occurred();
    const times = all.map((o) => Date.parse(o.occurrence));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(2_000);
    expect(all.every((o) => o.notifications === 1 && o.eventId === `${id}:${o.occurrence}`)).toBe(true);
    expect(standby.workflow()!.stats().occurrencesFired).toBeGreaterThanOrEqual(2);
  });
});
