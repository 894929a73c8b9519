import { NOTIFICATION_EVENT_TYPES, type Channel, type NotificationEvent } from '../domain/events.ts';
import { isFinal, nextStatus, type NotificationStatus } from '../domain/notification.ts';
import { dayOf, hourOf, type EventOf, type ProjectedDoc, type ReadModel, type Rollup } from './readModel.ts';

/** Upper bounds (ms) of the delivery-latency histogram (requested -> sent); the last bucket is open. */
export const LATENCY_BUCKETS_MS = [250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000] as const;
export const latencyBucketKey = (ms: number): string => {
  const le = LATENCY_BUCKETS_MS.find((b) => ms <= b);
  return le === undefined ? 'le_inf' : `le_${le}`;
};

/**
 * Two kinds of documents in one collection. `n:<id>` follows one notification (pure evolve);
 * `b:<hour>|<app>|<channel>|<template>|<provider>` is an hourly bucket of counters, fed by the
 * rollup of each notification document's change. A notification counts in the bucket of its
 * request hour (a cohort), so its later opens, clicks, conversions and status changes land in
 * that same bucket and rates compare like with like. The provider is known only once an attempt
 * has an answer (and a failover may change it): until then it is '', and when it changes the
 * notification's counters move from the old bucket to the new one (the rollup is a difference of
 * contributions, so a document written before the provider dimension existed moves the same way).
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
  /** The provider of the latest attempt's answer ('' before any). */
  provider?: string;
  converted?: boolean;
  /** Incremented by recordRepeatClick (queries.ts) outside the log: not rebuildable. */
  repeatClicks?: number;
  /** The provider that sent it (a failover names the secondary). */
  sentBy?: string;
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
  /** Absent on buckets written before the provider dimension: read as ''. */
  provider?: string;
  total?: number;
  status?: Partial<Record<NotificationStatus, number>>;
  opened?: number;
  clicked?: number;
  converted?: number;
  repeatClicks?: number;
  latency?: { count?: number; sumMs?: number } & Record<string, number>;
  /** Per provider (key: providerKey): notifications it sent and attempts that failed on it. */
  providers?: Record<string, { sent?: number; failedAttempts?: number }>;
}

/** A provider name as a document key ('.' and '$' are not allowed in MongoDB field names). */
export const providerKey = (provider: string): string => provider.replace(/[.$]/g, '_');

type Handled = NotificationEvent['type'];
type Doc = AnalyticsNotificationDoc;

export const bucketId = (hour: string, appId: string, channel: Channel, templateId: string, provider = '') => `b:${hour}|${appId}|${channel}|${templateId}|${provider}`;

function fresh(id: string, notificationId: string, appId: string, channel: Channel, templateId: string, at: string, status: NotificationStatus, startAt: string): Doc {
  return {
    _id: id,
    kind: 'notification',
    notificationId,
    bucket: bucketId(hourOf(at), appId, channel, templateId),
    appId,
    channel,
    templateId,
    status,
    startAt,
    opened: false,
    clicked: false,
    provider: '',
  };
}

/** The doc with its provider (and so its bucket) set from an attempt's answer. */
function withProvider(doc: Doc, provider: string): Doc {
  if ((doc.provider ?? '') === provider) return doc;
  const hour = doc.bucket.slice(2, doc.bucket.indexOf('|'));
  return { ...doc, provider, bucket: bucketId(hour, doc.appId, doc.channel, doc.templateId, provider) };
}

/** The status moves by the notification state machine (domain/notification.ts nextStatus). */
function evolve(doc: Doc | undefined, event: EventOf<Handled>, id: string): Doc | undefined {
  const next = doc && nextStatus(doc.status, event);
  /** The status this event moves the notification to; undefined when it stays (or is unknown here). */
  const moved = next !== doc?.status ? next : undefined;
  switch (event.type) {
    case 'NotificationRequested': {
      if (doc) return doc;
      const r = event.data;
      const start = r.scheduleAt && r.scheduleAt > r.requestedAt ? new Date(r.scheduleAt).toISOString() : r.requestedAt;
      return fresh(id, r.notificationId, r.appId, r.channel, r.templateId, r.requestedAt, nextStatus('none', event), start);
    }
    case 'NotificationSuppressed': {
      if (doc) return doc;
      const s = event.data;
      return fresh(id, s.notificationId, s.appId, s.channel, s.templateId, s.at, nextStatus('none', event), s.at);
    }
    // Without its request the notification has no bucket: such an event is ignored here.
    case 'NotificationSent': {
      if (!doc || !moved) return doc;
      const latencyMs = doc.latencyMs ?? Math.max(0, Date.parse(event.data.at) - Date.parse(doc.startAt));
      return { ...withProvider(doc, event.data.provider), status: moved, latencyMs, sentBy: event.data.provider };
    }
    case 'NotificationAttemptFailed': {
      if (!doc) return doc;
      const p = providerKey(event.data.provider);
      const counted = { ...doc, failedAttempts: { ...doc.failedAttempts, [p]: (doc.failedAttempts?.[p] ?? 0) + 1 } };
      return isFinal(doc.status) ? counted : withProvider(counted, event.data.provider);
    }
    case 'NotificationFailed': {
      if (!doc || !moved) return doc;
      const p = event.data.provider;
      return { ...(p !== undefined ? withProvider(doc, p) : doc), status: moved };
    }
    case 'NotificationConverted':
      return doc && { ...doc, converted: true };
    case 'NotificationRedriven':
    case 'NotificationCanceled':
    case 'NotificationDigested':
    case 'NotificationDelivered':
      return doc && moved ? { ...doc, status: moved } : doc;
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

/** What one notification adds to its bucket; a change is the difference of two contributions. */
function contribution(doc: Doc): Record<string, number> {
  const c: Record<string, number> = { total: 1, [`status.${doc.status}`]: 1 };
  if (doc.opened) c.opened = 1;
  if (doc.clicked) c.clicked = 1;
  if (doc.converted) c.converted = 1;
  // Who carried the send (a failover names the secondary) and the failed attempts on each provider.
  if (doc.sentBy !== undefined) c[`providers.${providerKey(doc.sentBy)}.sent`] = 1;
  for (const [p, k] of Object.entries(doc.failedAttempts ?? {})) c[`providers.${p}.failedAttempts`] = k;
  if (doc.latencyMs !== undefined) {
    c[`latency.${latencyBucketKey(doc.latencyMs)}`] = 1;
    c['latency.count'] = 1;
    c['latency.sumMs'] = doc.latencyMs;
  }
  return c;
}

function rollup(before: Doc | undefined, after: Doc | undefined): Rollup[] {
  if (!after) return [];
  const byBucket = new Map<string, Record<string, number>>();
  const add = (bucket: string, k: string, n: number) => {
    const inc = byBucket.get(bucket) ?? {};
    inc[k] = (inc[k] ?? 0) + n;
    byBucket.set(bucket, inc);
  };
  if (before) for (const [k, n] of Object.entries(contribution(before))) add(before.bucket, k, -n);
  for (const [k, n] of Object.entries(contribution(after))) add(after.bucket, k, n);
  const out: Rollup[] = [];
  for (const [bucket, inc] of byBucket) {
    for (const [k, n] of Object.entries(inc)) if (n === 0) delete inc[k];
    if (Object.keys(inc).length === 0) continue;
    // Identity from the bucket id itself: the old bucket of a moved notification keeps its own.
    const [hour = '', appId, channel, templateId, provider = ''] = bucket.slice(2).split('|');
    out.push({ id: bucket, inc, onInsert: { kind: 'bucket', hour, day: dayOf(hour), appId, channel, templateId, provider } });
  }
  return out;
}

export const analytics: ReadModel<Doc, Handled> = {
  name: 'analytics',
  // Every notification event: a status change, an open, a click or a conversion moves a counter.
  handles: NOTIFICATION_EVENT_TYPES,
  indexes: [{ keys: { kind: 1, hour: 1 } }],
  ids: (event) => [`n:${event.data.notificationId}`],
  evolve,
  rollup,
};
