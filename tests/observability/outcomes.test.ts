import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NotificationEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { silentLogger } from '../../infra/logger.ts';
import { followOutcomes } from '../../monitors/outcomes.ts';
import { capturingLogger, flakyEventStore, until } from '../helpers/flakyEventStore.ts';

const meta = { correlationId: 'c', causationId: 'c', appId: 'a' };
const at = new Date(0).toISOString();

function requested(id: string, channel: 'sms' | 'email' | 'ios'): NotificationEvent {
  return {
    type: 'NotificationRequested',
    data: {
      notificationId: id,
      appId: 'a',
      eventId: 'e',
      userId: 'u',
      channel,
      templateId: 't',
      templateVersion: 1,
      params: {},
      recipient: { kind: 'sms', phone: '+15550000000' },
      requestedAt: at,
    },
  };
}

describe('outcome feed', () => {
  it('turns the log into per-channel statuses and provider verdicts, including for notifications requested before it started', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-obs-'));
    const store = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 10 });
    // Requested before the feed starts: its channel must be looked up from the stream.
    await store.append(streams.notification('old'), [{ ...requested('old', 'email'), metadata: meta }], 'no_stream');
    const statuses: string[] = [];
    const verdicts: string[] = [];
    const feed = await followOutcomes({
      eventStore: store,
      logger: silentLogger,
      handlers: { onStatus: (c, s) => statuses.push(`${c}:${s}`), onProviderOutcome: (c, o) => verdicts.push(`${c}:${o}`) },
    });
    try {
      await feed.caughtUp;
      const ev = (e: NotificationEvent) => ({ ...e, metadata: meta });
      await store.append(streams.notification('n1'), [ev(requested('n1', 'sms'))], 'no_stream');
      await store.append(
        streams.notification('n1'),
        [ev({ type: 'NotificationAttemptFailed', data: { notificationId: 'n1', attempt: 1, provider: 'twilio', code: '503', message: 'x', at } })],
        0,
      );
      await store.append(
        streams.notification('n1'),
        [ev({ type: 'NotificationSent', data: { notificationId: 'n1', attempt: 2, provider: 'twilio', providerMessageId: 'm', at } })],
        1,
      );
      await store.append(streams.notification('old'), [ev({ type: 'NotificationFailed', data: { notificationId: 'old', reason: 'permanent', code: '400', message: 'x', at } })], 0);
      await store.append(streams.notification('n2'), [ev(requested('n2', 'ios'))], 'no_stream');
      await store.append(
        streams.notification('n2'),
        [ev({ type: 'NotificationFailed', data: { notificationId: 'n2', reason: 'token_invalid', code: '410', message: 'x', at } })],
        0,
      );
      await store.append(streams.user('app', 'u'), [ev({ type: 'NotificationOpened', data: { notificationId: 'n1', at } } as NotificationEvent)], 'any');
      const deadline = Date.now() + 5000;
      while (statuses.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(statuses).toEqual(['sms:requested', 'sms:sent', 'email:failed', 'ios:requested', 'ios:failed']);
      // A dead token is the user's data, not the provider failing: no verdict for it.
      expect(verdicts).toEqual(['sms:failed', 'sms:ok', 'email:failed']);
    } finally {
      await feed.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dropped subscription is resumed after the last event counted: nothing lost, nothing counted twice, one error logged', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-obs-'));
    const base = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 10 });
    const flaky = flakyEventStore(base);
    const { logger, lines } = capturingLogger();
    const statuses: string[] = [];
    const feed = await followOutcomes({ eventStore: flaky.store, logger, retry: { initialMs: 10, maxMs: 40 }, handlers: { onStatus: (c, s) => statuses.push(`${c}:${s}`) } });
    try {
      await feed.caughtUp;
      const ev = (e: NotificationEvent) => ({ ...e, metadata: meta });
      const sent = (id: string) => ev({ type: 'NotificationSent', data: { notificationId: id, attempt: 1, provider: 'p', providerMessageId: 'm', at } });
      const first = await base.append(streams.notification('n1'), [ev(requested('n1', 'sms'))], 'no_stream');
      // The connection drops just before the next event, and the store then refuses two reconnections.
      flaky.dropBefore(first.position + 1);
      flaky.refuseNext(2);
      await base.append(streams.notification('n1'), [sent('n1')], 0);
      await base.append(streams.notification('n2'), [ev(requested('n2', 'email'))], 'no_stream');
      await base.append(streams.notification('n2'), [sent('n2')], 0);
      await until(() => statuses.length >= 4, 5_000, 'the counts after the outage');
      await base.append(streams.notification('n3'), [ev(requested('n3', 'ios'))], 'no_stream');
      await until(() => statuses.length >= 5, 5_000, 'a live count');
      await new Promise((r) => setTimeout(r, 50));
      expect(statuses).toEqual(['sms:requested', 'sms:sent', 'email:requested', 'email:sent', 'ios:requested']);
      expect(flaky.afters).toEqual([first.position - 1, first.position, first.position, first.position]);
      expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(['outcome feed: log subscription ended; resubscribing']);
      expect(lines.filter((l) => l.msg === 'outcome feed: log subscription resumed')).toHaveLength(1);
    } finally {
      await feed.close();
      await base.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
