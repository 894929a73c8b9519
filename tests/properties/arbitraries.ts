import fc from 'fast-check';
import { CHANNELS, FAILURE_REASONS, PLATFORMS, SUPPRESS_REASONS, type AppEvent, type NotificationEvent, type TemplateEvent, type UserEvent } from '../../domain/events.ts';
import type { NotificationCommand } from '../../domain/notification.ts';

const at = fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-06-01T12:30:00.000Z');
const attempt = fc.integer({ min: 1, max: 6 });
const id = 'n-1';

export const requestData = fc
  .record({
    notificationId: fc.constant(id),
    appId: fc.constantFrom('a1', 'a2'),
    eventId: fc.string({ maxLength: 8 }),
    userId: fc.constantFrom('u1', 'u2'),
    channel: fc.constantFrom(...CHANNELS),
    templateId: fc.constant('t'),
    templateVersion: fc.integer({ min: 1, max: 3 }),
    params: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer())),
    recipient: fc.constant({ kind: 'email' as const, email: 'x@example.test' }),
    requestedAt: at,
    scheduleAt: fc.option(at, { nil: undefined }),
  })
  .map(({ scheduleAt, ...d }) => (scheduleAt ? { ...d, scheduleAt } : d));

export const suppressData = fc.record({
  notificationId: fc.constant(id),
  appId: fc.constant('a1'),
  eventId: fc.constant('e'),
  userId: fc.constant('u1'),
  channel: fc.constantFrom(...CHANNELS),
  templateId: fc.constant('t'),
  reason: fc.constantFrom(...SUPPRESS_REASONS),
  at,
});

export const sentEvent = fc
  .record({ attempt, at })
  .map((d): NotificationEvent => ({ type: 'NotificationSent', data: { notificationId: id, provider: 'p', providerMessageId: 'm', ...d } }));
export const attemptFailedEvent = fc
  .record({ attempt, at })
  .map((d): NotificationEvent => ({ type: 'NotificationAttemptFailed', data: { notificationId: id, provider: 'p', code: '503', message: 'x', ...d } }));
export const failedEvent = fc
  .record({ attempt: fc.option(attempt, { nil: undefined }), reason: fc.constantFrom(...FAILURE_REASONS), at })
  .map(({ attempt: a, ...d }): NotificationEvent => ({
    type: 'NotificationFailed',
    data: { notificationId: id, code: 'c', message: 'm', ...d, ...(a !== undefined ? { attempt: a } : {}) },
  }));

export const notificationEvent: fc.Arbitrary<NotificationEvent> = fc.oneof(
  requestData.map((data): NotificationEvent => ({ type: 'NotificationRequested', data })),
  suppressData.map((data): NotificationEvent => ({ type: 'NotificationSuppressed', data })),
  sentEvent,
  attemptFailedEvent,
  failedEvent,
  at.map((a): NotificationEvent => ({ type: 'NotificationDelivered', data: { notificationId: id, provider: 'p', at: a } })),
  at.map((a): NotificationEvent => ({ type: 'NotificationOpened', data: { notificationId: id, at: a } })),
  at.map((a): NotificationEvent => ({ type: 'NotificationClicked', data: { notificationId: id, url: 'https://e.test', at: a } })),
);

/**
 * Every notification event type, with the fields the state machine and the read models branch on
 * (digest members, scheduled requests, two providers, bounces without an attempt, conversion names).
 */
export const anyNotificationEvent: fc.Arbitrary<NotificationEvent> = fc.oneof(
  notificationEvent,
  fc
    .tuple(requestData, fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }))
    .map(([data, key]): NotificationEvent => ({ type: 'NotificationRequested', data: key ? { ...data, digest: { key, windowSeconds: 60 } } : data })),
  fc
    .record({ attempt, at, provider: fc.constantFrom('p', 'q') })
    .map((d): NotificationEvent => ({ type: 'NotificationSent', data: { notificationId: id, providerMessageId: 'm', ...d } })),
  fc
    .record({ attempt, at, provider: fc.constantFrom('p', 'q.x') })
    .map((d): NotificationEvent => ({ type: 'NotificationAttemptFailed', data: { notificationId: id, code: '503', message: 'x', ...d } })),
  fc
    .record({ fromAttempt: fc.integer({ min: 0, max: 6 }), redriveId: fc.constantFrom('r1', 'r2'), previousStatus: fc.constantFrom('failed' as const, 'pending' as const), at })
    .map((d): NotificationEvent => ({ type: 'NotificationRedriven', data: { notificationId: id, appId: 'a1', channel: 'email', ...d } })),
  fc.record({ name: fc.constantFrom('signup', 'buy'), at }).map((d): NotificationEvent => ({ type: 'NotificationConverted', data: { notificationId: id, ...d } })),
  at.map((a): NotificationEvent => ({ type: 'NotificationCanceled', data: { notificationId: id, appId: 'a1', at: a } })),
  at.map((a): NotificationEvent => ({ type: 'NotificationDigested', data: { notificationId: id, digestNotificationId: 'd-1', at: a } })),
);

export const attemptOutcomeCommand: fc.Arbitrary<NotificationCommand> = fc
  .record({
    attempt: fc.integer({ min: 0, max: 8 }),
    outcome: fc.oneof(
      fc.constant({ kind: 'sent' as const, providerMessageId: 'm' }),
      fc.constant({ kind: 'retry' as const, code: '503', message: 'x' }),
      fc.constantFrom(...FAILURE_REASONS).map((reason) => ({ kind: 'failed' as const, reason, code: 'c', message: 'm' })),
    ),
    at,
  })
  .map((d) => ({ type: 'RecordAttemptOutcome', data: { notificationId: id, provider: 'p', ...d } }));

const token = fc.constantFrom('t1', 't2', 't3');
const maybeString = fc.option(fc.constantFrom('a', 'b'), { nil: null });
export const userEvent: fc.Arbitrary<UserEvent> = fc.oneof(
  fc.record({ email: fc.constantFrom('a@e.test', 'b@e.test') }).map((contact): UserEvent => ({ type: 'UserRegistered', data: { userId: 'u', contact, at: 'x' } })),
  fc
    .record({ email: maybeString, locale: maybeString, timezone: maybeString }, { requiredKeys: [] })
    .map((changes): UserEvent => ({ type: 'ContactChanged', data: { userId: 'u', changes, at: 'x' } })),
  fc.record({ token, platform: fc.constantFrom(...PLATFORMS) }).map((d): UserEvent => ({ type: 'DeviceRegistered', data: { userId: 'u', at: 'x', ...d } })),
  fc
    .record({ token, platform: fc.constantFrom(...PLATFORMS), reason: fc.constantFrom('user' as const, 'token_invalid' as const) })
    .map((d): UserEvent => ({ type: 'DeviceRemoved', data: { userId: 'u', at: 'x', ...d } })),
  fc
    .record({ channels: fc.record({ push: fc.boolean(), sms: fc.boolean(), email: fc.boolean() }, { requiredKeys: [] }), categories: fc.constant({}) })
    .map((preferences): UserEvent => ({ type: 'PreferencesChanged', data: { userId: 'u', preferences, at: 'x' } })),
);

export const templateEvent: fc.Arbitrary<TemplateEvent> = fc
  .record({ appId: fc.constantFrom('a1', 'a2'), version: fc.integer({ min: 1, max: 5 }), text: fc.string({ maxLength: 6 }) })
  .map(({ appId, version, text }) => ({
    type: 'TemplatePublished',
    data: { templateId: 't', appId, version, content: { sms: { text } }, requiredParams: [], at: 'x' },
  }));

export const appEvent: fc.Arbitrary<AppEvent> = fc.oneof(
  fc.constantFrom('h1', 'h2').map((secretHash): AppEvent => ({ type: 'AppRegistered', data: { appId: 'k', name: 'n', secretHash, at: 'x' } })),
  fc.constantFrom('h3', 'h4').map((secretHash): AppEvent => ({ type: 'AppSecretRotated', data: { appId: 'k', secretHash, at: 'x' } })),
  fc.constant<AppEvent>({ type: 'AppRevoked', data: { appId: 'k', at: 'x' } }),
);

/** Freezing the input makes any mutation inside evolve throw (ESM is strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
