import { randomUUID } from 'node:crypto';
import { DEFAULT_TRACKING_TTL, verifyTrackingToken, type TrackingTtl } from '../domain/trackingToken.ts';
import { unsubscribedPreferences } from '../domain/unsubscribe.ts';
import { isDomainError } from '../domain/errors.ts';
import { notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand } from './handle.ts';
import { loadUser, setPreferences } from './users.ts';

/**
 * Conversions: a link in a template opts in to carrying the notification id to its landing page
 * by naming this query parameter with an empty value (`https://shop.example/sale?notify_nid=`);
 * the redirect fills it in, so the app can report POST /v1/notifications/:id/conversions. Links
 * without it are redirected exactly as signed.
 */
export const NOTIFICATION_ID_PARAM = 'notify_nid';

export function withNotificationId(url: string, notificationId: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.searchParams.get(NOTIFICATION_ID_PARAM) !== '') return url;
  parsed.searchParams.set(NOTIFICATION_ID_PARAM, notificationId);
  return parsed.toString();
}

export type TrackingResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'pixel' }
  | { kind: 'unsubscribed' }
  /** A GET of an unsubscribe link: a page whose button POSTs; nothing changed (link scanners follow GETs). */
  | { kind: 'confirm_unsubscribe' }
  | { kind: 'not_found' };

export interface TrackingDeps {
  store: EventStore;
  trackingSecret: string;
  /** How long links are honoured (TRACKING_TOKEN_TTL_DAYS, UNSUBSCRIBE_TOKEN_TTL_DAYS). */
  ttl?: TrackingTtl;
  /** Analytics counts repeat clicks; the log keeps one NotificationClicked per notification. */
  recordRepeatClick?: (notificationId: string, at: Date) => Promise<void>;
}

/**
 * GET (and POST) /t/:token. The destination comes only from the signed token, so a tampered,
 * expired or made-up token is a 404 and never a redirect to a URL of the caller's choosing.
 * Unsubscribing takes a POST (RFC 8058 one-click, or the confirmation page's button).
 */
export async function recordTracking(deps: TrackingDeps, token: string, now: Date, requestId: string = randomUUID(), method: 'GET' | 'POST' = 'GET'): Promise<TrackingResult> {
  const payload = verifyTrackingToken(token, deps.trackingSecret, now, deps.ttl ?? DEFAULT_TRACKING_TTL);
  if (!payload) return { kind: 'not_found' };
  // Only an unsubscribe link is meant to be POSTed to.
  if (method === 'POST' && payload.k !== 'unsubscribe') return { kind: 'not_found' };
  const events = await deps.store.readStream(streams.notification(payload.n));
  const first = events[0];
  if (!first || (first.type !== 'NotificationRequested' && first.type !== 'NotificationSuppressed')) return { kind: 'not_found' };
  const ctx: CommandContext = { appId: first.data.appId, requestId, now };
  const at = now.toISOString();
  switch (payload.k) {
    case 'click': {
      const url = payload.u;
      if (url === undefined) return { kind: 'not_found' };
      const appended = await tolerateUnsent(() =>
        handleCommand(deps.store, notificationDecider, streams.notification(payload.n), { type: 'RecordClick', data: { notificationId: payload.n, url, at } }, metadataFor(ctx)),
      );
      if (appended === 0) await deps.recordRepeatClick?.(payload.n, now);
      return { kind: 'redirect', url: withNotificationId(url, payload.n) };
    }
    case 'open':
      await tolerateUnsent(() =>
        handleCommand(deps.store, notificationDecider, streams.notification(payload.n), { type: 'RecordOpen', data: { notificationId: payload.n, at } }, metadataFor(ctx)),
      );
      return { kind: 'pixel' };
    case 'unsubscribe': {
      if (method === 'GET') return { kind: 'confirm_unsubscribe' };
      const userId = first.data.userId;
      // ctx.appId is the notification's app: the opt-out lands in that app's preferences only.
      const user = await loadUser(deps.store, ctx.appId, userId);
      if (!user.exists) return { kind: 'unsubscribed' };
      await setPreferences(deps.store, ctx, userId, unsubscribedPreferences(user.preferences, first.data.channel, first.data.category));
      return { kind: 'unsubscribed' };
    }
    default: {
      const never: never = payload.k;
      return never;
    }
  }
}

/**
 * A signed link can be followed before the sender has recorded NotificationSent (a race) or on a
 * notification that never went out: the visitor still gets their page; the log just records nothing.
 * Returns how many events were appended, or -1 when the notification's state refused it.
 */
async function tolerateUnsent(run: () => Promise<{ events: unknown[] }>): Promise<number> {
  try {
    return (await run()).events.length;
  } catch (e) {
    if (isDomainError(e, 'invalid_state')) return -1;
    throw e;
  }
}
