import { Router, type Response } from 'express';
import type { Channel } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../../domain/notification.ts';
import type { AnalyticsSummary as SummaryResult } from '../../projections/queries.ts';
import type { Timeseries, TimeseriesGroup, TimeseriesInterval } from '../../projections/timeseries.ts';
import { toCsv } from '../edge/csv.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf } from '../edge/locals.ts';
import { analyticsQuerySchema, timeseriesQuerySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

export type AnalyticsSummary = (query: { appId: string; from: Date; to: Date; channel?: Channel }) => Promise<SummaryResult>;
export type AnalyticsTimeseries = (query: {
  appId: string;
  from: Date;
  to: Date;
  interval: TimeseriesInterval;
  groupBy: TimeseriesGroup;
  channel?: Channel;
}) => Promise<Timeseries>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_RANGE_DAYS = 366;
/** Hourly series past this span are refused: a year of hours per group is no chart. */
const MAX_HOURLY_DAYS = 31;

function windowOf(q: { from?: string | undefined; to?: string | undefined }, now: Date, maxDays: number, defaultMs = DAY): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultMs);
  if (from.getTime() >= to.getTime()) throw new HttpError(400, 'invalid_request', 'to: must be after from', { field: 'to' });
  if (to.getTime() - from.getTime() > maxDays * DAY) {
    throw new HttpError(400, 'invalid_request', `from: the range may span at most ${maxDays} days`, { field: 'from' });
  }
  return { from, to };
}

const sendCsv = (res: Response, name: string, body: string) =>
  void res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${name}.csv"`).send(body);

/** Counts come from the analytics projection (eventually consistent: it follows the log). */
export function analyticsRouter(deps: { summary?: AnalyticsSummary | undefined; timeseries?: AnalyticsTimeseries | undefined }, now: () => Date): Router {
  const router = Router();
  const unavailable = () => new HttpError(503, 'unavailable', 'analytics need the projection store, which this API process was started without');

  router.get('/analytics/summary', async (req, res) => {
    const q = parse(analyticsQuerySchema, req.query, 'query');
    const { from, to } = windowOf(q, now(), MAX_RANGE_DAYS);
    if (!deps.summary) throw unavailable();
    const result = await deps.summary({ appId: appIdOf(res), from, to, ...(q.channel ? { channel: q.channel } : {}) });
    if (q.format !== 'csv') return void res.status(200).json(result);
    const scopes: Array<[string, Pick<SummaryResult, 'total' | 'byStatus' | 'opened' | 'clicked' | 'converted'>]> = [['all', result], ...Object.entries(result.byChannel)];
    const rows = scopes.map(([scope, c]) => {
      const reached = c.byStatus.sent + c.byStatus.delivered;
      const ratio = (n: number) => (reached > 0 ? n / reached : null);
      return [
        scope,
        c.total,
        ...NOTIFICATION_STATUSES.map((s) => c.byStatus[s]),
        c.opened,
        c.clicked,
        c.converted,
        ratio(c.byStatus.delivered),
        ratio(c.opened),
        ratio(c.clicked),
        ratio(c.converted),
      ];
    });
    sendCsv(res, 'summary', toCsv(['scope', 'total', ...NOTIFICATION_STATUSES, 'opened', 'clicked', 'converted', 'deliveryRate', 'openRate', 'clickRate', 'conversionRate'], rows));
  });

  router.get('/analytics/timeseries', async (req, res) => {
    const q = parse(timeseriesQuerySchema, req.query, 'query');
    const interval = q.interval ?? 'hour';
    const { from, to } = windowOf(q, now(), interval === 'hour' ? MAX_HOURLY_DAYS : MAX_RANGE_DAYS, interval === 'hour' ? DAY : 30 * DAY);
    if (!deps.timeseries) throw unavailable();
    const result = await deps.timeseries({ appId: appIdOf(res), from, to, interval, groupBy: q.groupBy ?? 'channel', ...(q.channel ? { channel: q.channel } : {}) });
    if (q.format !== 'csv') return void res.status(200).json(result);
    sendCsv(
      res,
      'timeseries',
      toCsv(
        ['start', result.groupBy, 'total', ...NOTIFICATION_STATUSES, 'opened', 'clicked', 'converted', 'deliveryRate', 'openRate', 'clickRate', 'conversionRate'],
        result.buckets.map((b) => [
          b.start,
          b.group,
          b.total,
          ...NOTIFICATION_STATUSES.map((s) => b.byStatus[s]),
          b.opened,
          b.clicked,
          b.converted,
          b.deliveryRate,
          b.openRate,
          b.clickRate,
          b.conversionRate,
        ]),
      ),
    );
  });
  return router;
}
