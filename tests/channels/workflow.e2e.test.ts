import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams } from '../../domain/streams.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/**
 * The workflow features end to end: HTTP -> log -> workflow (digests, fallbacks) and dispatcher ->
 * RabbitMQ -> senders -> SDKs -> provider simulator, asserting on what the simulator received (and did not).
 */
let t: TestSim;
let api: TestApi;
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-workflow', {
    env: { PUBLIC_URL: 'https://notify.example.com', DISPATCHER_SCHEDULE_TICK_MS: '100', PROVIDER_BREAKER_FAILURES: '2', PROVIDER_BREAKER_COOLDOWN_MS: '700' },
  });
  t = platform.sim;
  api = platform.api;
  await api.call('PUT', '/v1/templates/wf', { email: { subject: 'Hello {{ n }}', html: '<p>{{ n }}</p>' }, sms: { text: 'Text {{ n }}' } });
});

afterAll(async () => {
  await platform?.stop();
});

describe('cancel, end to end', () => {
  it('a scheduled notification canceled before its time is never sent; a sent one answers 409', async () => {
    await api.call('PUT', '/v1/users/wf-cancel', { email: 'cancel@example.com' });
    const { last } = await t.messages();
    const scheduleAt = new Date(Date.now() + 1_500).toISOString();
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wf-c-1', userId: 'wf-cancel', templateId: 'wf', params: { n: 'later' }, channels: ['email'], scheduleAt });
    const id = res.body.notifications[0].id as string;
    expect((await api.call('POST', `/v1/notifications/${id}/cancel`)).status).toBe(200);

    // A control sent right after the scheduled time passed proves the pipeline was running.
    await new Promise((r) => setTimeout(r, 2_000));
    const control = await api.call('POST', '/v1/notifications', { eventId: 'wf-c-2', userId: 'wf-cancel', templateId: 'wf', params: { n: 'now' }, channels: ['email'] });
    const controlId = control.body.notifications[0].id as string;
    const got = await waitFor('the control email', async () => {
      const { messages } = await t.messages('email', last);
      return messages.some((m) => m.recipient === 'cancel@example.com') ? messages : undefined;
    });
    expect(got.filter((m) => m.recipient === 'cancel@example.com').map((m) => (m.content as { subject: string }).subject)).toEqual(['Hello now']);
    expect((await api.store.readStream(`notification-${id}`)).map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationCanceled']);

    await waitFor('the control recorded as sent', async () => ((await api.call('GET', `/v1/notifications/${controlId}`)).body.status === 'sent' ? true : undefined));
    const refused = await api.call('POST', `/v1/notifications/${controlId}/cancel`);
    expect(refused.status).toBe(409);
  });
});

describe('digest, end to end', () => {
  const template = {
    email: {
      subject: '{{ digest.count }} new comments',
      html: '<ul>{% for e in digest.events %}<li>{{ e.author }}: {{ e.text }}</li>{% endfor %}</ul>',
    },
  };
  const trigger = (userId: string, i: number, author: string, text: string) =>
    api.call('POST', '/v1/notifications', { eventId: `${userId}-${i}`, userId, templateId: 'comments', params: { author, text }, digest: { key: 'comments', windowSeconds: 2 } });

  it('3 triggers inside the window -> 1 message listing the 3 events; members end digested naming it', async () => {
    expect((await api.call('PUT', '/v1/templates/comments', template)).status).toBe(200);
    await api.call('PUT', '/v1/users/wf-dig', { email: 'dig@example.com' });
    const { last } = await t.messages();
    const ids: string[] = [];
    for (const [i, [a, x]] of [
      ['ann', 'first'],
      ['bob', 'second'],
      ['cy', 'third'],
    ].entries()) {
      const res = await trigger('wf-dig', i, a!, x!);
      expect(res.status).toBe(202);
      expect(res.body.notifications[0].status).toBe('scheduled');
      ids.push(res.body.notifications[0].id as string);
    }
    const got = await waitFor('the digest email', async () => {
      const { messages } = await t.messages('email', last);
      const mine = messages.filter((m) => m.recipient === 'dig@example.com');
      return mine.length > 0 ? mine : undefined;
    });
    // Nothing else arrives after it: one message for the window.
    await new Promise((r) => setTimeout(r, 500));
    const all = (await t.messages('email', last)).messages.filter((m) => m.recipient === 'dig@example.com');
    expect(all).toHaveLength(1);
    expect(got[0]!.content).toMatchObject({ subject: '3 new comments' });
    expect(got[0]!.content.html as string).toContain('<li>ann: first</li><li>bob: second</li><li>cy: third</li>');

    const digestIds = new Set<string>();
    for (const id of ids) {
      const view = await api.call('GET', `/v1/notifications/${id}`);
      expect(view.body.status).toBe('digested');
      const events = await api.store.readStream(`notification-${id}`);
      const digested = events.find((e) => e.type === 'NotificationDigested');
      if (digested?.type !== 'NotificationDigested') throw new Error('no NotificationDigested');
      digestIds.add(digested.data.digestNotificationId);
    }
    expect(digestIds.size).toBe(1);
    const [digestId] = [...digestIds];
    const digest = await waitFor('the digest notification sent', async () => {
      const v = await api.call('GET', `/v1/notifications/${digestId}`);
      return v.body.status === 'sent' ? v.body : undefined;
    });
    expect(digest.channel).toBe('email');
    const request = (await api.store.readStream(`notification-${digestId}`))[0];
    if (request?.type !== 'NotificationRequested') throw new Error('no request');
    expect(request.data.digestOf).toEqual(ids);
  });

  it('a workflow restart while the window is open loses nothing', async () => {
    await api.call('PUT', '/v1/users/wf-dig2', { email: 'dig2@example.com' });
    const { last } = await t.messages();
    await trigger('wf-dig2', 0, 'ann', 'before');
    // The member reaches the workflow (it joins the window, whose close becomes a timer) before the restart.
    const digestStream = streams.digest(api.appKey, 'wf-dig2', 'email', 'comments');
    await waitFor('the window opened', async () => ((await api.store.readStream(digestStream)).some((e) => e.type === 'DigestMemberAdded') ? true : undefined));
    await platform!.restartWorkflow();
    await trigger('wf-dig2', 1, 'bob', 'after');
    const got = await waitFor('the digest email after the restart', async () => {
      const { messages } = await t.messages('email', last);
      const mine = messages.filter((m) => m.recipient === 'dig2@example.com');
      return mine.length > 0 ? mine : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.messages('email', last)).messages.filter((m) => m.recipient === 'dig2@example.com')).toHaveLength(1);
    expect(got[0]!.content).toMatchObject({ subject: '2 new comments' });
    expect(got[0]!.content.html as string).toContain('<li>ann: before</li><li>bob: after</li>');
  });
});

describe('channel fallback, end to end', () => {
  const IOS_DEAD = 'de'.repeat(32);

  it('push to a user with only a dead token -> the SMS fallback is delivered, linked to the push', async () => {
    await api.call('PUT', '/v1/templates/wf-push', { push: { title: 'Hi', body: 'Push {{ n }}' }, sms: { text: 'SMS {{ n }}' } });
    await api.call('PUT', '/v1/users/wf-fb', { phone: '+14155550142' });
    await api.call('POST', '/v1/users/wf-fb/devices', { token: IOS_DEAD, platform: 'ios' });
    await t.fault({ channel: 'ios', tokens: [IOS_DEAD] });
    const { last } = await t.messages('sms');
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'wf-fb-1',
      userId: 'wf-fb',
      templateId: 'wf-push',
      params: { n: 7 },
      channels: ['push'],
      fallback: [{ channel: 'sms' }],
    });
    expect(res.status).toBe(202);
    expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'ios', status: 'pending' })]);
    const pushId = res.body.notifications[0].id as string;
    const got = await waitFor('the fallback SMS', async () => {
      const { messages } = await t.messages('sms', last);
      const mine = messages.filter((m) => m.recipient === '+14155550142');
      return mine.length > 0 ? mine : undefined;
    });
    await t.clearFaults();
    expect(got).toHaveLength(1);
    expect(got[0]!.content).toMatchObject({ text: 'SMS 7' });
    expect((await api.call('GET', `/v1/notifications/${pushId}`)).body.status).toBe('failed');
    // The SMS is its own notification, linked to the push, found by cancel-by-eventId's index too.
    const linked = await api.call('POST', '/v1/notifications/cancel', { eventId: 'wf-fb-1' });
    const sms = (linked.body.notifications as Array<{ id: string; status: string }>).find((n) => n.id !== pushId)!;
    const [request] = await api.store.readStream(`notification-${sms.id}`);
    expect(request?.type === 'NotificationRequested' && request.data).toMatchObject({ channel: 'sms', fallbackOf: pushId, eventId: 'wf-fb-1' });
  });

  it('suppressed for no contact -> the next channel at once; not opened within afterSeconds -> the one after', async () => {
    await api.call('PUT', '/v1/users/wf-fb2', { email: 'fb2@example.com', phone: '+14155550143' });
    const email = await t.messages('email');
    const sms = await t.messages('sms');
    // No device: push is suppressed (no_contact), email follows at once, SMS when the email is not opened within 1 s.
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'wf-fb-2',
      userId: 'wf-fb2',
      templateId: 'wf-all',
      params: { n: 8 },
      channels: ['push'],
      fallback: [{ channel: 'email' }, { channel: 'sms', afterSeconds: 1 }],
    });
    expect(res.status).toBe(404); // template not yet published: nothing is written for a refused request
    await api.call('PUT', '/v1/templates/wf-all', {
      push: { title: 'Hi', body: 'P {{ n }}' },
      email: { subject: 'E {{ n }}', html: '<p>{{ n }}</p>' },
      sms: { text: 'S {{ n }}' },
    });
    const ok = await api.call('POST', '/v1/notifications', {
      eventId: 'wf-fb-2',
      userId: 'wf-fb2',
      templateId: 'wf-all',
      params: { n: 8 },
      channels: ['push'],
      fallback: [{ channel: 'email' }, { channel: 'sms', afterSeconds: 1 }],
    });
    expect((ok.body.notifications as Array<{ status: string }>).every((n) => n.status === 'suppressed')).toBe(true);
    await waitFor('the email fallback', async () => ((await t.messages('email', email.last)).messages.some((m) => m.recipient === 'fb2@example.com') ? true : undefined));
    const texts = await waitFor('the SMS after the unopened email', async () => {
      const mine = (await t.messages('sms', sms.last)).messages.filter((m) => m.recipient === '+14155550143');
      return mine.length > 0 ? mine : undefined;
    });
    expect(texts[0]!.content).toMatchObject({ text: 'S 8' });
    await new Promise((r) => setTimeout(r, 300));
    // ios and android were both suppressed: still one email and one SMS.
    expect((await t.messages('email', email.last)).messages.filter((m) => m.recipient === 'fb2@example.com')).toHaveLength(1);
    expect((await t.messages('sms', sms.last)).messages.filter((m) => m.recipient === '+14155550143')).toHaveLength(1);
  });
});

describe('provider failover, end to end', () => {
  const breaker = async (provider: string) =>
    (await platform!.metrics.breakerState.get()).values.find((v) => v.labels.channel === 'email' && v.labels.provider === provider)?.value;

  it('SendGrid at 100 % 503 -> the breaker opens and the SMTP relay gets the email; it closes again once SendGrid recovers', async () => {
    await api.call('PUT', '/v1/users/wf-fo', { email: 'fo@example.com' });
    expect(await breaker('simulator:sendgrid')).toBe(0);
    await t.fault({ channel: 'email', provider: 'sendgrid', rate: 1, status: 503 });
    const { last } = await t.messages('email');
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wf-fo-1', userId: 'wf-fo', templateId: 'wf', params: { n: 'failover' }, channels: ['email'] });
    const id = res.body.notifications[0].id as string;
    const got = await waitFor('the email through SMTP', async () => {
      const mine = (await t.messages('email', last)).messages.filter((m) => m.recipient === 'fo@example.com');
      return mine.length > 0 ? mine : undefined;
    });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ provider: 'smtp', content: { subject: 'Hello failover', customArgs: { notificationId: id } } });
    expect(got[0]!.content.html as string).toContain('<p>failover</p>');
    expect(await breaker('simulator:sendgrid')).toBe(2);
    // The log says who failed and who carried it.
    const events = await waitFor('NotificationSent', async () => {
      const e = await api.store.readStream(`notification-${id}`);
      return e.some((x) => x.type === 'NotificationSent') ? e : undefined;
    });
    const failed = events.filter((e) => e.type === 'NotificationAttemptFailed').map((e) => e.type === 'NotificationAttemptFailed' && e.data.provider);
    expect(failed).toEqual(['simulator:sendgrid', 'simulator:sendgrid']);
    const sent = events.find((e) => e.type === 'NotificationSent');
    expect(sent?.type === 'NotificationSent' && sent.data.provider).toBe('simulator:smtp');

    // SendGrid recovers: after the cool-down one probe goes to it, succeeds, and the breaker closes.
    await t.clearFaults();
    await new Promise((r) => setTimeout(r, 800));
    const again = await t.messages('email');
    await api.call('POST', '/v1/notifications', { eventId: 'wf-fo-2', userId: 'wf-fo', templateId: 'wf', params: { n: 'recovered' }, channels: ['email'] });
    const back = await waitFor('the email through SendGrid', async () => {
      const mine = (await t.messages('email', again.last)).messages.filter((m) => m.recipient === 'fo@example.com');
      return mine.length > 0 ? mine : undefined;
    });
    expect(back[0]).toMatchObject({ provider: 'sendgrid', content: { subject: 'Hello recovered' } });
    expect(await breaker('simulator:sendgrid')).toBe(0);
  });

  it('Twilio at 100 % 503 -> the second Twilio account (messaging service) carries the SMS', async () => {
    await api.call('PUT', '/v1/users/wf-fo-sms', { phone: '+14155550161' });
    await t.fault({ channel: 'sms', provider: 'twilio', rate: 1, status: 503 });
    const { last } = await t.messages('sms');
    await api.call('POST', '/v1/notifications', { eventId: 'wf-fo-3', userId: 'wf-fo-sms', templateId: 'wf', params: { n: 'sms' }, channels: ['sms'] });
    const got = await waitFor('the SMS through the secondary account', async () => {
      const mine = (await t.messages('sms', last)).messages.filter((m) => m.recipient === '+14155550161');
      return mine.length > 0 ? mine : undefined;
    });
    await t.clearFaults();
    expect(got[0]).toMatchObject({ provider: 'twilio-secondary', content: { text: 'Text sms', messagingServiceSid: `MG${'0'.repeat(31)}2` } });
  });
});

describe('localized templates, end to end', () => {
  it('de gets the de part, de-AT falls back to de, fr to the default; the variant is recorded with the send', async () => {
    const put = await api.call('PUT', '/v1/templates/wf-loc', {
      email: { subject: 'Your order {{ id }}', html: '<p>Total {{ total | number: "currency", "EUR" }}</p>' },
      locales: { de: { email: { subject: 'Ihre Bestellung {{ id }}', html: '<p>Summe {{ total | number: "currency", "EUR" }}</p>' } } },
    });
    expect(put.status).toBe(200);
    const users = { 'wf-de': 'de', 'wf-deat': 'de-AT', 'wf-fr': 'fr' } as const;
    for (const [u, locale] of Object.entries(users)) await api.call('PUT', `/v1/users/${u}`, { email: `${u}@example.com`, locale });
    const { last } = await t.messages('email');
    const res = await api.call('POST', '/v1/notifications', { eventId: 'wf-loc-1', userIds: Object.keys(users), templateId: 'wf-loc', params: { id: 9, total: 1234.5 } });
    const ids = new Map((res.body.notifications as Array<{ id: string; userId: string }>).map((n) => [n.userId, n.id]));
    const got = await waitFor('three emails', async () => {
      const mine = (await t.messages('email', last)).messages.filter((m) => m.recipient.startsWith('wf-'));
      return mine.length >= 3 ? mine : undefined;
    });
    const by = (u: string) => got.find((m) => m.recipient === `${u}@example.com`)!.content;
    const plain = (s: unknown) => String(s).replace(/[\u00a0\u202f]/g, ' ');
    expect(by('wf-de').subject).toBe('Ihre Bestellung 9');
    expect(plain(by('wf-de').html)).toContain('<p>Summe 1.234,50 €</p>');
    expect(by('wf-deat').subject).toBe('Ihre Bestellung 9');
    expect(plain(by('wf-deat').html)).toContain('<p>Summe € 1.234,50</p>');
    expect(by('wf-fr').subject).toBe('Your order 9');
    expect(plain(by('wf-fr').html)).toContain('<p>Total 1 234,50 €</p>');
    for (const [u, variant] of [
      ['wf-de', 'de'],
      ['wf-deat', 'de'],
      ['wf-fr', 'default'],
    ] as const) {
      const sent = await waitFor(`NotificationSent of ${u}`, async () => (await api.store.readStream(`notification-${ids.get(u)}`)).find((e) => e.type === 'NotificationSent'));
      expect(sent.type === 'NotificationSent' && sent.data.locale).toBe(variant);
    }
  });
});
