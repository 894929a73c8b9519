import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { streams } from '../../domain/streams.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

/** POST/GET/DELETE /v1/schedules over HTTP: what is refused and why, the time zone chosen, tenancy, erasure. */
let api: TestApi;
let callB: TestApi['call'];

beforeAll(async () => {
  api = await startTestApi();
  const b = await createApp(api.store, 'app-b');
  const authB = basic(b.appKey, b.appSecret);
  callB = (method, p, body, headers = {}) => api.call(method, p, body, { authorization: authB, ...headers });
  expect((await api.call('PUT', '/v1/templates/weekly', { email: { subject: 'Week {{ n }}', html: '<p>{{ n }}</p>' } })).status).toBe(200);
  await api.call('PUT', '/v1/users/berlin-1', { email: 'b1@example.com', timezone: 'Europe/Berlin' });
  await api.call('PUT', '/v1/users/berlin-2', { email: 'b2@example.com', timezone: 'Europe/Berlin' });
  await api.call('PUT', '/v1/users/ny-1', { email: 'n1@example.com', timezone: 'America/New_York' });
  await api.call('PUT', '/v1/users/nozone', { email: 'z@example.com' });
});

afterAll(async () => {
  await api?.close();
});

const body = (extra: Record<string, unknown>) => ({ templateId: 'weekly', params: { n: 1 }, cron: '0 9 * * MON', ...extra });

describe('POST /v1/schedules: refused with the field named', () => {
  it.each([
    [{ userId: 'berlin-1', cron: '0 9 * *' }, 'cron'],
    [{ userId: 'berlin-1', cron: '0 0 9 * * MON 2030' }, 'cron'],
    [{ userId: 'berlin-1', cron: '@weekly' }, 'cron'],
    [{ userId: 'berlin-1', cron: '61 9 * * MON' }, 'cron'],
    [{ userId: 'berlin-1', timezone: 'Europe/Atlantis' }, 'timezone'],
    [{ userId: 'berlin-1', params: {} }, 'params.n'],
    [{ userIds: ['berlin-1', 'ny-1'] }, 'timezone'],
    [{}, 'userId'],
    [{ userId: 'berlin-1', userIds: ['ny-1'] }, 'userId'],
    [{ userId: 'berlin-1', extra: true }, 'extra'],
  ])('%j -> 400 naming %s', async (extra, field) => {
    const res = await api.call('POST', '/v1/schedules', body(extra));
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });
  it('a topic id is validated; topic with userId is refused', async () => {
    expect((await api.call('POST', '/v1/schedules', body({ topic: '-bad id' }))).body.field).toBe('topic');
    expect((await api.call('POST', '/v1/schedules', body({ topic: 'order-123', userId: 'berlin-1' }))).body.field).toBe('userId');
  });
  it('a topic schedule is stored with its topic, in UTC unless a time zone is given', async () => {
    const res = await api.call('POST', '/v1/schedules', body({ topic: 'order-123' }));
    expect(res.status).toBe(201);
    const view = (await api.call('GET', `/v1/schedules/${res.body.id}`)).body;
    expect(view).toMatchObject({ topic: 'order-123', timezone: 'UTC', timezoneFrom: 'default' });
    expect(view.userId).toBeUndefined();
    expect(view.userIds).toBeUndefined();
  });
  it("an unknown template is 404 (and another app's template is unknown)", async () => {
    expect((await api.call('POST', '/v1/schedules', body({ userId: 'berlin-1', templateId: 'nope' }))).status).toBe(404);
    expect((await callB('POST', '/v1/schedules', body({ userId: 'berlin-1' }))).status).toBe(404);
  });
});

describe('POST /v1/schedules: the time zone', () => {
  const create = async (extra: Record<string, unknown>) => {
    const res = await api.call('POST', '/v1/schedules', body(extra));
    expect(res.status).toBe(201);
    return { ...res.body, view: (await api.call('GET', `/v1/schedules/${res.body.id}`)).body } as { id: string; nextAt: string; view: Record<string, unknown> };
  };
  it("is the user's when none is given: Monday 09:00 in Berlin", async () => {
    const s = await create({ userId: 'berlin-1' });
    expect(new Date(s.nextAt).toLocaleString('sv-SE', { timeZone: 'Europe/Berlin' }).slice(11)).toBe('09:00:00');
    expect(new Date(s.nextAt).getUTCDay()).toBe(1);
    expect(s.view).toMatchObject({
      id: s.id,
      userId: 'berlin-1',
      timezone: 'Europe/Berlin',
      timezoneFrom: 'user',
      cron: '0 9 * * MON',
      nextAt: s.nextAt,
      occurrences: 0,
      lastOccurrence: null,
    });
  });
  it("the one users share; UTC when none has one; the request's when given", async () => {
    expect((await create({ userIds: ['berlin-1', 'berlin-2', 'nozone'] })).view).toMatchObject({
      userIds: ['berlin-1', 'berlin-2', 'nozone'],
      timezone: 'Europe/Berlin',
      timezoneFrom: 'user',
    });
    expect((await create({ userId: 'nozone' })).view).toMatchObject({ timezone: 'UTC', timezoneFrom: 'default' });
    const given = await create({ userIds: ['berlin-1', 'ny-1'], timezone: 'America/New_York' });
    expect(given.view).toMatchObject({ timezone: 'America/New_York', timezoneFrom: 'request' });
    expect(new Date(given.nextAt).toLocaleString('sv-SE', { timeZone: 'America/New_York' }).slice(11)).toBe('09:00:00');
  });
});

describe('GET and DELETE /v1/schedules/:id', () => {
  it("another app's schedule is 404 to read and to delete, and stays", async () => {
    const { id } = (await api.call('POST', '/v1/schedules', body({ userId: 'berlin-1' }))).body as { id: string };
    expect((await callB('GET', `/v1/schedules/${id}`)).status).toBe(404);
    expect((await callB('DELETE', `/v1/schedules/${id}`)).status).toBe(404);
    expect((await api.call('GET', `/v1/schedules/${id}`)).status).toBe(200);
  });
  it('DELETE answers 204 (twice too), then the schedule is 404; unknown ids are 404', async () => {
    const { id } = (await api.call('POST', '/v1/schedules', body({ userId: 'berlin-1' }))).body as { id: string };
    expect((await api.call('DELETE', `/v1/schedules/${id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/v1/schedules/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/v1/schedules/${id}`)).status).toBe(404);
    expect((await api.store.readStream(streams.schedule(id))).map((e) => e.type)).toEqual(['ScheduleCreated', 'ScheduleDeleted']);
    expect((await api.call('GET', '/v1/schedules/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api.call('DELETE', '/v1/schedules/not-a-uuid')).status).toBe(404);
  });
  it("a one-user schedule's params are that user's personal data: erasing the user shreds them", async () => {
    await api.call('PUT', '/v1/users/erase-me', { email: 'e@example.com' });
    const { id } = (await api.call('POST', '/v1/schedules', body({ userId: 'erase-me', params: { n: 'SECRET-7731' } }))).body as { id: string };
    expect((await api.call('GET', `/v1/schedules/${id}`)).body.params).toEqual({ n: 'SECRET-7731' });
    expect((await api.call('DELETE', '/v1/users/erase-me')).status).toBe(204);
    const after = await api.call('GET', `/v1/schedules/${id}`);
    expect(after.body.params).toEqual({});
    expect(JSON.stringify(await api.store.readStream(streams.schedule(id)))).not.toContain('SECRET-7731');
  });
});
