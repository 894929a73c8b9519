import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, failAtDeliveryLimit, type DeliverDeps } from '../../channels/sender/deliver.ts';
import { openJournal } from '../../channels/sender/journal.ts';
import { createOutcomeRecorder, type HeldOutcome } from '../../channels/sender/recorder.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { count, eventsOf, openStore, renderTrivially, request, tempDir, testProvider } from './world.ts';
import { testRetry } from '../helpers/rabbit.ts';

/** The store as a full disk leaves it: reads answer, every write fails. */
function unwritable(store: EventStore) {
  let full = true;
  const fail = async (): Promise<never> => {
    if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    throw new Error('unreachable');
  };
  const wrapped: EventStore = {
    ...store,
    append: (...a) => (full ? fail() : store.append(...a)),
    appendMulti: (...a) => (full ? fail() : store.appendMulti(...a)),
  };
  return { store: wrapped, free: () => void (full = false) };
}

describe('sender outbox (an outcome the store refuses is never paid for twice)', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  async function world() {
    const dir = tempDir('outbox');
    const store = openStore(dir);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    const disk = unwritable(store);
    const journal = await openJournal<HeldOutcome>({ dir: path.join(dir, 'outbox'), logger: silentLogger, slots: 64 });
    const recorder = createOutcomeRecorder({ eventStore: disk.store, journal, logger: silentLogger, replayIntervalMs: 60_000 });
    cleanup.push(() => journal.close());
    cleanup.push(() => recorder.close());
    const provider = testProvider('email', {});
    const deps: DeliverDeps = {
      channel: 'email',
      eventStore: disk.store,
      provider,
      render: renderTrivially,
      retry: testRetry({ maxAttempts: 5 }),
      random: () => 0.5,
      providerTimeoutMs: 1_000,
      now: () => new Date(),
      record: recorder.record,
      held: recorder.held,
    };
    return { dir, store, disk, journal, recorder, provider, deps };
  }

  it('with the disk full, the outcome goes to the outbox, redeliveries do not call the provider, and the log gets it once writes return', async () => {
    const { dir, store, disk, recorder, provider, deps } = await world();
    const { notificationId } = await request(store, 'email');

    const first = await deliver(deps, notificationId, 1);
    expect(first).toEqual({ kind: 'ack', note: 'sent' });
    expect(recorder.stats().journaled).toBe(1);
    expect(count(await eventsOf(store, notificationId), 'NotificationSent')).toBe(0);
    // The broker hands it back ten times (a sender restart, a lost channel): no second provider call.
    for (let i = 0; i < 10; i++) expect(await deliver(deps, notificationId, 1)).toEqual({ kind: 'ack', note: 'already_recorded' });
    expect(provider.calls.get(notificationId)).toBe(1);
    expect(fs.readdirSync(path.join(dir, 'outbox'))).toHaveLength(1);

    disk.free();
    await recorder.replay();
    const events = await eventsOf(store, notificationId);
    expect(count(events, 'NotificationSent')).toBe(1);
    expect(recorder.held(notificationId)).toBeUndefined();
    await recorder.replay();
    expect(count(await eventsOf(store, notificationId), 'NotificationSent')).toBe(1);
  });

  it('a sender that died with outcomes in its outbox: the next one adopts the file and replays it before sending again', async () => {
    const { dir, store, provider, deps } = await world();
    const { notificationId } = await request(store, 'email');
    expect((await deliver(deps, notificationId, 1)).kind).toBe('ack');
    // "Crash": the first journal is never closed. A new sender starts on the same data dir
    // (same host and pid, as a restarted container: adopted).
    const journal2 = await openJournal<HeldOutcome>({ dir: path.join(dir, 'outbox'), logger: silentLogger, slots: 64 });
    cleanup.push(() => journal2.close());
    const recorder2 = createOutcomeRecorder({ eventStore: store, journal: journal2, logger: silentLogger, replayIntervalMs: 60_000 });
    cleanup.push(() => recorder2.close());
    expect(journal2.entries()).toHaveLength(1);
    expect(recorder2.held(notificationId)?.final).toBe(true);
    await recorder2.replay();
    expect(journal2.entries()).toHaveLength(0);
    expect(count(await eventsOf(store, notificationId), 'NotificationSent')).toBe(1);
    expect(await deliver({ ...deps, eventStore: store, record: recorder2.record, held: recorder2.held }, notificationId, 1)).toEqual({ kind: 'ack', note: 'skipped_final' });
    expect(provider.calls.get(notificationId)).toBe(1);
  });

  it('records the outcomes of concurrent sends in a few atomic batches, not one append each', async () => {
    const dir = tempDir('batch');
    const store = openStore(dir);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    const recorder = createOutcomeRecorder({ eventStore: store, logger: silentLogger });
    cleanup.push(() => recorder.close());
    const provider = testProvider('email', {});
    const deps: DeliverDeps = {
      channel: 'email',
      eventStore: store,
      provider,
      render: renderTrivially,
      retry: testRetry({ maxAttempts: 5 }),
      random: () => 0.5,
      providerTimeoutMs: 1_000,
      now: () => new Date(),
      record: recorder.record,
      held: recorder.held,
    };
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await request(store, 'email')).notificationId);
    const actions = await Promise.all(ids.map((id) => deliver(deps, id, 1)));
    expect(actions.every((a) => a.kind === 'ack' && a.note === 'sent')).toBe(true);
    for (const id of ids) expect(count(await eventsOf(store, id), 'NotificationSent')).toBe(1);
    expect(recorder.stats().recorded).toBe(60);
    expect(recorder.stats().batches).toBeLessThan(10);
  });

  it('the last delivery the broker allows ends the notification failed (delivery_limit) without a provider call, so nothing stays pending behind a dead-lettered message', async () => {
    const { store, provider, deps } = await world();
    const { notificationId } = await request(store, 'email');
    const action = await failAtDeliveryLimit(deps, notificationId, 1, 9);
    expect(action).toMatchObject({ kind: 'park', reason: 'delivery_limit' });
    expect(provider.calls.get(notificationId)).toBeUndefined();
    // The store is full here: the outcome is held in the outbox, and counts as final.
    expect(deps.held!(notificationId)?.final).toBe(true);
    // Already final: nothing more is recorded, the message is just acked.
    const { notificationId: sent } = await request(store, 'email');
    const plain: DeliverDeps = { ...deps, eventStore: store, record: undefined, held: undefined };
    expect(await deliver(plain, sent, 1)).toEqual({ kind: 'ack', note: 'sent' });
    expect(await failAtDeliveryLimit(plain, sent, 1, 9)).toEqual({ kind: 'ack', note: 'skipped_final' });
    const { notificationId: direct } = await request(store, 'email');
    expect(await failAtDeliveryLimit(plain, direct, 1, 9)).toMatchObject({ kind: 'park', reason: 'delivery_limit' });
    const failed = (await eventsOf(store, direct)).filter((e) => e.type === 'NotificationFailed');
    expect(failed.map((e) => (e.data as { reason: string }).reason)).toEqual(['delivery_limit']);
  });
});
