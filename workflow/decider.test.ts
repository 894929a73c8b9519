import { describe, expect, it } from 'vitest';
import { policySpecFor } from '../tests/helpers/decider.ts';
import type { NotificationEvent, NotificationRequested, NotificationSuppressed } from '../domain/events.ts';
import { workflowDecider, type WorkflowCommand, type WorkflowInput } from './decider.ts';

/** The workflow's rules as given (the notification's past) / when (an input) / then (what to do). */
const spec = policySpecFor(workflowDecider, (state, input: WorkflowInput) => workflowDecider.decide(input, state));
const t0 = '2026-01-01T10:00:00.000Z';
const now = '2026-01-01T10:05:00.000Z';
const id = 'n-1';

const request = (extra: Partial<NotificationRequested['data']> = {}): NotificationRequested['data'] => ({
  notificationId: id,
  appId: 'app',
  eventId: 'e-1',
  userId: 'u',
  channel: 'email',
  templateId: 't',
  templateVersion: 2,
  params: { n: 1 },
  recipient: { kind: 'email', email: 'u@example.test' },
  requestedAt: t0,
  ...extra,
});
const requested = (extra: Partial<NotificationRequested['data']> = {}): NotificationEvent => ({ type: 'NotificationRequested', data: request(extra) });
const suppression = (extra: Partial<NotificationSuppressed['data']> = {}): NotificationSuppressed['data'] => ({
  notificationId: id,
  appId: 'app',
  eventId: 'e-1',
  userId: 'u',
  channel: 'ios',
  templateId: 't',
  reason: 'no_contact',
  at: t0,
  fallback: [{ channel: 'email' }],
  params: { n: 1 },
  templateVersion: 2,
  ...extra,
});
const sent: NotificationEvent = { type: 'NotificationSent', data: { notificationId: id, attempt: 1, provider: 'p', providerMessageId: 'm', at: t0 } };
const failed: NotificationEvent = { type: 'NotificationFailed', data: { notificationId: id, attempt: 1, reason: 'permanent', code: 'x', message: 'no', at: t0 } };
const failedInput: WorkflowInput = { type: 'NotificationFailed', data: { notificationId: id, attempt: 1, reason: 'permanent', code: 'x', message: 'no', at: t0 }, at: now };
const fallbackTimer: WorkflowInput = { type: 'TimerFired', timer: { kind: 'fallback', notificationId: id }, at: now };
const smsThenPush = [{ channel: 'sms' as const, afterSeconds: 60 }, { channel: 'push' as const }];

describe('workflow: digests', () => {
  it('a digest member joins its window, and nothing else (it is never published alone)', () => {
    const member = request({ digest: { key: 'comments', windowSeconds: 60 } });
    spec
      .given([])
      .when({ type: 'NotificationRequested', data: member, at: now })
      .then([{ type: 'JoinDigest', member }]);
  });
  it('a window that opens gets a timer for its close, keyed by stream and window', () =>
    spec
      .given([])
      .when({
        type: 'DigestWindowOpened',
        stream: 'digest-abc',
        at: now,
        data: { windowId: '3', appId: 'app', userId: 'u', channel: 'email', key: 'comments', openedAt: t0, closesAt: '2026-01-01T10:01:00.000Z' },
      })
      .then([
        {
          type: 'SetTimer',
          key: 'digest:digest-abc:3',
          timer: { kind: 'digest', stream: 'digest-abc', windowId: '3' },
          dueAt: '2026-01-01T10:01:00.000Z',
          appId: 'app',
          channel: 'email',
        },
      ]));
  it('the close timer closes that window, at the time it fires', () =>
    spec
      .given([])
      .when({ type: 'TimerFired', timer: { kind: 'digest', stream: 'digest-abc', windowId: '3' }, at: now })
      .then([{ type: 'CloseDigest', stream: 'digest-abc', windowId: '3', at: now }]));
});

describe('workflow: a request', () => {
  it('without digest or timed fallback asks for nothing', () => {
    spec.given([]).when({ type: 'NotificationRequested', data: request(), at: now }).then([]);
    spec
      .given([])
      .when({ type: 'NotificationRequested', data: request({ fallback: [{ channel: 'sms' }] }), at: now })
      .then([]);
  });
  it('whose first fallback has afterSeconds gets a timer that long after requestedAt', () =>
    spec
      .given([])
      .when({ type: 'NotificationRequested', data: request({ fallback: smsThenPush }), at: now })
      .then([{ type: 'SetTimer', key: `fallback:${id}`, timer: { kind: 'fallback', notificationId: id }, dueAt: '2026-01-01T10:01:00.000Z', appId: 'app', channel: 'email' }]));
  it('... or after scheduleAt when it is scheduled', () =>
    spec
      .given([])
      .when({ type: 'NotificationRequested', data: request({ fallback: smsThenPush, scheduleAt: '2026-01-02T08:00:00.000Z' }), at: now })
      .then([{ type: 'SetTimer', key: `fallback:${id}`, timer: { kind: 'fallback', notificationId: id }, dueAt: '2026-01-02T08:01:00.000Z', appId: 'app', channel: 'email' }]));
});

describe('workflow: fallback at once', () => {
  it('a failure requests the next channel from the request, at the time it is read', () =>
    spec
      .given([requested({ fallback: smsThenPush }), failed])
      .when(failedInput)
      .then([{ type: 'RequestFallback', source: request({ fallback: smsThenPush }), at: now }]));
  it('a failure without a fallback asks for nothing', () => spec.given([requested(), failed]).when(failedInput).then([]));
  it('a suppression for no contact with a fallback requests the next channel from the suppression', () =>
    spec
      .given([{ type: 'NotificationSuppressed', data: suppression() }])
      .when({ type: 'NotificationSuppressed', data: suppression(), at: now })
      .then([{ type: 'RequestFallback', source: { ...suppression(), params: { n: 1 }, templateVersion: 2 }, at: now }]));
  it('a suppression for another reason, or without a fallback, asks for nothing', () => {
    const optedOut = suppression({ reason: 'opted_out' });
    spec
      .given([{ type: 'NotificationSuppressed', data: optedOut }])
      .when({ type: 'NotificationSuppressed', data: optedOut, at: now })
      .then([]);
    const { fallback: _none, ...bare } = suppression();
    spec
      .given([{ type: 'NotificationSuppressed', data: bare }])
      .when({ type: 'NotificationSuppressed', data: bare, at: now })
      .then([]);
  });
});

describe('workflow: a timed fallback fires', () => {
  const asked: WorkflowCommand[] = [{ type: 'RequestFallback', source: request({ fallback: smsThenPush }), at: now }];
  it('for a message nobody opened or clicked: sent, delivered or still pending', () => {
    spec
      .given([requested({ fallback: smsThenPush })])
      .when(fallbackTimer)
      .then(asked);
    spec
      .given([requested({ fallback: smsThenPush }), sent])
      .when(fallbackTimer)
      .then(asked);
  });
  it('not once it was opened, clicked, canceled or digested', () => {
    const past = [requested({ fallback: smsThenPush }), sent];
    spec
      .given([...past, { type: 'NotificationOpened', data: { notificationId: id, at: t0 } }])
      .when(fallbackTimer)
      .then([]);
    spec
      .given([...past, { type: 'NotificationClicked', data: { notificationId: id, url: 'https://x.test', at: t0 } }])
      .when(fallbackTimer)
      .then([]);
    spec
      .given([requested({ fallback: smsThenPush }), { type: 'NotificationCanceled', data: { notificationId: id, appId: 'app', at: t0 } }])
      .when(fallbackTimer)
      .then([]);
    spec
      .given([requested({ fallback: smsThenPush }), { type: 'NotificationDigested', data: { notificationId: id, digestNotificationId: 'd', at: t0 } }])
      .when(fallbackTimer)
      .then([]);
  });
  it('for a notification the log does not know: nothing', () => spec.given([]).when(fallbackTimer).then([]));
});

describe('workflow: which history an input is decided on', () => {
  it('a fallback reads its notification; a request, a window and a close need none (no read per request)', () => {
    expect(workflowDecider.stateOf(failedInput)).toBe(id);
    expect(workflowDecider.stateOf(fallbackTimer)).toBe(id);
    expect(workflowDecider.stateOf({ type: 'NotificationSuppressed', data: suppression(), at: now })).toBe(id);
    expect(workflowDecider.stateOf({ type: 'NotificationSuppressed', data: suppression({ reason: 'opted_out' }), at: now })).toBeUndefined();
    expect(workflowDecider.stateOf({ type: 'NotificationRequested', data: request({ fallback: smsThenPush }), at: now })).toBeUndefined();
    expect(workflowDecider.stateOf({ type: 'TimerFired', timer: { kind: 'digest', stream: 's', windowId: '1' }, at: now })).toBeUndefined();
  });
});
