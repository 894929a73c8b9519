import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { NotificationEvent, NotificationRequested } from './events.ts';
import { isFinal, notificationDecider, type NotificationCommand } from './notification.ts';

/** Cancel and digest paths of the notification decider (the workflow features). */
const spec = specFor(notificationDecider);
const id = 'n-1';
const at = '2026-01-01T10:00:00.000Z';
const requestData: NotificationRequested['data'] = {
  notificationId: id,
  appId: 'app',
  eventId: 'evt-1',
  userId: 'u-1',
  channel: 'email',
  templateId: 'welcome',
  templateVersion: 1,
  params: {},
  recipient: { kind: 'email', email: 'ada@example.test' },
  requestedAt: at,
};
const requested: NotificationEvent = { type: 'NotificationRequested', data: requestData };
const scheduled: NotificationEvent = { type: 'NotificationRequested', data: { ...requestData, scheduleAt: '2026-01-02T00:00:00.000Z' } };
const deferred: NotificationEvent = { type: 'NotificationRequested', data: { ...requestData, scheduleAt: '2026-01-02T00:00:00.000Z', deferredBy: 'quiet_hours' } };
const member: NotificationEvent = { type: 'NotificationRequested', data: { ...requestData, digest: { key: 'k', windowSeconds: 60 } } };
const suppressed: NotificationEvent = {
  type: 'NotificationSuppressed',
  data: { notificationId: id, appId: 'app', eventId: 'evt-1', userId: 'u-1', channel: 'email', templateId: 'welcome', reason: 'opted_out', at },
};
const attemptFailed: NotificationEvent = { type: 'NotificationAttemptFailed', data: { notificationId: id, attempt: 1, provider: 'p', code: '503', message: 'x', at } };
const sent: NotificationEvent = { type: 'NotificationSent', data: { notificationId: id, attempt: 1, provider: 'p', providerMessageId: 'm', at } };
const failed: NotificationEvent = { type: 'NotificationFailed', data: { notificationId: id, attempt: 1, provider: 'p', reason: 'permanent', code: '400', message: 'x', at } };
const canceled: NotificationEvent = { type: 'NotificationCanceled', data: { notificationId: id, appId: 'app', at } };
const digested: NotificationEvent = { type: 'NotificationDigested', data: { notificationId: id, digestNotificationId: 'd-1', at } };

const cancel: NotificationCommand = { type: 'CancelNotification', data: { notificationId: id, appId: 'app', at } };
const digest: NotificationCommand = { type: 'DigestNotification', data: { notificationId: id, digestNotificationId: 'd-1', at } };
const sendOutcome: NotificationCommand = {
  type: 'RecordAttemptOutcome',
  data: { notificationId: id, attempt: 2, provider: 'p', at, outcome: { kind: 'sent', providerMessageId: 'm2' } },
};

describe('CancelNotification', () => {
  it('cancels a pending, scheduled, deferred, retrying or digest-waiting notification', () => {
    for (const past of [[requested], [scheduled], [deferred], [requested, attemptFailed], [member]]) spec.given(past).when(cancel).then([canceled]);
  });
  it('ends canceled, a final status', () => {
    expect(fold(notificationDecider, [scheduled, canceled]).status).toBe('canceled');
    expect(isFinal('canceled')).toBe(true);
  });
  it('appends nothing when canceled twice', () => spec.given([requested, canceled]).when(cancel).then([]));
  it('refuses once sent or otherwise final', () => {
    for (const past of [[requested, sent], [requested, failed], [suppressed], [member, digested]]) spec.given(past).when(cancel).thenThrows('already_final');
  });
  it('refuses a notification never requested', () => spec.given([]).when(cancel).thenThrows('invalid_state'));
  it('a canceled notification records no later send (the sender skips it)', () => spec.given([requested, canceled]).when(sendOutcome).then([]));
  it('a send recorded before the cancel stays sent', () => expect(fold(notificationDecider, [requested, sent, canceled]).status).toBe('sent'));
});

describe('DigestNotification', () => {
  it('a digest member waits scheduled, then ends digested naming the digest', () => {
    expect(fold(notificationDecider, [member]).status).toBe('scheduled');
    spec.given([member]).when(digest).then([digested]);
    const state = fold(notificationDecider, [member, digested]);
    expect(state.status).toBe('digested');
    expect(state.digestedInto).toBe('d-1');
  });
  it('appends nothing for a canceled member, a repeated digest, or a notification that is no member', () => {
    spec.given([member, canceled]).when(digest).then([]);
    spec.given([member, digested]).when(digest).then([]);
    spec.given([requested]).when(digest).then([]);
    spec.given([scheduled]).when(digest).then([]);
  });
  it('refuses a notification never requested', () => spec.given([]).when(digest).thenThrows('invalid_state'));
  it('a digested member is never sent alone', () => spec.given([member, digested]).when(sendOutcome).then([]));
});
