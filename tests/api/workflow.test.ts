import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { IOS_TOKEN, basic, startTestApi, type TestApi } from './helpers.ts';

let api: TestApi;
let otherAuth: string;
const later = () => new Date(Date.now() + 3_600_000).toISOString();

beforeAll(async () => {
  api = await startTestApi();
  const creds = await createApp(api.store, 'other-app');
  otherAuth = basic(creds.appKey, creds.appSecret);
  await api.call('PUT', '/v1/templates/t', { email: { subject: 'S {{ n }}', html: '<p>{{ n }}</p>' }, sms: { text: 'T {{ n }}' }, push: { title: 'P', body: 'B' } });
  await api.call('PUT', '/v1/users/ann', { email: 'ann@example.com', phone: '+14155550123' });
  await api.call('POST', '/v1/users/ann/devices', { token: IOS_TOKEN, platform: 'ios' });
  await api.call('PUT', '/v1/users/bob', { email: 'bob@example.com' });
});
afterAll(async () => {
  await api?.close();
});

describe('POST /v1/notifications/:id/cancel', () => {
  it('cancels a scheduled notification: 200, status canceled, NotificationCanceled in its stream; again -> 200', async () => {
    const res = await api.call('POST', '/v1/notifications', { eventId: 'c-1', userId: 'ann', templateId: 't', params: { n: 1 }, channels: ['email'], scheduleAt: later() });
    const id = res.body.notifications[0].id as string;
    const canceled = await api.call('POST', `/v1/notifications/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toEqual({ id, status: 'canceled' });
    expect((await api.call('GET', `/v1/notifications/${id}`)).body.status).toBe('canceled');
    const events = await api.store.readStream(`notification-${id}`);
    expect(events.map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationCanceled']);
    expect((await api.call('POST', `/v1/notifications/${id}/cancel`)).status).toBe(200);
    expect((await api.store.readStream(`notification-${id}`)).length).toBe(2);
  });

  it('409 once sent or suppressed', async () => {
    const res = await api.call('POST', '/v1/notifications', { eventId: 'c-2', userId: 'ann', templateId: 't', params: { n: 2 }, channels: ['email'] });
    const id = res.body.notifications[0].id as string;
    await api.store.append(
      `notification-${id}`,
      [
        {
          type: 'NotificationSent',
          data: { notificationId: id, attempt: 1, provider: 'p', providerMessageId: 'm', at: new Date().toISOString() },
          metadata: { correlationId: 'x', causationId: 'x', appId: 'a' },
        },
      ],
      'any',
    );
    const refused = await api.call('POST', `/v1/notifications/${id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('already_final');
    const sup = await api.call('POST', '/v1/notifications', { eventId: 'c-3', userId: 'bob', templateId: 't', params: { n: 3 }, channels: ['sms'] });
    expect(sup.body.notifications[0].status).toBe('suppressed');
    expect((await api.call('POST', `/v1/notifications/${sup.body.notifications[0].id}/cancel`)).status).toBe(409);
  });

  it("404 for another app's notification and for an unknown id", async () => {
    const res = await api.call('POST', '/v1/notifications', { eventId: 'c-4', userId: 'ann', templateId: 't', params: { n: 4 }, channels: ['email'], scheduleAt: later() });
    const id = res.body.notifications[0].id as string;
    expect((await api.call('POST', `/v1/notifications/${id}/cancel`, undefined, { authorization: otherAuth })).status).toBe(404);
    expect((await api.call('GET', `/v1/notifications/${id}`)).body.status).toBe('scheduled');
    expect((await api.call('POST', '/v1/notifications/00000000-0000-5000-8000-000000000000/cancel')).status).toBe(404);
    expect((await api.call('POST', '/v1/notifications/not-an-id/cancel')).status).toBe(404);
  });
});

describe('POST /v1/notifications/cancel { eventId }', () => {
  it('cancels every notification of the event for the calling app and answers each status', async () => {
    const res = await api.call('POST', '/v1/notifications', { eventId: 'c-5', userIds: ['ann', 'bob'], templateId: 't', params: { n: 5 }, scheduleAt: later() });
    expect(res.status).toBe(202);
    const made = res.body.notifications as Array<{ id: string; status: string }>;
    // ann: ios, sms, email scheduled; bob: email scheduled, sms and push suppressed (no contact).
    const byStatus = (s: string) =>
      made
        .filter((n) => n.status === s)
        .map((n) => n.id)
        .sort();
    expect(byStatus('scheduled').length).toBe(4);

    // Another app's cancel for the same eventId touches nothing of ours.
    const foreign = await api.call('POST', '/v1/notifications/cancel', { eventId: 'c-5' }, { authorization: otherAuth });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual({ notifications: [] });

    const out = await api.call('POST', '/v1/notifications/cancel', { eventId: 'c-5' });
    expect(out.status).toBe(200);
    const answered = out.body.notifications as Array<{ id: string; status: string }>;
    expect(answered.map((n) => n.id).sort()).toEqual(made.map((n) => n.id).sort());
    expect(
      answered
        .filter((n) => n.status === 'canceled')
        .map((n) => n.id)
        .sort(),
    ).toEqual(byStatus('scheduled'));
    expect(
      answered
        .filter((n) => n.status === 'suppressed')
        .map((n) => n.id)
        .sort(),
    ).toEqual(byStatus('suppressed'));
    // A repeated request with the same eventId links nothing new and stays canceled.
    const again = await api.call('POST', '/v1/notifications', { eventId: 'c-5', userIds: ['ann', 'bob'], templateId: 't', params: { n: 5 }, scheduleAt: later() });
    expect((again.body.notifications as Array<{ status: string }>).filter((n) => n.status === 'canceled').length).toBe(4);
    expect((await api.store.readStream(`event-${api.appKey}-c-5`)).length).toBe(1);
  });

  it('400 without an eventId; an unknown eventId answers an empty list', async () => {
    const bad = await api.call('POST', '/v1/notifications/cancel', {});
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('eventId');
    expect((await api.call('POST', '/v1/notifications/cancel', { eventId: 'never' })).body).toEqual({ notifications: [] });
  });
});

describe('POST /v1/notifications with digest', () => {
  it('a member waits scheduled; `digest` is not a param the caller must give; digest with scheduleAt is a 400', async () => {
    await api.call('PUT', '/v1/templates/dig', { email: { subject: '{{ digest.count }} updates', html: '{% for e in digest.events %}{{ e.x }}{% endfor %}' } });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'd-1', userId: 'ann', templateId: 'dig', params: { x: 1 }, digest: { key: 'k', windowSeconds: 60 } });
    expect(res.status).toBe(202);
    expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'email', status: 'scheduled' })]);
    const [requested] = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    expect(requested?.data).toMatchObject({ digest: { key: 'k', windowSeconds: 60 } });
    // Without a digest the template's `digest` param is required like any other.
    const plain = await api.call('POST', '/v1/notifications', { eventId: 'd-2', userId: 'ann', templateId: 'dig', params: { x: 1 } });
    expect(plain.status).toBe(400);
    expect(plain.body.field).toBe('params.digest');
    const both = await api.call('POST', '/v1/notifications', {
      eventId: 'd-3',
      userId: 'ann',
      templateId: 'dig',
      params: {},
      digest: { key: 'k', windowSeconds: 60 },
      scheduleAt: later(),
    });
    expect(both.status).toBe(400);
    expect(both.body.field).toBe('digest');
    const bad = await api.call('POST', '/v1/notifications', { eventId: 'd-4', userId: 'ann', templateId: 'dig', params: {}, digest: { key: 'k', windowSeconds: 0 } });
    expect(bad.body.field).toBe('digest.windowSeconds');
  });
});

describe('POST /v1/notifications with fallback', () => {
  it('records the fallback on the request (and on a no-contact suppression, with what the next channel needs)', async () => {
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'f-1',
      userId: 'bob',
      templateId: 't',
      params: { n: 1 },
      channels: ['sms'],
      fallback: [{ channel: 'email', afterSeconds: 60 }],
    });
    expect(res.status).toBe(202);
    expect(res.body.notifications[0].status).toBe('suppressed');
    const [suppressed] = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    expect(suppressed?.data).toMatchObject({ reason: 'no_contact', fallback: [{ channel: 'email', afterSeconds: 60 }], params: { n: 1 }, templateVersion: 1 });
  });
  it('400 naming the field: an unknown channel, more than 3 steps, or together with a digest', async () => {
    const call = (extra: object) => api.call('POST', '/v1/notifications', { eventId: 'f-2', userId: 'ann', templateId: 't', params: { n: 1 }, ...extra });
    expect((await call({ fallback: [{ channel: 'fax' }] })).body.field).toBe('fallback.0.channel');
    expect((await call({ fallback: [{ channel: 'sms' }, { channel: 'sms' }, { channel: 'sms' }, { channel: 'sms' }] })).body.field).toBe('fallback');
    expect((await call({ fallback: [{ channel: 'sms', afterSeconds: 0 }] })).body.field).toBe('fallback.0.afterSeconds');
    const both = await call({ fallback: [{ channel: 'sms' }], digest: { key: 'k', windowSeconds: 5 } });
    expect(both.status).toBe(400);
    expect(both.body.field).toBe('fallback');
  });
});

describe('PUT /v1/templates/:id with locales', () => {
  it('stores translations under canonical BCP 47 keys; a bad tag, or a part the default lacks, is a 400 naming the field', async () => {
    const ok = await api.call('PUT', '/v1/templates/loc', { sms: { text: 'Hi {{ a }}' }, locales: { 'de-at': { sms: { text: 'Servus {{ b }}' } } } });
    expect(ok.status).toBe(200);
    expect(ok.body.requiredParams).toEqual(['a', 'b']);
    expect((await api.call('GET', '/v1/templates/loc')).body.content.locales).toEqual({ 'de-AT': { sms: { text: 'Servus {{ b }}' } } });
    const badTag = await api.call('PUT', '/v1/templates/loc', { sms: { text: 'x' }, locales: { 'not a tag': { sms: { text: 'y' } } } });
    expect(badTag.status).toBe(400);
    expect(badTag.body.field).toMatch(/^locales/);
    const extra = await api.call('PUT', '/v1/templates/loc', { sms: { text: 'x' }, locales: { de: { email: { subject: 's', html: 'h' } } } });
    expect(extra.status).toBe(400);
    expect(extra.body.field).toBe('locales.de.email');
    const syntax = await api.call('PUT', '/v1/templates/loc', { sms: { text: 'x' }, locales: { de: { sms: { text: '{% if %}' } } } });
    expect(syntax.body.field).toBe('locales.de.sms.text');
  });
});

describe('OpenAPI document', () => {
  it('describes the cancel routes and every new request field and status', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/notifications/{id}/cancel', '/v1/notifications/cancel']));
    const notify = doc.paths['/v1/notifications']!.post.requestBody.content['application/json'].schema;
    expect(Object.keys(notify.properties)).toEqual(expect.arrayContaining(['digest', 'fallback']));
    const template = doc.paths['/v1/templates/{templateId}']!.put.requestBody.content['application/json'].schema;
    expect(Object.keys(template.properties)).toContain('locales');
    const viewRef: string = doc.paths['/v1/notifications/{id}']!.get.responses['200'].content['application/json'].schema.$ref;
    const view = doc.components.schemas[viewRef.replace('#/components/schemas/', '')];
    expect(view.properties.status.enum).toEqual(expect.arrayContaining(['canceled', 'digested']));
    expect(Object.keys(view.properties)).toEqual(expect.arrayContaining(['digestNotificationId', 'fallbackOf']));
  });
});
