import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { NotificationEvent, NotificationRequested, NotificationSuppressed } from './events.ts';
import { isFinal, notificationDecider, type NotificationCommand } from './notification.ts';

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
  params: { name: 'Ada' },
  recipient: { kind: 'email', email: 'ada@example.test' },
  requestedAt: at,
};
const suppressData: NotificationSuppressed['data'] = {
  notificationId: id,
  appId: 'app',
  eventId: 'evt-1',
  userId: 'u-1',
  channel: 'email',
  templateId: 'welcome',
  reason: 'opted_out',
  at,
};

const requested: NotificationEvent = { type: 'NotificationRequested', data: requestData };
const scheduled: NotificationEvent = { type: 'NotificationRequested', data: { ...requestData, scheduleAt: '2026-01-02T00:00:00.000Z' } };
const suppressed: NotificationEvent = { type: 'NotificationSuppressed', data: suppressData };
const sent = (attempt = 1): NotificationEvent => ({
  type: 'NotificationSent',
  data: { notificationId: id, attempt, provider: 'sendgrid', providerMessageId: `m${attempt}`, at },
});
const attemptFailed = (attempt = 1): NotificationEvent => ({
  type: 'NotificationAttemptFailed',
  data: { notificationId: id, attempt, provider: 'sendgrid', code: '503', message: 'unavailable', at },
});
const failed = (attempt?: number): NotificationEvent => ({
  type: 'NotificationFailed',
  data: { notificationId: id, ...(attempt !== undefined ? { attempt, provider: 'sendgrid' } : {}), reason: 'permanent', code: '400', message: 'bad', at },
});
const delivered: NotificationEvent = { type: 'NotificationDelivered', data: { notificationId: id, provider: 'sendgrid', at } };
const opened: NotificationEvent = { type: 'NotificationOpened', data: { notificationId: id, at } };
const clicked: NotificationEvent = { type: 'NotificationClicked', data: { notificationId: id, url: 'https://example.test/x', at } };

type Outcome = Extract<NotificationCommand, { type: 'RecordAttemptOutcome' }>['data']['outcome'];
const outcome = (attempt: number, o: Outcome): NotificationCommand => ({
  type: 'RecordAttemptOutcome',
  data: { notificationId: id, attempt, provider: 'sendgrid', at, outcome: o },
});
const sentOutcome: Outcome = { kind: 'sent', providerMessageId: 'm1' };
const retryOutcome: Outcome = { kind: 'retry', code: '503', message: 'unavailable' };
const failedOutcome: Outcome = { kind: 'failed', reason: 'permanent', code: '400', message: 'bad' };
const failCommand: NotificationCommand = {
  type: 'FailNotification',
  data: { notificationId: id, reason: 'exhausted', code: 'retries', message: 'gave up', at },
};
const delivery: NotificationCommand = { type: 'RecordDelivery', data: { notificationId: id, provider: 'sendgrid', at } };
const open: NotificationCommand = { type: 'RecordOpen', data: { notificationId: id, at } };
const click: NotificationCommand = { type: 'RecordClick', data: { notificationId: id, url: 'https://example.test/x', at } };

describe('notification decider', () => {
  describe('RequestNotification', () => {
    it('records a new request', () => spec.given([]).when({ type: 'RequestNotification', data: requestData }).then([requested]));
    it('appends nothing for a duplicate request', () => spec.given([requested]).when({ type: 'RequestNotification', data: requestData }).then([]));
    it('appends nothing when the notification was already suppressed', () => spec.given([suppressed]).when({ type: 'RequestNotification', data: requestData }).then([]));
    it('starts pending, or scheduled when it has a scheduleAt', () => {
      expect(fold(notificationDecider, [requested]).status).toBe('pending');
      expect(fold(notificationDecider, [scheduled]).status).toBe('scheduled');
    });
  });

  describe('SuppressNotification', () => {
    it('records why nothing will be sent', () => spec.given([]).when({ type: 'SuppressNotification', data: suppressData }).then([suppressed]));
    it('appends nothing once the notification exists', () => {
      spec.given([requested]).when({ type: 'SuppressNotification', data: suppressData }).then([]);
      spec.given([suppressed]).when({ type: 'SuppressNotification', data: suppressData }).then([]);
    });
  });

  describe('RecordAttemptOutcome', () => {
    it('records a send', () =>
      spec
        .given([requested])
        .when(outcome(1, sentOutcome))
        .then([sent(1)]));
    it('carries the SMS segment count when there is one', () =>
      spec
        .given([requested])
        .when(outcome(1, { kind: 'sent', providerMessageId: 'm1', segments: 2 }))
        .then([{ type: 'NotificationSent', data: { notificationId: id, attempt: 1, provider: 'sendgrid', providerMessageId: 'm1', at, segments: 2 } }]));
    it('sends a scheduled notification too', () =>
      spec
        .given([scheduled])
        .when(outcome(1, sentOutcome))
        .then([sent(1)]));
    it('records a retryable failure, with its delay when given', () => {
      spec
        .given([requested])
        .when(outcome(1, retryOutcome))
        .then([attemptFailed(1)]);
      spec
        .given([requested])
        .when(outcome(1, { ...retryOutcome, retryInMs: 1000 }))
        .then([{ ...attemptFailed(1), data: { ...attemptFailed(1).data, retryInMs: 1000 } } as NotificationEvent]);
    });
    it('records a permanent failure', () =>
      spec
        .given([requested])
        .when(outcome(1, failedOutcome))
        .then([failed(1)]));
    it('records the next attempt after a retryable failure', () =>
      spec
        .given([requested, attemptFailed(1)])
        .when(outcome(2, sentOutcome))
        .then([{ ...sent(2), data: { ...sent(2).data, providerMessageId: 'm1' } } as NotificationEvent]));
    it('rejects a second outcome for the same attempt', () => {
      spec
        .given([requested, attemptFailed(1)])
        .when(outcome(1, sentOutcome))
        .thenThrows('attempt_already_recorded');
      spec
        .given([requested, sent(1)])
        .when(outcome(1, failedOutcome))
        .thenThrows('attempt_already_recorded');
      spec
        .given([requested, attemptFailed(1), attemptFailed(2)])
        .when(outcome(1, retryOutcome))
        .thenThrows('attempt_already_recorded');
    });
    it('rejects an outcome for a notification never requested', () => spec.given([]).when(outcome(1, sentOutcome)).thenThrows('invalid_state'));
    it('appends nothing once the notification is final', () => {
      for (const past of [[requested, sent(1)], [requested, sent(1), delivered], [requested, failed(1)], [suppressed]]) {
        for (const o of [sentOutcome, retryOutcome, failedOutcome]) spec.given(past).when(outcome(2, o)).then([]);
      }
    });
  });

  describe('FailNotification', () => {
    const failedEvent: NotificationEvent = { type: 'NotificationFailed', data: failCommand.data as Extract<NotificationEvent, { type: 'NotificationFailed' }>['data'] };
    it('fails a pending, scheduled or retrying notification', () => {
      spec.given([requested]).when(failCommand).then([failedEvent]);
      spec.given([scheduled]).when(failCommand).then([failedEvent]);
      spec
        .given([requested, attemptFailed(1)])
        .when(failCommand)
        .then([failedEvent]);
    });
    it('turns a sent notification into a failed one (a bounce)', () => {
      spec
        .given([requested, sent(1)])
        .when(failCommand)
        .then([failedEvent]);
      expect(fold(notificationDecider, [requested, sent(1), failedEvent]).status).toBe('failed');
    });
    it('appends nothing when already failed, suppressed or delivered', () => {
      spec
        .given([requested, failed(1)])
        .when(failCommand)
        .then([]);
      spec.given([suppressed]).when(failCommand).then([]);
      spec
        .given([requested, sent(1), delivered])
        .when(failCommand)
        .then([]);
    });
    it('rejects a notification never requested', () => spec.given([]).when(failCommand).thenThrows('invalid_state'));
  });

  describe('RecordDelivery', () => {
    it('records delivery of a sent notification', () =>
      spec
        .given([requested, sent(1)])
        .when(delivery)
        .then([delivered]));
    it('appends nothing for a second delivery receipt', () =>
      spec
        .given([requested, sent(1), delivered])
        .when(delivery)
        .then([]));
    it('rejects delivery of a notification that was not sent', () => {
      spec.given([requested]).when(delivery).thenThrows('invalid_state');
      spec
        .given([requested, failed(1)])
        .when(delivery)
        .thenThrows('invalid_state');
      spec.given([suppressed]).when(delivery).thenThrows('invalid_state');
      spec.given([]).when(delivery).thenThrows('invalid_state');
    });
  });

  describe('RecordOpen and RecordClick', () => {
    it('records the first open and the first click of a sent or delivered notification', () => {
      spec
        .given([requested, sent(1)])
        .when(open)
        .then([opened]);
      spec
        .given([requested, sent(1), delivered])
        .when(open)
        .then([opened]);
      spec
        .given([requested, sent(1)])
        .when(click)
        .then([clicked]);
      spec
        .given([requested, sent(1), delivered, opened])
        .when(click)
        .then([clicked]);
    });
    it('appends nothing for a repeated open or click', () => {
      spec
        .given([requested, sent(1), opened])
        .when(open)
        .then([]);
      spec
        .given([requested, sent(1), clicked])
        .when(click)
        .then([]);
    });
    it('rejects opens and clicks of a message that never went out', () => {
      for (const past of [[requested], [scheduled], [requested, failed(1)], [suppressed]]) {
        spec.given(past).when(open).thenThrows('invalid_state');
        spec.given(past).when(click).thenThrows('invalid_state');
      }
      spec.given([]).when(open).thenThrows('invalid_state');
      spec.given([]).when(click).thenThrows('invalid_state');
    });
  });

  it('keeps a final status final whatever outcome events follow', () => {
    expect(fold(notificationDecider, [requested, sent(1), delivered, failed(2)]).status).toBe('delivered');
    expect(fold(notificationDecider, [suppressed, sent(1)]).status).toBe('suppressed');
    expect(fold(notificationDecider, [requested, failed(1), sent(2)]).status).toBe('failed');
    expect(isFinal('pending')).toBe(false);
    expect(isFinal('scheduled')).toBe(false);
  });
});

describe('RedriveNotification', () => {
  const redrive = (redriveId = 'r-1'): NotificationCommand => ({ type: 'RedriveNotification', data: { notificationId: id, redriveId, at } });
  const redriven = (redriveId = 'r-1', fromAttempt = 1, previousStatus: 'failed' | 'pending' = 'failed'): NotificationEvent => ({
    type: 'NotificationRedriven',
    data: { notificationId: id, appId: 'app', channel: 'email', redriveId, previousStatus, fromAttempt, at },
  });
  it('gives a failed notification a new attempt: back to pending, attempts continue, a fresh budget', () => {
    spec
      .given([requested, failed(1)])
      .when(redrive())
      .then([redriven()]);
    const state = fold(notificationDecider, [requested, failed(1), redriven()]);
    expect(state).toMatchObject({ status: 'pending', lastAttempt: 1, attemptBase: 1 });
    // The next outcome is attempt 2, and attempt 1 stays recorded.
    spec
      .given([requested, failed(1), redriven()])
      .when(outcome(2, { kind: 'sent', providerMessageId: 'm2' }))
      .then([sent(2)]);
    spec
      .given([requested, failed(1), redriven()])
      .when(outcome(1, sentOutcome))
      .thenThrows('attempt_already_recorded');
  });
  it('a pending notification (its message parked by the broker) may be redriven too', () =>
    spec
      .given([requested])
      .when(redrive())
      .then([redriven('r-1', 0, 'pending')]));
  it('the same redrive id twice appends nothing; another id after a new failure does', () => {
    spec
      .given([requested, failed(1), redriven()])
      .when(redrive())
      .then([]);
    spec
      .given([requested, failed(1), redriven(), failed(2)])
      .when(redrive('r-2'))
      .then([redriven('r-2', 2)]);
  });
  it('refuses a notification that is sent, delivered, suppressed or never requested', () => {
    for (const past of [[requested, sent(1)], [requested, sent(1), delivered], [suppressed], []]) spec.given(past).when(redrive()).thenThrows('invalid_state');
  });
});

describe('RecordConversion', () => {
  const convert = (name = 'purchase'): NotificationCommand => ({ type: 'RecordConversion', data: { notificationId: id, name, value: 9.5, at } });
  const converted = (name = 'purchase'): NotificationEvent => ({ type: 'NotificationConverted', data: { notificationId: id, name, value: 9.5, at } });
  it('once per name, on a notification that went out', () => {
    spec
      .given([requested, sent(1)])
      .when(convert())
      .then([converted()]);
    spec
      .given([requested, sent(1), converted()])
      .when(convert())
      .then([]);
    spec
      .given([requested, sent(1), delivered, converted()])
      .when(convert('signup'))
      .then([converted('signup')]);
  });
  it('refuses one that never went out', () => {
    for (const past of [[requested], [suppressed], [requested, failed(1)]]) spec.given(past).when(convert()).thenThrows('invalid_state');
  });
});
