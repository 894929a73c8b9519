import type { Channel } from '../domain/events.ts';
import { userKey } from '../domain/streams.ts';
import { dayOf, hourOf, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

export const RATE_WINDOWS = ['hour', 'day'] as const;
export type RateWindow = (typeof RATE_WINDOWS)[number];

/** Counted per app per user: two apps' users with one id never share a window. */
export interface RateWindowDoc extends ProjectedDoc {
  appId: string;
  userId: string;
  channel: Channel;
  window: RateWindow;
  /** Start of the calendar window (UTC), ISO. */
  start: string;
  count: number;
  byCategory: Record<string, number>;
  /**
   * Hour windows only: each request's time and category, so a sliding window ("the last 60
   * minutes") is counted exactly by reading at most the hours it overlaps.
   */
  requests?: Array<{ at: string; category?: string }>;
}

type Handled = 'NotificationRequested';

export const rateWindowId = (appId: string, userId: string, channel: Channel, window: RateWindow, start: string) => `${userKey(appId, userId)}|${channel}|${window}|${start}`;

function windowStart(window: RateWindow, at: string): string {
  switch (window) {
    case 'hour':
      return hourOf(at);
    case 'day':
      return dayOf(at);
    default: {
      const never: never = window;
      return never;
    }
  }
}

/**
 * Sends counted for the limiter: requests that go out now, bucketed by their request time
 * (deferred ones are not sends yet; digest members never are: the digest they make counts).
 */
const counts = (event: EventOf<Handled>) => event.data.deferredBy === undefined && event.data.digest === undefined;

function ids(event: EventOf<Handled>): string[] {
  if (!counts(event)) return [];
  const { appId, userId, channel, requestedAt } = event.data;
  return RATE_WINDOWS.map((w) => rateWindowId(appId, userId, channel, w, windowStart(w, requestedAt)));
}

function evolve(doc: RateWindowDoc | undefined, event: EventOf<Handled>, id: string): RateWindowDoc | undefined {
  switch (event.type) {
    case 'NotificationRequested': {
      if (!counts(event)) return doc;
      const { appId, userId, channel, requestedAt, category } = event.data;
      const window: RateWindow = id.includes('|hour|') ? 'hour' : 'day';
      const base: RateWindowDoc = doc ?? { _id: id, appId, userId, channel, window, start: windowStart(window, requestedAt), count: 0, byCategory: {} };
      const byCategory = category === undefined ? base.byCategory : { ...base.byCategory, [category]: (base.byCategory[category] ?? 0) + 1 };
      const next: RateWindowDoc = { ...base, count: base.count + 1, byCategory };
      if (window === 'hour') next.requests = [...(base.requests ?? []), { at: requestedAt, ...(category !== undefined && { category }) }];
      return next;
    }
    default: {
      const never: never = event.type;
      return never;
    }
  }
}

export const rateWindows: ReadModel<RateWindowDoc, Handled> = {
  name: 'rateWindows',
  handles: ['NotificationRequested'],
  indexes: [{ keys: { appId: 1, userId: 1, channel: 1, window: 1, start: 1 } }],
  ids,
  evolve,
};

export { windowStart };
