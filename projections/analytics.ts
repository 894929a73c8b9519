import type { Channel, NotificationEvent } from '../domain/events.ts';
import { isFinal, type NotificationStatus } from '../domain/notification.ts';
import { dayOf, hourOf, type EventOf, type ProjectedDoc, type ReadModel, type Rollup } from './readModel.ts';

/** Upper bounds (ms) of the delivery-latency histogram (requested -> sent); the last bucket is open. */
export const LATENCY_BUCKETS_MS = [250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000] as const;
export const latencyBucketKey = (ms: number): string => {
  const le = LATENCY_BUCKETS_MS.find((b) => ms <= b);
  return le === undefined ? 'le_inf' : `le_${le}`;
};

/**
 * Two kinds of documents in one collection. `n:<id>` follows one notification (pure evolve);
 * `b:<hour>|<app>|<channel>|<template>` is an hourly bucket of counters, fed by the rollup of
 * each notification document's change. A notification counts in the bucket of its request
 * hour (a cohort), so its later opens, clicks and status changes land in that same bucket and
 * rates compare like with like.
 */
export interface AnalyticsNotificationDoc extends ProjectedDoc {
  kind: 'notification';
  notificationId: string;
  bucket: string;
  appId: string;
  channel: Channel;
  templateId: string;
  status: NotificationStatus;
  /** When sending was meant to start: the request time, or scheduleAt when later. */
  startAt: string;
  latencyMs?: number;
  opened: boolean;
  clicked: boolean;
  /** Incremented by recordRepeatClick (queries.ts) outside the log: not rebuildable. */
  repeatClicks?: number;
  /** The provider that sent it (a failover names the secondary). */
  provider?: string;
  /** Retryable failures per provider. */
  failedAttempts?: Record<string, number>;
}

export interface AnalyticsBucketDoc extends ProjectedDoc {
  kind: 'bucket';
  hour: string;
  day: string;
  appId: string;
  channel: Channel;
  templateId: string;
  total?: number;
  status?: Partial<Record<NotificationStatus, number>>;
  opened?: number;
  clicked?: number;
  repeatClicks?: number;
  latency?: { count?: number; sumMs?: number } & Record<string, number>;
  /** Per provider (key: providerKey): notifications it sent and attempts that failed on it. */
  providers?: Record<string, { sent?: number; failedAttempts?: number }>;
}

/** A provider name as a document key ('.' and '$' are not allowed in MongoDB field names). */
export const providerKey = (provider: string): string => provider.replace(/[.$]/g, '_');

type Handled = NotificationEvent['type'];
type Doc = AnalyticsNotificationDoc;

export const bucketId = (hour: string, appId: string, channel: Channel, templateId: string) => `b:${hour}|${appId}|${channel}|${templateId}`;

function fresh(id: string, notificationId: string, appId: string, channel: Channel, templateId: string, at: string, status: NotificationStatus, startAt: string): Doc {
  return { _id: id, kind: 'notification', notificationId, bucket: bucketId(hourOf(at), appId, channel, templateId), appId, channel, templateId, status, startAt, opened: false, clicked: false };
}

function evolve(doc: Doc | undefined, event: EventOf<Handled>, id: string): Doc | undefined {
  switch (event.type) {
    case 'NotificationRequested': {
      if (doc) return doc;
      const r = event.data;
      const start = r.scheduleAt && r.scheduleAt > r.requestedAt ? new Date(r.scheduleAt).toISOString() : r.requestedAt;
      return fresh(id, r.notificationId, r.appId, r.channel, r.templateId, r.requestedAt, r.scheduleAt || r.digest ? 'scheduled' : 'pending', start);
    }
    case 'NotificationSuppressed': {
      if (doc) return doc;
      const s = event.data;
      return fresh(id, s.notificationId, s.appId, s.channel, s.templateId, s.at, 'suppressed', s.at);
    }
    // Without its request the notification has no bucket: such an event is ignored here.
    case 'NotificationSent': {
      if (!doc) return doc;
      const latencyMs = doc.latencyMs ?? Math.max(0, Date.parse(event.data.at) - Date.parse(doc.startAt));
      return isFinal(doc.status) ? doc : { ...doc, status: 'sent', latencyMs, provider: event.data.provider };
    }
    case 'NotificationAttemptFailed': {
      if (!doc) return doc;
      const p = providerKey(event.data.provider);
      return { ...doc, failedAttempts: { ...doc.failedAttempts, [p]: (doc.failedAttempts?.[p] ?? 0) + 1 } };
    }
    case 'NotificationFailed':
      if (!doc || doc.status === 'failed' || doc.status === 'suppressed' || doc.status === 'delivered' || doc.status === 'canceled' || doc.status === 'digested') return doc;
      return { ...doc, status: 'failed' };
    case 'NotificationCanceled':
      return doc && !isFinal(doc.status) ? { ...doc, status: 'canceled' } : doc;
    case 'NotificationDigested':
      return doc && !isFinal(doc.status) ? { ...doc, status: 'digested' } : doc;
    case 'NotificationDelivered':
      return doc && doc.status === 'sent' ? { ...doc, status: 'delivered' } : doc;
    case 'NotificationOpened':
      return doc && { ...doc, opened: true };
    case 'NotificationClicked':
      return doc && { ...doc, clicked: true };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function rollup(before: Doc | undefined, after: Doc | undefined): Rollup[] {
  if (!after) return [];
  const inc: Record<string, number> = {};
  const add = (k: string, n: number) => (inc[k] = (inc[k] ?? 0) + n);
  if (!before) add('total', 1);
  if (before?.status !== after.status) {
    if (before) add(`status.${before.status}`, -1);
    add(`status.${after.status}`, 1);
  }
  if (after.opened && !before?.opened) add('opened', 1);
  if (after.clicked && !before?.clicked) add('clicked', 1);
  if (after.latencyMs !== undefined && before?.latencyMs === undefined) {
    add(`latency.${latencyBucketKey(after.latencyMs)}`, 1);
    add('latency.count', 1);
    add('latency.sumMs', after.latencyMs);
  }
  if (after.provider !== undefined && before?.provider === undefined) add(`providers.${providerKey(after.provider)}.sent`, 1);
  for (const [p, n] of Object.entries(after.failedAttempts ?? {})) {
    const was = before?.failedAttempts?.[p] ?? 0;
    if (n > was) add(`providers.${p}.failedAttempts`, n - was);
  }
  if (Object.keys(inc).length === 0) return [];
  const hour = after.bucket.slice(2, after.bucket.indexOf('|'));
  return [{ id: after.bucket, inc, onInsert: { kind: 'bucket', hour, day: dayOf(hour), appId: after.appId, channel: after.channel, templateId: after.templateId } }];
}

export const analytics: ReadModel<Doc, Handled> = {
  name: 'analytics',
  handles: [
    'NotificationRequested', 'NotificationSuppressed', 'NotificationSent', 'NotificationAttemptFailed', 'NotificationFailed', 'NotificationDelivered',
    'NotificationOpened', 'NotificationClicked', 'NotificationCanceled', 'NotificationDigested',
  ],
  indexes: [{ keys: { kind: 1, hour: 1 } }],
  ids: (event) => [`n:${event.data.notificationId}`],
  evolve,
  rollup,
};
