import { rateWindowSource } from '../commands/rateLimits.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { analyticsSummary, recordRepeatClick } from '../projections/queries.ts';
import { countBetween, failedNotifications, notificationsOfEvent } from '../projections/operatorQueries.ts';
import { userNotifications } from '../projections/userNotifications.ts';
import { analyticsTimeseries } from '../projections/timeseries.ts';
import { listTemplates } from '../projections/templates.ts';
import { topicsOfUser, topicSubscriberPage } from '../projections/topicQueries.ts';
import type { ApiProjections } from './app.ts';

/**
 * What the API reads from the projection store. `appliedPosition` is how far the rate-window
 * projection has applied the log (commands/rateLimits.ts rateWindowSource).
 */
export function apiProjections(store: ProjectionStore, appliedPosition?: () => number | undefined): ApiProjections {
  return {
    analyticsSummary: (q) => analyticsSummary(store, { appId: q.appId, from: q.from.toISOString(), to: q.to.toISOString(), ...(q.channel ? { channel: q.channel } : {}) }),
    analyticsTimeseries: (q) => analyticsTimeseries(store, q),
    rateWindow: rateWindowSource(store, appliedPosition),
    recordRepeatClick: async (notificationId, at) => void (await recordRepeatClick(store, notificationId, at.toISOString())),
    userNotifications: (q) => userNotifications(store, q),
    topicSubscribers: (q) => topicSubscriberPage(store, q),
    topicsOfUser: (appId, userId) => topicsOfUser(store, appId, userId),
    whyHistory: {
      countBetween: (q) => countBetween(store, q),
      notificationsOfEvent: (appId, eventId) => notificationsOfEvent(store, appId, eventId),
    },
    failedNotifications: (q) => failedNotifications(store, q),
    lookup: {
      templates: (appId) => listTemplates(store, appId),
      eventNotifications: (appId, eventId) => notificationsOfEvent(store, appId, eventId),
    },
  };
}
