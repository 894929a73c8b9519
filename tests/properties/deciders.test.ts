import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appDecider } from '../../domain/app.ts';
import { fold, type Decider } from '../../domain/decider.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { NotificationEvent } from '../../domain/events.ts';
import { isFinal, notificationDecider, type NotificationState } from '../../domain/notification.ts';
import { templateDecider } from '../../domain/template.ts';
import { userDecider } from '../../domain/user.ts';
import {
  appEvent,
  attemptFailedEvent,
  attemptOutcomeCommand,
  deepFreeze,
  failedEvent,
  notificationEvent,
  requestData,
  sentEvent,
  suppressData,
  templateEvent,
  userEvent,
} from './arbitraries.ts';

function deterministic<S, E>(name: string, decider: Decider<S, never, E>, event: fc.Arbitrary<E>): void {
  it(`${name}: evolve is deterministic and never mutates its input`, () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 25 }), (events) => {
        const copy = structuredClone(events);
        const frozen = deepFreeze(structuredClone(events));
        const once = fold(decider, frozen);
        expect(fold(decider, copy)).toEqual(once);
        expect(fold(decider, frozen)).toEqual(once);
        // Folding in two halves equals folding at once: evolve depends only on (state, event).
        const cut = Math.floor(events.length / 2);
        expect(copy.slice(cut).reduce(decider.evolve, fold(decider, copy.slice(0, cut)))).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });
}

describe('decider properties', () => {
  deterministic('notification', notificationDecider, notificationEvent);
  deterministic('user', userDecider, userEvent);
  deterministic('template', templateDecider, templateEvent);
  deterministic('app', appDecider, appEvent);

  /** Every way to reach a terminal state through the decider's own events. */
  const terminalHistory: fc.Arbitrary<NotificationEvent[]> = fc.oneof(
    fc
      .tuple(requestData, fc.array(attemptFailedEvent, { maxLength: 3 }), sentEvent)
      .map(([r, retries, s]): NotificationEvent[] => [{ type: 'NotificationRequested', data: r }, ...retries, s]),
    fc
      .tuple(requestData, sentEvent)
      .map(([r, s]): NotificationEvent[] => [
        { type: 'NotificationRequested', data: r },
        s,
        { type: 'NotificationDelivered', data: { notificationId: 'n-1', provider: 'p', at: 'x' } },
      ]),
    fc
      .tuple(requestData, fc.array(attemptFailedEvent, { maxLength: 3 }), failedEvent)
      .map(([r, retries, f]): NotificationEvent[] => [{ type: 'NotificationRequested', data: r }, ...retries, f]),
    suppressData.map((d): NotificationEvent[] => [{ type: 'NotificationSuppressed', data: d }]),
  );

  it('terminal states (sent, delivered, failed, suppressed) absorb every later attempt outcome', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(terminalHistory, fc.array(attemptOutcomeCommand, { minLength: 1, maxLength: 10 }), (history, commands) => {
        let state: NotificationState = fold(notificationDecider, history);
        expect(isFinal(state.status)).toBe(true);
        const status = state.status;
        seen.add(status);
        for (const command of commands) {
          let events: NotificationEvent[] = [];
          try {
            events = notificationDecider.decide(command, state);
          } catch (e) {
            // The only refusal left: a second outcome for an attempt already recorded.
            expect(isDomainError(e, 'attempt_already_recorded')).toBe(true);
          }
          expect(events).toEqual([]);
          state = events.reduce(notificationDecider.evolve, state);
          expect(state.status).toBe(status);
        }
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual(['delivered', 'failed', 'sent', 'suppressed']);
  });

  it('terminal states also absorb late outcome events folded from the log (a late sent or retry changes nothing)', () => {
    fc.assert(
      fc.property(terminalHistory, fc.array(fc.oneof(sentEvent, attemptFailedEvent), { minLength: 1, maxLength: 6 }), (history, late) => {
        const status = fold(notificationDecider, history).status;
        expect(fold(notificationDecider, [...history, ...late]).status).toBe(status);
      }),
      { numRuns: 200 },
    );
  });
});
