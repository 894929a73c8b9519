import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { analytics } from '../../projections/analytics.ts';
import { contacts } from '../../projections/contacts.ts';
import { notificationStatus } from '../../projections/notificationStatus.ts';
import { isOptedIn, preferences } from '../../projections/preferences.ts';
import { rateWindows } from '../../projections/rateWindows.ts';
import { schedule } from '../../projections/schedule.ts';
import { at, given, requested, T0 } from './fixtures.ts';

const registered: DomainEvent = { type: 'UserRegistered', data: { userId: 'u1', contact: { email: 'a@example.test', locale: 'fr' }, at: T0 } };
const device = (token: string, platform: 'ios' | 'android', t = 1000): DomainEvent => ({ type: 'DeviceRegistered', data: { userId: 'u1', token, platform, at: at(t) } });
const sent = (n = 'n1', t = 2000, attempt = 1): DomainEvent => ({ type: 'NotificationSent', data: { notificationId: n, attempt, provider: 'sendgrid', providerMessageId: `pm-${n}`, at: at(t) } });
const attemptFailed = (t = 1000): DomainEvent => ({ type: 'NotificationAttemptFailed', data: { notificationId: 'n1', attempt: 1, provider: 'sendgrid', code: '503', message: 'busy', at: at(t) } });
const failed = (t = 3000): DomainEvent => ({ type: 'NotificationFailed', data: { notificationId: 'n1', attempt: 2, provider: 'sendgrid', reason: 'exhausted', code: '503', message: 'busy', at: at(t) } });
const suppressed: DomainEvent = { type: 'NotificationSuppressed', data: { notificationId: 'n1', appId: 'app1', eventId: 'ev1', userId: 'u1', channel: 'email', templateId: 'welcome', reason: 'opted_out', at: T0 } };
const delivered = (t = 4000): DomainEvent => ({ type: 'NotificationDelivered', data: { notificationId: 'n1', provider: 'sendgrid', at: at(t) } });
const opened = (t = 5000): DomainEvent => ({ type: 'NotificationOpened', data: { notificationId: 'n1', at: at(t) } });
const clicked = (t = 6000): DomainEvent => ({ type: 'NotificationClicked', data: { notificationId: 'n1', url: 'https://example.test/x', at: at(t) } });

describe('contacts', () => {
  it('UserRegistered: the contact as given', async () => {
    expect((await given(contacts, [registered])).doc('u1')).toEqual({ _id: 'u1', userId: 'u1', email: 'a@example.test', locale: 'fr', devices: { ios: [], android: [] }, registeredAt: T0, updatedAt: T0 });
  });
  it('ContactChanged: sets and clears fields (null clears)', async () => {
    const { doc } = await given(contacts, [registered, { type: 'ContactChanged', data: { userId: 'u1', changes: { email: null, phone: '+33612345678' }, at: at(1) } }]);
    expect(doc('u1')).toEqual({ _id: 'u1', userId: 'u1', phone: '+33612345678', locale: 'fr', devices: { ios: [], android: [] }, registeredAt: T0, updatedAt: at(1) });
  });
  it('DeviceRegistered: devices by platform; a token moving platform leaves the old list', async () => {
    const { doc } = await given(contacts, [registered, device('t1', 'ios'), device('t2', 'android'), device('t3', 'ios'), device('t2', 'ios')]);
    expect(doc('u1')?.devices).toEqual({ ios: ['t1', 't3', 't2'], android: [] });
  });
  it('DeviceRemoved: the token is gone', async () => {
    const { doc } = await given(contacts, [registered, device('t1', 'ios'), device('t2', 'ios'), { type: 'DeviceRemoved', data: { userId: 'u1', token: 't1', platform: 'ios', reason: 'token_invalid', at: at(9) } }]);
    expect(doc('u1')?.devices).toEqual({ ios: ['t2'], android: [] });
    expect(doc('u1')?.updatedAt).toBe(at(9));
  });
});

describe('preferences', () => {
  it('PreferencesChanged replaces the preferences; default is opted in and an explicit opt-out wins', async () => {
    const first: DomainEvent = { type: 'PreferencesChanged', data: { userId: 'u1', preferences: { channels: { sms: false }, categories: {}, quietHours: { start: '22:00', end: '07:00' } }, at: T0 } };
    const second: DomainEvent = { type: 'PreferencesChanged', data: { userId: 'u1', preferences: { channels: { email: true }, categories: { marketing: { email: false } } }, at: at(1) } };
    const { doc } = await given(preferences, [first, second]);
    const p = doc('u1');
    expect(p).toEqual({ _id: 'u1', userId: 'u1', channels: { email: true }, categories: { marketing: { email: false } }, updatedAt: at(1) });
    expect(isOptedIn(null, 'sms')).toBe(true);
    expect(isOptedIn(p as never, 'sms')).toBe(true);
    expect(isOptedIn(p as never, 'email')).toBe(true);
    expect(isOptedIn(p as never, 'email', 'marketing')).toBe(false);
    expect(isOptedIn(p as never, 'push', 'marketing')).toBe(true);
    expect(isOptedIn({ channels: { email: false }, categories: { news: { email: true } } }, 'email', 'news')).toBe(false);
  });
});

describe('rate windows', () => {
  it('NotificationRequested counts per user, channel, hour and day by request time; deferred ones do not count', async () => {
    const { docs } = await given(rateWindows, [
      requested({ notificationId: 'a', category: 'promo' }),
      requested({ notificationId: 'b', requestedAt: at(50 * 60_000) }),
      requested({ notificationId: 'c', deferredBy: 'quiet_hours', scheduleAt: at(8 * 3600_000) }),
      requested({ notificationId: 'd', channel: 'sms' }),
    ]);
    expect(docs['u1|email|hour|2026-03-01T10:00:00.000Z']).toMatchObject({ count: 1, byCategory: { promo: 1 }, requests: [{ at: T0, category: 'promo' }] });
    expect(docs['u1|email|hour|2026-03-01T11:00:00.000Z']).toMatchObject({ count: 1, window: 'hour', start: '2026-03-01T11:00:00.000Z' });
    expect(docs['u1|email|day|2026-03-01T00:00:00.000Z']).toMatchObject({ count: 2, byCategory: { promo: 1 }, window: 'day' });
    expect(docs['u1|sms|day|2026-03-01T00:00:00.000Z']).toMatchObject({ count: 1 });
    expect(Object.keys(docs)).toHaveLength(5);
  });
});

describe('notification status', () => {
  const base = { _id: 'n1', notificationId: 'n1', appId: 'app1', userId: 'u1', channel: 'email', templateId: 'welcome', templateVersion: 1, eventId: 'ev1', requestedAt: T0 };
  it('NotificationRequested: pending, or scheduled with scheduleAt', async () => {
    expect((await given(notificationStatus, [requested()])).doc('n1')).toEqual({ ...base, status: 'pending', attempts: 0, timeline: [{ type: 'NotificationRequested', at: T0 }], updatedAt: T0 });
    expect((await given(notificationStatus, [requested({ scheduleAt: at(60_000) })])).doc('n1')).toMatchObject({ status: 'scheduled', scheduleAt: at(60_000) });
  });
  it('NotificationSuppressed: suppressed with the reason', async () => {
    expect((await given(notificationStatus, [suppressed])).doc('n1')).toMatchObject({ status: 'suppressed', reason: 'opted_out', suppressedAt: T0, timeline: [{ type: 'NotificationSuppressed', at: T0 }] });
  });
  it('NotificationAttemptFailed then NotificationSent: attempts, provider, message id, timeline', async () => {
    const { doc } = await given(notificationStatus, [requested(), attemptFailed(), sent('n1', 2000, 2)]);
    expect(doc('n1')).toMatchObject({ status: 'sent', attempts: 2, provider: 'sendgrid', providerMessageId: 'pm-n1', sentAt: at(2000), lastError: { code: '503', message: 'busy' } });
    expect(doc('n1')?.timeline).toEqual([{ type: 'NotificationRequested', at: T0 }, { type: 'NotificationAttemptFailed', at: at(1000) }, { type: 'NotificationSent', at: at(2000) }]);
  });
  it('NotificationFailed: failed with the reason; NotificationDelivered after sent: delivered', async () => {
    expect((await given(notificationStatus, [requested(), attemptFailed(), failed()])).doc('n1')).toMatchObject({ status: 'failed', attempts: 2, reason: 'exhausted', failedAt: at(3000) });
    expect((await given(notificationStatus, [requested(), sent(), delivered()])).doc('n1')).toMatchObject({ status: 'delivered', deliveredAt: at(4000) });
  });
  it('NotificationOpened and NotificationClicked: first times kept, status unchanged', async () => {
    const { doc } = await given(notificationStatus, [requested(), sent(), opened(), clicked(), clicked(9000)]);
    expect(doc('n1')).toMatchObject({ status: 'sent', openedAt: at(5000), clickedAt: at(6000) });
    expect(doc('n1')?.timeline).toHaveLength(5);
  });
});

describe('schedule', () => {
  it('NotificationRequested with scheduleAt makes an entry; NotificationSent and NotificationFailed remove it', async () => {
    const { docs } = await given(schedule, [
      requested({ notificationId: 'n1', scheduleAt: at(3600_000) }),
      requested({ notificationId: 'n2', scheduleAt: at(7200_000), deferredBy: 'quiet_hours' }),
      requested({ notificationId: 'n3' }),
      requested({ notificationId: 'n4', scheduleAt: at(60_000) }),
      sent('n1'),
      { type: 'NotificationFailed', data: { notificationId: 'n4', reason: 'permanent', code: '400', message: 'bad', at: at(1) } },
    ]);
    expect(docs).toEqual({
      n2: { _id: 'n2', notificationId: 'n2', appId: 'app1', userId: 'u1', channel: 'email', dueAt: at(7200_000), deferredBy: 'quiet_hours', requestedAt: T0 },
    });
  });
});

describe('analytics', () => {
  // A bucket per request hour x app x channel x template x provider; '' until an attempt has an answer.
  const bucket = 'b:2026-03-01T10:00:00.000Z|app1|email|welcome|';
  const sendgrid = 'b:2026-03-01T10:00:00.000Z|app1|email|welcome|sendgrid';
  it('NotificationRequested and NotificationSuppressed: counted in the request-hour bucket by status', async () => {
    const { doc } = await given(analytics, [requested({ notificationId: 'n1' }), requested({ notificationId: 'n2', scheduleAt: at(1) }), { ...suppressed, data: { ...suppressed.data, notificationId: 'n3' } } as DomainEvent]);
    expect(doc(bucket)).toEqual({ _id: bucket, kind: 'bucket', hour: '2026-03-01T10:00:00.000Z', day: '2026-03-01T00:00:00.000Z', appId: 'app1', channel: 'email', templateId: 'welcome', provider: '', total: 3, status: { pending: 1, scheduled: 1, suppressed: 1 } });
    expect(doc('n:n1')).toMatchObject({ kind: 'notification', status: 'pending', bucket, startAt: T0, opened: false, clicked: false });
  });
  it('NotificationSent: status moves and latency lands in its histogram bucket; the provider answer moves the counts to its bucket', async () => {
    const { doc } = await given(analytics, [requested(), attemptFailed(), sent('n1', 700)]);
    expect(doc(sendgrid)).toMatchObject({ provider: 'sendgrid', total: 1, status: { sent: 1 }, latency: { le_1000: 1, count: 1, sumMs: 700 } });
    expect(doc(bucket)).toMatchObject({ total: 0, status: { pending: 0 } });
    expect(doc('n:n1')).toMatchObject({ status: 'sent', latencyMs: 700, provider: 'sendgrid', bucket: sendgrid });
  });
  it('NotificationDelivered, NotificationFailed, NotificationOpened, NotificationClicked', async () => {
    const { doc } = await given(analytics, [
      requested({ notificationId: 'n1' }), sent('n1', 400_000), delivered(), opened(), clicked(), clicked(7000),
      requested({ notificationId: 'n2' }), { type: 'NotificationFailed', data: { notificationId: 'n2', reason: 'permanent', code: '400', message: 'bad', at: at(1) } },
    ]);
    expect(doc(sendgrid)).toMatchObject({ total: 1, status: { sent: 0, delivered: 1 }, opened: 1, clicked: 1, latency: { le_inf: 1, count: 1 } });
    expect(doc(bucket)).toMatchObject({ total: 1, status: { pending: 0, failed: 1 } });
  });
  it('NotificationConverted counts once; NotificationRedriven takes a failed notification back to pending in the same bucket', async () => {
    const { doc } = await given(analytics, [
      requested({ notificationId: 'n1' }), sent('n1'), clicked(),
      { type: 'NotificationConverted', data: { notificationId: 'n1', name: 'purchase', value: 12, at: at(8000) } },
      requested({ notificationId: 'n2' }),
      { type: 'NotificationFailed', data: { notificationId: 'n2', attempt: 3, provider: 'sendgrid', reason: 'exhausted', code: '503', message: 'busy', at: at(1) } },
      { type: 'NotificationRedriven', data: { notificationId: 'n2', appId: 'app1', channel: 'email', redriveId: 'r1', previousStatus: 'failed', fromAttempt: 3, at: at(9000) } },
    ]);
    expect(doc(sendgrid)).toMatchObject({ total: 2, status: { sent: 1, failed: 0, pending: 1 }, clicked: 1, converted: 1 });
  });
  it('latency starts at scheduleAt when it is later than the request', async () => {
    const { doc } = await given(analytics, [requested({ scheduleAt: at(60_000) }), sent('n1', 62_000)]);
    expect(doc('n:n1')).toMatchObject({ latencyMs: 2000 });
    expect(doc(sendgrid)).toMatchObject({ status: { sent: 1 }, latency: { le_2500: 1 } });
    expect(doc(bucket)).toMatchObject({ status: { scheduled: 0 } });
  });
});
