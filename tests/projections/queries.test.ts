import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { analytics } from '../../projections/analytics.ts';
import { notificationStatus } from '../../projections/notificationStatus.ts';
import { analyticsSummary, countInWindow, countSince, getNotificationStatus, QueryError, recordRepeatClick } from '../../projections/queries.ts';
import { rateWindows } from '../../projections/rateWindows.ts';
import { at, given, record, requested, T0 } from './fixtures.ts';

const sent = (n: string, t: number): DomainEvent => ({ type: 'NotificationSent', data: { notificationId: n, attempt: 1, provider: 'p', providerMessageId: `pm-${n}`, at: at(t) } });
const opened = (n: string): DomainEvent => ({ type: 'NotificationOpened', data: { notificationId: n, at: at(9000) } });
const clicked = (n: string): DomainEvent => ({ type: 'NotificationClicked', data: { notificationId: n, url: 'https://example.test', at: at(9500) } });

describe('queries', () => {
  it('analyticsSummary breaks sends and failed attempts down by provider (a failover shows there)', async () => {
    const store = createSqliteProjectionStore(':memory:');
    await given(
      analytics,
      record([
        requested({ notificationId: 'x' }),
        requested({ notificationId: 'y' }),
        { type: 'NotificationAttemptFailed', data: { notificationId: 'x', attempt: 1, provider: 'simulator:sendgrid', code: 'sendgrid:503', message: 'x', at: at(100) } },
        { type: 'NotificationAttemptFailed', data: { notificationId: 'x', attempt: 2, provider: 'simulator:sendgrid', code: 'sendgrid:503', message: 'x', at: at(150) } },
        { type: 'NotificationSent', data: { notificationId: 'x', attempt: 3, provider: 'simulator:smtp', providerMessageId: 'm', at: at(200) } },
        sent('y', 300),
      ]),
      store,
    );
    const s = await analyticsSummary(store, { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    expect(s.byProvider).toEqual({ 'simulator:sendgrid': { sent: 0, failedAttempts: 2 }, 'simulator:smtp': { sent: 1, failedAttempts: 0 }, p: { sent: 1, failedAttempts: 0 } });
  });

  it('analyticsSummary: counts by status and channel, open and click rates, latency, filtered by app, channel and hour window', async () => {
    const events = record([
      requested({ notificationId: 'a' }),
      requested({ notificationId: 'b', channel: 'sms' }),
      requested({ notificationId: 'c' }),
      requested({ notificationId: 'd', appId: 'app2' }),
      requested({ notificationId: 'e', requestedAt: at(2 * 3600_000) }),
      {
        type: 'NotificationSuppressed',
        data: { notificationId: 'f', appId: 'app1', eventId: 'e', userId: 'u1', channel: 'email', templateId: 'welcome', reason: 'rate_limited', at: T0 },
      },
      sent('a', 300),
      sent('b', 1200),
      opened('a'),
      clicked('a'),
    ]);
    const store = createSqliteProjectionStore(':memory:');
    await given(analytics, events, store);
    const s = await analyticsSummary(store, { appId: 'app1', from: '2026-03-01T10:30:00Z', to: '2026-03-01T11:00:00Z' });
    expect(s).toMatchObject({ from: '2026-03-01T10:30:00.000Z', appId: 'app1', channel: null, total: 4, opened: 1, clicked: 1, repeatClicks: 0 });
    expect(s.byProvider).toEqual({ p: { sent: 2, failedAttempts: 0 } });
    expect(s.byStatus).toEqual({ pending: 1, scheduled: 0, sent: 2, delivered: 0, failed: 0, suppressed: 1, canceled: 0, digested: 0 });
    expect(s.byChannel.email).toEqual({
      total: 3,
      byStatus: { pending: 1, scheduled: 0, sent: 1, delivered: 0, failed: 0, suppressed: 1, canceled: 0, digested: 0 },
      opened: 1,
      clicked: 1,
      converted: 0,
    });
    expect(s.byChannel.sms?.total).toBe(1);
    expect(s.byChannel.ios?.total).toBe(0);
    expect(s.openRate).toBe(0.5);
    expect(s.clickRate).toBe(0.5);
    expect(s.latency.count).toBe(2);
    expect(s.latency.meanMs).toBe(750);
    expect(s.latency.buckets.filter((b) => b.count > 0)).toEqual([
      { leMs: 500, count: 1 },
      { leMs: 2500, count: 1 },
    ]);

    const emailOnly = await analyticsSummary(store, { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', channel: 'email' });
    expect(Object.keys(emailOnly.byChannel)).toEqual(['email']);
    expect(emailOnly.total).toBe(5); // a, c, d (app2), e (two hours later), f
    const empty = await analyticsSummary(store, { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' });
    expect(empty).toMatchObject({ total: 0, openRate: null, clickRate: null, latency: { count: 0, meanMs: null } });

    await expect(analyticsSummary(store, { from: 'soon', to: '2026-03-02T00:00:00Z' })).rejects.toThrow(QueryError);
    await expect(analyticsSummary(store, { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' })).rejects.toMatchObject({ field: 'to' });
    await expect(analyticsSummary(store, { from: T0, to: at(1), channel: 'fax' as never })).rejects.toMatchObject({ field: 'channel' });

    // Repeat clicks: on the notification and its bucket, outside the log.
    expect(await recordRepeatClick(store, 'a', at(10_000))).toBe(true);
    expect(await recordRepeatClick(store, 'a', at(11_000))).toBe(true);
    expect(await recordRepeatClick(store, 'nobody', at(11_000))).toBe(false);
    expect((await analyticsSummary(store, { appId: 'app1', from: T0, to: at(3600_000) })).repeatClicks).toBe(2);
    // ...and the runner applying a later event to that notification keeps them.
    await given(analytics, record([{ type: 'NotificationDelivered', data: { notificationId: 'a', provider: 'p', at: at(12_000) } }], 100), store);
    const after = await analyticsSummary(store, { appId: 'app1', from: T0, to: at(3600_000) });
    expect(after.repeatClicks).toBe(2);
    expect(after.byStatus.delivered).toBe(1);
  });

  it('countInWindow (calendar hour/day) and countSince (sliding, by category)', async () => {
    const store = createSqliteProjectionStore(':memory:');
    await given(
      rateWindows,
      [
        requested({ notificationId: 'a', requestedAt: '2026-03-01T10:05:00.000Z', category: 'promo' }),
        requested({ notificationId: 'b', requestedAt: '2026-03-01T10:55:00.000Z' }),
        requested({ notificationId: 'c', requestedAt: '2026-03-01T11:10:00.000Z', category: 'promo' }),
        requested({ notificationId: 'd', requestedAt: '2026-03-01T11:20:00.000Z', deferredBy: 'quiet_hours', scheduleAt: '2026-03-01T20:00:00.000Z' }),
        requested({ notificationId: 'e', requestedAt: '2026-03-01T11:30:00.000Z', userId: 'u2' }),
      ],
      store,
    );
    expect(await countInWindow(store, 'app1', 'u1', 'email', 'hour', '2026-03-01T10:59:59Z')).toBe(2);
    expect(await countInWindow(store, 'app1', 'u1', 'email', 'hour', new Date('2026-03-01T11:00:00Z'))).toBe(1);
    expect(await countInWindow(store, 'app1', 'u1', 'email', 'day', '2026-03-01T23:00:00Z')).toBe(3);
    expect(await countInWindow(store, 'app1', 'u1', 'sms', 'day', '2026-03-01T23:00:00Z')).toBe(0);
    expect(await countSince(store, { appId: 'app1', userId: 'u1', channel: 'email', since: new Date('2026-03-01T10:30:00Z') })).toBe(2);
    expect(await countSince(store, { appId: 'app1', userId: 'u1', channel: 'email', category: 'promo', since: new Date('2026-03-01T10:00:00Z') })).toBe(2);
    expect(await countSince(store, { appId: 'app1', userId: 'u1', channel: 'email', since: new Date('2026-03-01T11:15:00Z') })).toBe(0);
  });

  it('getNotificationStatus without bookkeeping fields', async () => {
    const store = createSqliteProjectionStore(':memory:');
    const events = [
      requested({ notificationId: 'late', scheduleAt: at(7200_000) }),
      requested({ notificationId: 'soon', scheduleAt: at(60_000) }),
      requested({ notificationId: 'now' }),
    ];
    await given(notificationStatus, events, store);
    const status = await getNotificationStatus(store, 'soon');
    expect(status).toMatchObject({ notificationId: 'soon', status: 'scheduled', attempts: 0 });
    expect(status).not.toHaveProperty('_pos');
    expect(await getNotificationStatus(store, 'nobody')).toBeNull();
  });
});
