import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

/** The console's lookups end to end: GET /v1/templates and GET /v1/events/:eventId/notifications, each only the calling app's. */

let api: TestApi;
let otherAuth: string;

beforeAll(async () => {
  api = await startTestApi({ projections: true });
  const creds = await createApp(api.store, 'other-app');
  otherAuth = basic(creds.appKey, creds.appSecret);
  expect(
    (
      await api.call('PUT', '/v1/templates/welcome', {
        email: { subject: 'Hi {{ name }}', html: '<p>Hi</p>' },
        sms: { text: 'Hi' },
        locales: { 'fr-FR': { sms: { text: 'Salut' } }, de: { sms: { text: 'Hallo' } } },
      })
    ).status,
  ).toBe(200);
  expect(
    (await api.call('PUT', '/v1/templates/welcome', { email: { subject: 'Hello {{ name }}', html: '<p>Hello</p>' }, inapp: { title: 'Hello', body: '{{ body }}' } })).status,
  ).toBe(200);
  expect((await api.call('PUT', '/v1/templates/alert', { sms: { text: 'Alert' } })).status).toBe(200);
  // The other app's template of the same id, and its own event of the same eventId.
  expect((await api.call('PUT', '/v1/templates/welcome', { sms: { text: 'Other' } }, { authorization: otherAuth })).status).toBe(200);
  expect((await api.call('PUT', '/v1/users/ann', { email: 'ann@example.com', phone: '+14155550123' })).status).toBe(200);
  expect((await api.call('PUT', '/v1/users/ann', { email: 'ann@example.com' }, { authorization: otherAuth })).status).toBe(200);
  expect((await api.call('POST', '/v1/notifications', { eventId: 'order/42 shipped', userId: 'ann', templateId: 'alert' })).status).toBe(202);
  expect(
    (await api.call('POST', '/v1/notifications', { eventId: 'order/42 shipped', userId: 'ann', templateId: 'welcome', channels: ['sms'] }, { authorization: otherAuth })).status,
  ).toBe(202);
  await api.runner!.waitFor(await api.store.headPosition());
});
afterAll(async () => {
  await api?.close();
});

describe('GET /v1/templates', () => {
  it("lists the calling app's templates by id, latest version each, with parts, locales and params", async () => {
    const res = await api.call('GET', '/v1/templates');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      truncated: false,
      items: [
        { templateId: 'alert', version: 1, parts: ['sms'], locales: [], requiredParams: [], publishedAt: expect.any(String) },
        { templateId: 'welcome', version: 2, parts: ['email', 'inapp'], locales: [], requiredParams: ['body', 'name'], publishedAt: expect.any(String) },
      ],
    });
    const other = await api.call('GET', '/v1/templates', undefined, { authorization: otherAuth });
    expect(other.body.items.map((t: { templateId: string; parts: string[] }) => [t.templateId, t.parts])).toEqual([['welcome', ['sms']]]);
  });

  it('names the locales of a version with translations', async () => {
    expect((await api.call('PUT', '/v1/templates/greet', { sms: { text: 'Hi' }, locales: { 'fr-FR': { sms: { text: 'Salut' } }, de: { sms: { text: 'Hallo' } } } })).status).toBe(
      200,
    );
    await api.runner!.waitFor(await api.store.headPosition());
    const res = await api.call('GET', '/v1/templates');
    expect(res.body.items.find((t: { templateId: string }) => t.templateId === 'greet')).toMatchObject({ version: 1, locales: ['de', 'fr-FR'] });
  });
});

describe('GET /v1/events/:eventId/notifications', () => {
  it("lists the notifications of the calling app's event (an eventId with / and a space, escaped in the path)", async () => {
    const res = await api.call('GET', `/v1/events/${encodeURIComponent('order/42 shipped')}/notifications`);
    expect(res.status).toBe(200);
    expect(res.body.eventId).toBe('order/42 shipped');
    expect(res.body.items).toEqual([expect.objectContaining({ userId: 'ann', channel: 'sms', templateId: 'alert', templateVersion: 1, requestedAt: expect.any(String) })]);
    const other = await api.call('GET', `/v1/events/${encodeURIComponent('order/42 shipped')}/notifications`, undefined, { authorization: otherAuth });
    expect(other.body.items.map((n: { templateId: string }) => n.templateId)).toEqual(['welcome']);
  });

  it('an unknown eventId is an empty list; a control character is 400 naming eventId', async () => {
    expect((await api.call('GET', '/v1/events/never/notifications')).body).toEqual({ eventId: 'never', items: [] });
    const bad = await api.call('GET', `/v1/events/${encodeURIComponent('a\u0001b')}/notifications`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('eventId');
  });
});
