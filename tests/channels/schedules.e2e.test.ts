import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { SimMessage } from '../../simulator/index.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * Recurring schedules end to end: POST /v1/schedules -> log -> workflow timers -> notification
 * requests -> dispatcher -> RabbitMQ -> senders -> the simulator, with the workflow stopped for a
 * while in between (a restart must neither repeat nor lose an occurrence) and DELETE stopping it.
 */
let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-schedules', { env: { DISPATCHER_SCHEDULE_TICK_MS: '100' } });
  t = platform.sim;
  api = platform.api;
  expect((await api.call('PUT', '/v1/templates/tick', { email: { subject: 'Tick {{ n }}', html: '<p>{{ n }}</p>' } })).status).toBe(200);
});

afterAll(async () => {
  await platform?.stop();
});

const occurrencesOf = async (id: string) =>
  (await api.store.readStream(streams.schedule(id))).flatMap((e) => {
    const ev = e as unknown as ScheduleEvent;
    return ev.type === 'ScheduleOccurred' ? [ev.data] : [];
  });
const emailsTo = async (recipient: string, since: number) => (await t.messages('email', since)).messages.filter((m: SimMessage) => m.recipient === recipient);
const notificationIdOf = (m: SimMessage) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId;

describe('a recurring schedule, end to end', () => {
  it('every 2 s (seconds field first): 2+ occurrences delivered, a restart with downtime neither repeats nor skips one, DELETE stops it', async () => {
    const to = 'sched@example.com';
    await api.call('PUT', '/v1/users/sched-u', { email: to });
    const { last } = await t.messages();
    const created = await api.call('POST', '/v1/schedules', { userId: 'sched-u', templateId: 'tick', params: { n: 'x' }, cron: '*/2 * * * * *', timezone: 'UTC' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(new Date(created.body.nextAt as string).getUTCSeconds() % 2).toBe(0);

    await waitFor('two occurrences delivered', async () => ((await emailsTo(to, last)).length >= 2 ? true : undefined));
    // Down for 5 s: two or three occurrences come due while no workflow runs.
    await platform!.restartWorkflow(5_000);
    const beforeRestart = (await occurrencesOf(id)).length;
    await waitFor('occurrences after the restart', async () => ((await occurrencesOf(id)).length >= beforeRestart + 4 ? true : undefined));

    expect((await api.call('DELETE', `/v1/schedules/${id}`)).status).toBe(204);
    const atDelete = await occurrencesOf(id);
    // Two and a half periods: a running schedule would deliver two more.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await occurrencesOf(id)).toHaveLength(atDelete.length);
    expect((await api.call('GET', `/v1/schedules/${id}`)).status).toBe(404);

    // No occurrence skipped: consecutive occurrences are 2 s apart, across the restart too.
    const times = atDelete.map((o) => Date.parse(o.occurrence));
    expect(times.length).toBeGreaterThanOrEqual(beforeRestart + 4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(2_000);
    expect(atDelete.every((o) => o.eventId === `${id}:${o.occurrence}` && o.notifications === 1 && o.refused === undefined && o.skippedBefore === undefined)).toBe(true);
    // None twice: one email per occurrence, each a different notification. One occurrence being
    // fired while DELETE landed may be delivered without being recorded; none after it.
    const mails = await waitFor('every occurrence delivered', async () => {
      const got = await emailsTo(to, last);
      return got.length >= atDelete.length ? got : undefined;
    });
    expect(mails.length).toBeLessThanOrEqual(atDelete.length + 1);
    expect(new Set(mails.map(notificationIdOf)).size).toBe(mails.length);

    // why names the schedule and the occurrence.
    const first = atDelete[0]!;
    const ofEvent = await api.call('GET', `/v1/why?userId=sched-u&eventId=${encodeURIComponent(first.eventId)}`);
    const nid = ofEvent.body.notifications[0].id as string;
    const why = await api.call('GET', `/v1/notifications/${nid}/why`);
    expect(why.status).toBe(200);
    const reason = (why.body.decision.reasons as Array<{ check: string; facts?: Record<string, unknown> }>).find((r) => r.check === 'recurring_schedule');
    expect(reason?.facts).toEqual({ scheduleId: id, occurrence: first.occurrence, cron: '*/2 * * * * *', timezone: 'UTC' });
  });

  it('a topic schedule: each occurrence reaches every subscriber of the moment once, named by its occurrence', async () => {
    const users = ['topic-s-1', 'topic-s-2'];
    for (const u of users) await api.call('PUT', `/v1/users/${u}`, { email: `${u}@example.com` });
    expect((await api.call('PUT', '/v1/topics/sched-topic/subscribers', { userIds: users })).body).toEqual({ added: 2 });
    const { last } = await t.messages();
    const created = await api.call('POST', '/v1/schedules', { topic: 'sched-topic', templateId: 'tick', params: { n: 't' }, cron: '*/2 * * * * *' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitFor('two occurrences recorded', async () => ((await occurrencesOf(id)).length >= 2 ? true : undefined));
    expect((await api.call('DELETE', `/v1/schedules/${id}`)).status).toBe(204);
    const done = await occurrencesOf(id);
    expect(done.every((o) => o.notifications === 2 && o.refused === undefined)).toBe(true);
    // One email per subscriber per occurrence recorded (one being fired at DELETE may add one more each).
    for (const u of users) {
      const mails = await waitFor(`${u}'s emails`, async () => {
        const got = await emailsTo(`${u}@example.com`, last);
        return got.length >= done.length ? got : undefined;
      });
      expect(mails.length).toBeLessThanOrEqual(done.length + 1);
      expect(new Set(mails.map(notificationIdOf)).size).toBe(mails.length);
    }
    const ofEvent = await api.call('GET', `/v1/why?userId=topic-s-1&eventId=${encodeURIComponent(done[0]!.eventId)}`);
    const why = await api.call('GET', `/v1/notifications/${ofEvent.body.notifications[0].id as string}/why`);
    const reason = (why.body.decision.reasons as Array<{ check: string; facts?: Record<string, unknown> }>).find((r) => r.check === 'recurring_schedule');
    expect(reason?.facts).toMatchObject({ scheduleId: id, occurrence: done[0]!.occurrence });
  });
});
