/**
 * Read-side queries over the projections. Every function takes the ProjectionStore and resolves
 * the generation that serves (see generations.ts), so callers never name physical collections.
 *
 * analyticsSummary({ appId?, from, to, channel? }) returns exactly (served at GET /v1/analytics/summary):
 *
 *   {
 *     from: string, to: string,                 // ISO, as given (normalised)
 *     appId: string | null, channel: Channel | null,
 *     total: number,                            // notifications requested or suppressed in the window
 *     byStatus: { pending, scheduled, sent, delivered, failed, suppressed: number },   // current status
 *     byChannel: { [channel in ios|android|sms|email]: { total: number, byStatus: {...same keys}, opened: number, clicked: number } },
 *                                               // every channel, or only `channel` when one is given
 *     delivered: number, converted: number,     // delivered (status), converted at least once (the app's report)
 *     opened: number, clicked: number,          // notifications opened / clicked at least once
 *     repeatClicks: number,                     // clicks after the first (recordRepeatClick; not rebuildable)
 *     openRate, clickRate, deliveryRate, conversionRate: number | null,   // x / (sent + delivered); null when nothing reached anyone
 *     byProvider: { [provider]: { sent: number, failedAttempts: number } },   // who carried the sends (failover shows here)
 *     latency: { count: number, meanMs: number | null,      // requested (or scheduleAt) -> first NotificationSent
 *                buckets: [{ leMs: number | null, count: number }] }   // fixed bounds, cumulative = false; null = +Inf
 *   }
 *
 * The window is hourly: a notification counts when the hour of its request is in [hour(from), to).
 * `from`/`to` that are not ISO times, or `from` >= `to`, throw a QueryError naming the field.
 */
import { CHANNELS, type Channel } from '../domain/events.ts';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../domain/notification.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { LATENCY_BUCKETS_MS, analytics, type AnalyticsBucketDoc, type AnalyticsNotificationDoc } from './analytics.ts';
import { servingCollection } from './generations.ts';
import { notificationStatus, type NotificationStatusDoc } from './notificationStatus.ts';
import { rateWindowId, rateWindows, windowStart, type RateWindow, type RateWindowDoc } from './rateWindows.ts';
import { hourOf } from './readModel.ts';

/** Bad query input (the HTTP edge answers 400 naming `field`). */
export class QueryError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'QueryError';
    this.field = field;
  }
}

/** `_pos` is bookkeeping of the runner, not part of an answer. */
const strip = <T extends { _pos?: number }>(doc: T | null): T | null => {
  if (!doc) return null;
  const { _pos: _ignored, ...rest } = doc;
  return rest as T;
};

export async function getNotificationStatus(store: ProjectionStore, notificationId: string): Promise<NotificationStatusDoc | null> {
  return strip(await (await servingCollection<NotificationStatusDoc>(store, notificationStatus)).findOne({ _id: notificationId }));
}

/**
 * Notifications not final whose last event is older than `before` (oldest first): pending ones, and
 * scheduled ones that were due by then. What the stuck-notification reconciler looks at.
 */
export async function unfinishedSince(store: ProjectionStore, before: string, limit: number): Promise<NotificationStatusDoc[]> {
  const c = await servingCollection<NotificationStatusDoc>(store, notificationStatus);
  const docs = await c.find({ status: { $in: ['pending', 'scheduled'] }, updatedAt: { $lt: before } }, { sort: { updatedAt: 1 }, limit });
  return docs.filter((d) => d.status === 'pending' || (d.scheduleAt !== undefined && d.scheduleAt < before)).map((d) => strip(d)!);
}

/** Requests (not deferred) for the user on the channel in the calendar hour or day (UTC) containing `at`. */
export async function countInWindow(store: ProjectionStore, appId: string, userId: string, channel: Channel, window: RateWindow, at: string | Date): Promise<number> {
  const iso = at instanceof Date ? at.toISOString() : isoOf('at', at);
  const c = await servingCollection<RateWindowDoc>(store, rateWindows);
  return (await c.findOne({ _id: rateWindowId(appId, userId, channel, window, windowStart(window, iso)) }))?.count ?? 0;
}

/** Requests since `since` (a sliding window), optionally of one category: reads only the hours it overlaps. */
export async function countSince(store: ProjectionStore, q: { appId: string; userId: string; channel: Channel; category?: string; since: Date }): Promise<number> {
  const c = await servingCollection<RateWindowDoc>(store, rateWindows);
  const since = q.since.toISOString();
  const docs = await c.find({ appId: q.appId, userId: q.userId, channel: q.channel, window: 'hour', start: { $gte: hourOf(since) } });
  let n = 0;
  for (const d of docs) for (const r of d.requests ?? []) if (r.at >= since && (q.category === undefined || r.category === q.category)) n += 1;
  return n;
}

/**
 * A repeat click (the log records only the first NotificationClicked): counted on the
 * notification's analytics document and its bucket, outside the log, so a rebuild forgets it.
 * Returns false when the notification is not (yet) in the analytics projection.
 */
export async function recordRepeatClick(store: ProjectionStore, notificationId: string, at: string): Promise<boolean> {
  const c = await servingCollection<AnalyticsNotificationDoc>(store, analytics);
  const doc = await c.findOne({ _id: `n:${notificationId}` });
  if (!doc) return false;
  await c.upsert(doc.bucket, { $inc: { repeatClicks: 1 } });
  await c.upsert(doc._id, { $inc: { repeatClicks: 1 }, $max: { lastClickAt: isoOf('at', at) } });
  return true;
}

type StatusCounts = Record<NotificationStatus, number>;
export interface ChannelSummary {
  total: number;
  byStatus: StatusCounts;
  opened: number;
  clicked: number;
  converted: number;
}
export interface AnalyticsSummary {
  from: string;
  to: string;
  appId: string | null;
  channel: Channel | null;
  total: number;
  byStatus: StatusCounts;
  byChannel: Partial<Record<Channel, ChannelSummary>>;
  delivered: number;
  opened: number;
  clicked: number;
  /** Notifications the app reported at least one conversion for. */
  converted: number;
  repeatClicks: number;
  /** delivered / (sent + delivered); the other rates have the same base. */
  deliveryRate: number | null;
  openRate: number | null;
  clickRate: number | null;
  conversionRate: number | null;
  latency: { count: number; meanMs: number | null; buckets: Array<{ leMs: number | null; count: number }> };
  byProvider: Record<string, { sent: number; failedAttempts: number }>;
}

function isoOf(field: string, value: string): string {
  const t = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new QueryError(field, `${field} must be an ISO time, got ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}

const zeroStatus = (): StatusCounts => Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as StatusCounts;

export async function analyticsSummary(store: ProjectionStore, q: { appId?: string; from: string; to: string; channel?: Channel }): Promise<AnalyticsSummary> {
  const from = isoOf('from', q.from);
  const to = isoOf('to', q.to);
  if (from >= to) throw new QueryError('to', 'to must be after from');
  if (q.channel !== undefined && !(CHANNELS as readonly string[]).includes(q.channel)) throw new QueryError('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  const c = await servingCollection<AnalyticsBucketDoc>(store, analytics);
  const buckets = await c.find({
    kind: 'bucket',
    hour: { $gte: hourOf(from), $lt: to },
    ...(q.appId !== undefined && { appId: q.appId }),
    ...(q.channel !== undefined && { channel: q.channel }),
  });
  const channels = q.channel ? [q.channel] : CHANNELS;
  const byChannel: Partial<Record<Channel, ChannelSummary>> = {};
  for (const ch of channels) byChannel[ch] = { total: 0, byStatus: zeroStatus(), opened: 0, clicked: 0, converted: 0 };
  const out: AnalyticsSummary = {
    from,
    to,
    appId: q.appId ?? null,
    channel: q.channel ?? null,
    total: 0,
    byStatus: zeroStatus(),
    byChannel,
    delivered: 0,
    opened: 0,
    clicked: 0,
    converted: 0,
    repeatClicks: 0,
    deliveryRate: null,
    openRate: null,
    clickRate: null,
    conversionRate: null,
    latency: { count: 0, meanMs: null, buckets: [...LATENCY_BUCKETS_MS.map((le) => ({ leMs: le as number | null, count: 0 })), { leMs: null, count: 0 }] },
    byProvider: {},
  };
  let sumMs = 0;
  for (const b of buckets) {
    const ch = byChannel[b.channel];
    if (!ch) continue;
    out.total += b.total ?? 0;
    ch.total += b.total ?? 0;
    for (const s of NOTIFICATION_STATUSES) {
      out.byStatus[s] += b.status?.[s] ?? 0;
      ch.byStatus[s] += b.status?.[s] ?? 0;
    }
    out.opened += b.opened ?? 0;
    ch.opened += b.opened ?? 0;
    out.clicked += b.clicked ?? 0;
    ch.clicked += b.clicked ?? 0;
    out.converted += b.converted ?? 0;
    ch.converted += b.converted ?? 0;
    out.repeatClicks += b.repeatClicks ?? 0;
    out.latency.count += b.latency?.count ?? 0;
    sumMs += b.latency?.sumMs ?? 0;
    for (const bucket of out.latency.buckets) bucket.count += b.latency?.[bucket.leMs === null ? 'le_inf' : `le_${bucket.leMs}`] ?? 0;
    for (const [p, counts] of Object.entries(b.providers ?? {})) {
      const row = (out.byProvider[p] ??= { sent: 0, failedAttempts: 0 });
      row.sent += counts.sent ?? 0;
      row.failedAttempts += counts.failedAttempts ?? 0;
    }
  }
  const reached = out.byStatus.sent + out.byStatus.delivered;
  out.delivered = out.byStatus.delivered;
  out.deliveryRate = reached > 0 ? out.delivered / reached : null;
  out.openRate = reached > 0 ? out.opened / reached : null;
  out.clickRate = reached > 0 ? out.clicked / reached : null;
  out.conversionRate = reached > 0 ? out.converted / reached : null;
  out.latency.meanMs = out.latency.count > 0 ? sumMs / out.latency.count : null;
  return out;
}

/** The source the command side's rate limiter reads (commands/rateLimits.ts RateWindowSource). */
export function createRateWindowSource(store: ProjectionStore, appliedPosition: () => Promise<number>) {
  return {
    count: (q: { appId: string; userId: string; channel: Channel; category?: string; since: Date }) => countSince(store, q),
    appliedPosition,
  };
}
