import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { analytics } from '../../projections/analytics.ts';
import { notificationStatus } from '../../projections/notificationStatus.ts';
import { rateWindows } from '../../projections/rateWindows.ts';
import { userKey } from '../../domain/streams.ts';
import { at, given, requested, T0 } from './fixtures.ts';

/** Users belong to one app: their documents are keyed by (app, user). */
const U1 = userKey('app1', 'u1');

const sent = (n = 'n1', t = 2000, attempt = 1): DomainEvent => ({
  type: 'NotificationSent',
  data: { notificationId: n, attempt, provider: 'sendgrid', providerMessageId: `pm-${n}`, at: at(t) },
});
const attemptFailed = (t = 1000): DomainEvent => ({
  type: 'NotificationAttemptFailed',
  data: { notificationId: 'n1', attempt: 1, provider: 'sendgrid', code: '503', message: 'busy', at: at(t) },
});
const failed = (t = 3000): DomainEvent => ({
  type: 'NotificationFailed',
  data: { notificationId: 'n1', attempt: 2, provider: 'sendgrid', reason: 'exhausted', code: '503', message: 'busy', at: at(t) },
});
const suppressed: DomainEvent = {
  type: 'NotificationSuppressed',
  data: { notificationId: 'n1', appId: 'app1', eventId: 'ev1', userId: 'u1', channel: 'email', templateId: 'welcome', reason: 'opted_out', at: T0 },
};
const delivered = (t = 4000): DomainEvent => ({ type: 'NotificationDelivered', data: { notificationId: 'n1', provider: 'sendgrid', at: at(t) } });
const opened = (t = 5000): DomainEvent => ({ type: 'NotificationOpened', data: { notificationId: 'n1', at: at(t) } });
const clicked = (t = 6000): DomainEvent => ({ type: 'NotificationClicked', data: { notificationId: 'n1', url: 'https://example.test/x', at: at(t) } });

describe('rate windows', () => {
  it('NotificationRequested counts per user, channel, hour and day by request time; deferred ones do not count', async () => {
    const { docs } = await given(rateWindows, [
      requested({ notificationId: 'a', category: 'promo' }),
      requested({ notificationId: 'b', requestedAt: at(50 * 60_000) }),
      requested({ notificationId: 'c', deferredBy: 'quiet_hours', scheduleAt: at(8 * 3600_000) }),
      requested({ notificationId: 'd', channel: 'sms' }),
    ]);
    expect(docs[`${U1}|email|hour|2026-03-01T10:00:00.000Z`]).toMatchObject({ count: 1, byCategory: { promo: 1 }, requests: [{ at: T0, category: 'promo' }] });
    expect(docs[`${U1}|email|hour|2026-03-01T11:00:00.000Z`]).toMatchObject({ count: 1, window: 'hour', start: '2026-03-01T11:00:00.000Z' });
    expect(docs[`${U1}|email|day|2026-03-01T00:00:00.000Z`]).toMatchObject({ count: 2, byCategory: { promo: 1 }, window: 'day' });
    expect(docs[`${U1}|sms|day|2026-03-01T00:00:00.000Z`]).toMatchObject({ count: 1 });
    expect(Object.keys(docs)).toHaveLength(5);
  });
});

describe('notification status', () => {
  const base = { _id: 'n1', notificationId: 'n1', appId: 'app1', userId: 'u1', channel: 'email', templateId: 'welcome', templateVersion: 1, eventId: 'ev1', requestedAt: T0 };
  it('NotificationRequested: pending, or scheduled with scheduleAt', async () => {
    expect((await given(notificationStatus, [requested()])).doc('n1')).toEqual({
      ...base,
      status: 'pending',
      attempts: 0,
      timeline: [{ type: 'NotificationRequested', at: T0 }],
      updatedAt: T0,
    });
    expect((await given(notificationStatus, [requested({ scheduleAt: at(60_000) })])).doc('n1')).toMatchObject({ status: 'scheduled', scheduleAt: at(60_000) });
  });
  it('NotificationSuppressed: suppressed with the reason, listed at the time it was decided', async () => {
    expect((await given(notificationStatus, [suppressed])).doc('n1')).toMatchObject({
      status: 'suppressed',
      reason: 'opted_out',
      suppressedAt: T0,
      timeline: [{ type: 'NotificationSuppressed', at: T0 }],
    });
    expect((await given(notificationStatus, [suppressed])).doc('n1')).toMatchObject({
      appId: 'app1',
      userId: 'u1',
      eventId: 'ev1',
      templateId: 'welcome',
      channel: 'email',
      requestedAt: T0,
    });
  });
  it('NotificationAttemptFailed then NotificationSent: attempts, provider, message id, timeline', async () => {
    const { doc } = await given(notificationStatus, [requested(), attemptFailed(), sent('n1', 2000, 2)]);
    expect(doc('n1')).toMatchObject({
      status: 'sent',
      attempts: 2,
      provider: 'sendgrid',
      providerMessageId: 'pm-n1',
      sentAt: at(2000),
      lastError: { code: '503', message: 'busy' },
    });
    expect(doc('n1')?.timeline).toEqual([
      { type: 'NotificationRequested', at: T0 },
      { type: 'NotificationAttemptFailed', at: at(1000) },
      { type: 'NotificationSent', at: at(2000) },
    ]);
  });
  it('NotificationFailed: failed with the reason; NotificationDelivered after sent: delivered', async () => {
    expect((await given(notificationStatus, [requested(), attemptFailed(), failed()])).doc('n1')).toMatchObject({
      status: 'failed',
      attempts: 2,
      reason: 'exhausted',
      failedAt: at(3000),
    });
    expect((await given(notificationStatus, [requested(), sent(), delivered()])).doc('n1')).toMatchObject({ status: 'delivered', deliveredAt: at(4000) });
  });
  it('NotificationOpened and NotificationClicked: first times kept, status unchanged', async () => {
    const { doc } = await given(notificationStatus, [requested(), sent(), opened(), clicked(), clicked(9000)]);
    expect(doc('n1')).toMatchObject({ status: 'sent', openedAt: at(5000), clickedAt: at(6000) });
    expect(doc('n1')?.timeline).toHaveLength(5);
  });
});

describe('analytics', () => {
  // A bucket per request hour x app x channel x template x provider; '' until an attempt has an answer.
  const bucket = 'b:2026-03-01T10:00:00.000Z|app1|email|welcome|';
  const sendgrid = 'b:2026-03-01T10:00:00.000Z|app1|email|welcome|sendgrid';
  it('NotificationRequested and NotificationSuppressed: counted in the request-hour bucket by status', async () => {
    const { doc } = await given(analytics, [
      requested({ notificationId: 'n1' }),
      requested({ notificationId: 'n2', scheduleAt: at(1) }),
      { ...suppressed, data: { ...suppressed.data, notificationId: 'n3' } } as DomainEvent,
    ]);
    expect(doc(bucket)).toEqual({
      _id: bucket,
      kind: 'bucket',
      hour: '2026-03-01T10:00:00.000Z',
      day: '2026-03-01T00:00:00.000Z',
      appId: 'app1',
      channel: 'email',
      templateId: 'welcome',
      provider: '',
      total: 3,
      status: { pending: 1, scheduled: 1, suppressed: 1 },
    });
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
      requested({ notificationId: 'n1' }),
      sent('n1', 400_000),
      delivered(),
      opened(),
      clicked(),
      clicked(7000),
      requested({ notificationId: 'n2' }),
      { type: 'NotificationFailed', data: { notificationId: 'n2', reason: 'permanent', code: '400', message: 'bad', at: at(1) } },
    ]);
    expect(doc(sendgrid)).toMatchObject({ total: 1, status: { sent: 0, delivered: 1 }, opened: 1, clicked: 1, latency: { le_inf: 1, count: 1 } });
    expect(doc(bucket)).toMatchObject({ total: 1, status: { pending: 0, failed: 1 } });
  });
  it('NotificationConverted counts once; NotificationRedriven takes a failed notification back to pending in the same bucket', async () => {
    const { doc } = await given(analytics, [
      requested({ notificationId: 'n1' }),
      sent('n1'),
      clicked(),
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
