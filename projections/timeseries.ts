/**
 * GET /v1/analytics/timeseries: the analytics buckets (analytics.ts: one per request hour x app x
 * channel x template x provider) summed per hour or day and per group. Cohort semantics as in the
 * summary: a notification counts in the interval of its request, with everything that happened to
 * it since. Only intervals with data are listed, oldest first.
 */
import { CHANNELS, type Channel } from '../domain/events.ts';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../domain/notification.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { analytics, type AnalyticsBucketDoc } from './analytics.ts';
import { servingCollection } from './generations.ts';
import { QueryError } from './queries.ts';
import { hourOf } from './readModel.ts';

export const TIMESERIES_INTERVALS = ['hour', 'day'] as const;
export type TimeseriesInterval = (typeof TIMESERIES_INTERVALS)[number];
export const TIMESERIES_GROUPS = ['channel', 'template', 'provider', 'status'] as const;
export type TimeseriesGroup = (typeof TIMESERIES_GROUPS)[number];

export interface TimeseriesRow {
  /** Start of the hour or day (UTC, ISO). */
  start: string;
  /** The channel, template id, provider ('' before any attempt answered) or status. */
  group: string;
  total: number;
  byStatus: Record<NotificationStatus, number>;
  /** Per status these cannot be told apart: null when grouping by status. */
  opened: number | null;
  clicked: number | null;
  converted: number | null;
  /** x / (sent + delivered), null when nothing reached anyone. */
  deliveryRate: number | null;
  openRate: number | null;
  clickRate: number | null;
  conversionRate: number | null;
}

export interface Timeseries {
  from: string;
  to: string;
  interval: TimeseriesInterval;
  groupBy: TimeseriesGroup;
  appId: string | null;
  channel: Channel | null;
  buckets: TimeseriesRow[];
}

const zero = (): Record<NotificationStatus, number> => Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;

function groupsOf(b: AnalyticsBucketDoc, groupBy: TimeseriesGroup): Array<{ group: string; statuses: readonly NotificationStatus[] }> {
  switch (groupBy) {
    case 'channel':
      return [{ group: b.channel, statuses: NOTIFICATION_STATUSES }];
    case 'template':
      return [{ group: b.templateId, statuses: NOTIFICATION_STATUSES }];
    case 'provider':
      return [{ group: b.provider ?? '', statuses: NOTIFICATION_STATUSES }];
    case 'status':
      return NOTIFICATION_STATUSES.filter((s) => (b.status?.[s] ?? 0) !== 0).map((s) => ({ group: s, statuses: [s] }));
    default: {
      const never: never = groupBy;
      return never;
    }
  }
}

const rate = (n: number | null, base: number) => (n === null || base <= 0 ? null : n / base);

export async function analyticsTimeseries(
  store: ProjectionStore,
  q: { appId?: string; from: Date; to: Date; interval: TimeseriesInterval; groupBy: TimeseriesGroup; channel?: Channel },
): Promise<Timeseries> {
  if (!(q.from.getTime() < q.to.getTime())) throw new QueryError('to', 'to must be after from');
  if (q.channel !== undefined && !(CHANNELS as readonly string[]).includes(q.channel)) throw new QueryError('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  const from = q.from.toISOString();
  const to = q.to.toISOString();
  const c = await servingCollection<AnalyticsBucketDoc>(store, analytics);
  const docs = await c.find({
    kind: 'bucket',
    hour: { $gte: hourOf(from), $lt: to },
    ...(q.appId !== undefined && { appId: q.appId }),
    ...(q.channel !== undefined && { channel: q.channel }),
  });
  const rows = new Map<string, TimeseriesRow>();
  for (const b of docs) {
    const start = q.interval === 'hour' ? b.hour : b.day;
    for (const { group, statuses } of groupsOf(b, q.groupBy)) {
      const key = `${start}\u0000${group}`;
      let row = rows.get(key);
      if (!row) {
        const perNotification = q.groupBy === 'status' ? null : 0;
        row = {
          start,
          group,
          total: 0,
          byStatus: zero(),
          opened: perNotification,
          clicked: perNotification,
          converted: perNotification,
          deliveryRate: null,
          openRate: null,
          clickRate: null,
          conversionRate: null,
        };
        rows.set(key, row);
      }
      for (const s of statuses) {
        const n = b.status?.[s] ?? 0;
        row.byStatus[s] += n;
        if (q.groupBy === 'status') row.total += n;
      }
      if (q.groupBy !== 'status') {
        row.total += b.total ?? 0;
        row.opened = (row.opened ?? 0) + (b.opened ?? 0);
        row.clicked = (row.clicked ?? 0) + (b.clicked ?? 0);
        row.converted = (row.converted ?? 0) + (b.converted ?? 0);
      }
    }
  }
  const buckets = [...rows.values()].filter((r) => r.total !== 0 || q.groupBy === 'status');
  for (const r of buckets) {
    const reached = r.byStatus.sent + r.byStatus.delivered;
    r.deliveryRate = q.groupBy === 'status' ? null : rate(r.byStatus.delivered, reached);
    r.openRate = rate(r.opened, reached);
    r.clickRate = rate(r.clicked, reached);
    r.conversionRate = rate(r.converted, reached);
  }
  buckets.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return { from, to, interval: q.interval, groupBy: q.groupBy, appId: q.appId ?? null, channel: q.channel ?? null, buckets };
}
