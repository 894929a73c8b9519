import type { Channel } from '../domain/events.ts';
import type { EventOf, ProjectedDoc, ReadModel } from './readModel.ts';

/** A notification waiting for its time (scheduleAt, or deferred by quiet hours); gone once sent, failed or canceled. */
export interface ScheduleDoc extends ProjectedDoc {
  notificationId: string;
  appId: string;
  userId: string;
  channel: Channel;
  dueAt: string;
  deferredBy?: string;
  requestedAt: string;
}

type Handled = 'NotificationRequested' | 'NotificationSent' | 'NotificationFailed' | 'NotificationCanceled';

function evolve(doc: ScheduleDoc | undefined, event: EventOf<Handled>, id: string): ScheduleDoc | undefined {
  switch (event.type) {
    case 'NotificationRequested': {
      const r = event.data;
      if (doc || r.scheduleAt === undefined) return doc;
      return {
        _id: id,
        notificationId: r.notificationId,
        appId: r.appId,
        userId: r.userId,
        channel: r.channel,
        dueAt: new Date(r.scheduleAt).toISOString(),
        ...(r.deferredBy !== undefined && { deferredBy: r.deferredBy }),
        requestedAt: r.requestedAt,
      };
    }
    case 'NotificationSent':
    case 'NotificationFailed':
    case 'NotificationCanceled':
      return undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const schedule: ReadModel<ScheduleDoc, Handled> = {
  name: 'schedule',
  handles: ['NotificationRequested', 'NotificationSent', 'NotificationFailed', 'NotificationCanceled'],
  indexes: [{ keys: { dueAt: 1 } }],
  ids: (event) => [event.data.notificationId],
  evolve,
};
