import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { checkpointName, currentGeneration } from '../projections/generations.ts';
import { analyticsSummary, createRateWindowSource, recordRepeatClick } from '../projections/queries.ts';
import { countBetween, failedNotifications, notificationsOfEvent } from '../projections/operatorQueries.ts';
import { rateWindows } from '../projections/rateWindows.ts';
import { userNotifications } from '../projections/userNotifications.ts';
import { analyticsTimeseries } from '../projections/timeseries.ts';
import type { ApiProjections } from './app.ts';

/**
 * What the API reads from the projection store. `appliedPosition` is how far the rate-window
 * projection has applied the log: the live runner's position when it runs in this process
 * (exact), otherwise its stored checkpoint (written in batches, so a few requests may be counted
 * twice for a moment: the limiter errs on the side of sending less).
 */
export function apiProjections(store: ProjectionStore, appliedPosition?: () => number | undefined): ApiProjections {
  const applied = async () => {
    const live = appliedPosition?.();
    if (live !== undefined) return live;
    return store.getCheckpoint(checkpointName(rateWindows.name, await currentGeneration(store, rateWindows.name)));
  };
  return {
    analyticsSummary: (q) =>
      analyticsSummary(store, { appId: q.appId, from: q.from.toISOString(), to: q.to.toISOString(), ...(q.channel ? { channel: q.channel } : {}) }),
    analyticsTimeseries: (q) => analyticsTimeseries(store, q),
    rateWindow: createRateWindowSource(store, applied),
    recordRepeatClick: async (notificationId, at) => void (await recordRepeatClick(store, notificationId, at.toISOString())),
    userNotifications: (q) => userNotifications(store, q),
    whyHistory: {
      countBetween: (q) => countBetween(store, q),
      notificationsOfEvent: (appId, eventId) => notificationsOfEvent(store, appId, eventId),
    },
    failedNotifications: (q) => failedNotifications(store, q),
  };
}
