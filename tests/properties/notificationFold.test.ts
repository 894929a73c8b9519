import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotificationEvent } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES, nextStatus, notificationDecider } from '../../domain/notification.ts';
import { analytics, type AnalyticsNotificationDoc } from '../../projections/analytics.ts';
import { notificationStatus, type NotificationStatusDoc } from '../../projections/notificationStatus.ts';
import type { EventOf } from '../../projections/readModel.ts';
import { record } from '../projections/fixtures.ts';
import { anyNotificationEvent, requestData, suppressData } from './arbitraries.ts';

/** A notification's stream as the decider writes it: its request or its suppression first, then anything. */
const stream: fc.Arbitrary<NotificationEvent[]> = fc
  .tuple(
    fc.oneof(
      requestData.map((data): NotificationEvent => ({ type: 'NotificationRequested', data })),
      suppressData.map((data): NotificationEvent => ({ type: 'NotificationSuppressed', data })),
    ),
    fc.array(anyNotificationEvent, { maxLength: 25 }),
  )
  .map(([first, rest]) => [first, ...rest]);

/** Both read models' documents of the notification after each event, as the runner folds them. */
function project(events: NotificationEvent[]): Array<{ status?: NotificationStatusDoc; analytics?: AnalyticsNotificationDoc }> {
  let status: NotificationStatusDoc | undefined;
  let counted: AnalyticsNotificationDoc | undefined;
  return record(events).map((e) => {
    const typed = e as EventOf<NotificationEvent['type']>;
    status = notificationStatus.evolve(status, typed, typed.data.notificationId);
    counted = analytics.evolve(counted, typed, `n:${typed.data.notificationId}`);
    return { status, analytics: counted };
  });
}

describe('one notification state machine', () => {
  it('the notifications read model and analytics show the status the decider folds, after every event', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(stream, (events) => {
        let state = notificationDecider.initialState();
        project(events).forEach((doc, i) => {
          state = notificationDecider.evolve(state, events[i]!);
          seen.add(state.status);
          expect(doc.status?.status).toBe(state.status);
          expect(doc.analytics?.status).toBe(state.status);
          // The attempt count is the same rule too: the highest attempt with an outcome in the log.
          expect(doc.status?.attempts).toBe(state.lastAttempt);
        });
      }),
      { numRuns: 1000 },
    );
    // The generator reaches every status, so no transition went untested.
    expect([...seen].sort()).toEqual([...NOTIFICATION_STATUSES].sort());
  });

  it('a notification that has a status never loses it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NOTIFICATION_STATUSES), anyNotificationEvent, (status, event) => {
        expect(NOTIFICATION_STATUSES).toContain(nextStatus(status, event));
      }),
      { numRuns: 500 },
    );
  });
});
