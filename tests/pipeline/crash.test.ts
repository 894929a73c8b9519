import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../domain/events.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { parseDelivery } from '../../infra/rabbit/message.ts';
import { channelNames, HEADERS } from '../../infra/rabbit/names.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import { AMQP_URL, drain, messageCount, publishRaw, removeTopology, testRetry, testTopology, waitFor } from '../helpers/rabbit.ts';
import { startPipeline } from './harness.ts';
import { count, eventsOf, openStore, request, tempDir, testProvider } from './world.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child', 'role.ts');
const RETRY = [50, 100, 200];

/** Runs a role in a child process; resolves once it reports ready. */
function spawnRole(args: Record<string, unknown>): { child: ChildProcess; ready: Promise<void>; exited: Promise<NodeJS.Signals | number | null> } {
  const child = fork(CHILD, [JSON.stringify({ url: AMQP_URL, retryDelaysMs: RETRY, ...args })], {
    // The role runs its TypeScript as production does, through Node's own type stripping.
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    child.once('exit', (code, signal) => reject(new Error(`child exited before ready (${signal ?? code})`)));
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, ready, exited };
}

describe('crashes (real RabbitMQ, roles killed with SIGKILL)', () => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    cleanup = [];
  });

  function world(label: string, channel: Channel) {
    const dir = tempDir(label);
    const store: EventStore = openStore(dir);
    const topology: Topology = testTopology(label, { channels: [channel], retry: testRetry({ tiersMs: RETRY }) });
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    cleanup.push(() => removeTopology(topology));
    return { dir, store, topology };
  }

  it('a sender killed mid-batch: its unacked messages are redelivered and each notification ends Sent exactly once', async () => {
    const { dir, store, topology } = world('killsender', 'email');
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await request(store, 'email')).notificationId);
    // Queue everything first (dispatcher only), so the child sender has a full prefetch window in flight.
    const queueing = await startPipeline({ dir, store, topology, providers: {} });
    const queue = channelNames('email', topology.prefix).queue;
    await waitFor(async () => (await messageCount(queue)) === 200, 30_000, '200 messages queued');
    await queueing.stop();

    const { child, ready, exited } = spawnRole({ role: 'sender', dir, prefix: topology.prefix, channel: 'email', killOnCall: 80, latencyMs: 5, prefetch: 20 });
    cleanup.push(async () => void child.kill('SIGKILL'));
    await ready;
    expect(await exited).toBe('SIGKILL');
    let sentByChild = 0;
    for (const id of ids) sentByChild += count(await eventsOf(store, id), 'NotificationSent');
    expect(sentByChild).toBeGreaterThan(0);
    expect(sentByChild).toBeLessThan(80);

    const provider = testProvider('email');
    const pipeline = await startPipeline({ dir, store, topology, providers: { email: provider }, dispatcher: false });
    cleanup.push(() => pipeline.stop());
    const sender = pipeline.senders.get('email')!;
    await waitFor(() => sender.stats().sent === 200 - sentByChild, 30_000, 'the rest sent');
    await waitFor(async () => (await messageCount(queue)) === 0, 5_000, 'queue empty');

    for (const id of ids) expect(count(await eventsOf(store, id), 'NotificationSent')).toBe(1);
    // The killed sender's window came back: marked redelivered, and the ones it had recorded were skipped, not resent.
    expect(sender.stats().redelivered).toBeGreaterThanOrEqual(10);
    expect(sender.stats().skipped).toBe(sender.stats().received - sender.stats().sent);
    for (const id of ids) {
      const sentHere = provider.calls.get(id) ?? 0;
      expect(sentHere).toBeLessThanOrEqual(1);
    }
  }, 90_000);

  it('a dispatcher killed mid-stream resumes from its checkpoint: nothing unpublished, duplicates only after the checkpoint, absorbed by the sender', async () => {
    const { dir, store, topology } = world('killdispatcher', 'sms');
    const requests = [];
    for (let i = 0; i < 600; i++) requests.push(await request(store, 'sms'));
    const positions = new Map<string, number>();
    for (const r of requests) positions.set(r.notificationId, (await eventsOf(store, r.notificationId))[0]!.position);

    const { child, ready, exited } = spawnRole({ role: 'dispatcher', dir, prefix: topology.prefix, channel: 'sms', killAfterPublished: 250, maxInFlight: 20 });
    cleanup.push(async () => void child.kill('SIGKILL'));
    await ready;
    expect(await exited).toBe('SIGKILL');

    const state = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), topology.prefix);
    const checkpointAtCrash = await state.getCheckpoint();
    await state.close();
    const head = await store.headPosition();
    expect(checkpointAtCrash).toBeLessThan(head);

    const queue = channelNames('sms', topology.prefix).queue;
    const beforeRestart = await messageCount(queue);
    expect(beforeRestart).toBeGreaterThanOrEqual(250);
    expect(beforeRestart).toBeLessThan(600);

    const provider = testProvider('sms');
    const restarted = await startPipeline({ dir, store, topology, providers: {} });
    cleanup.push(() => restarted.stop());
    await waitFor(() => restarted.dispatcher!.stats().checkpoint === head, 30_000, 'dispatcher caught up');
    // It published exactly the requests after its stored checkpoint.
    const afterCheckpoint = requests.filter((r) => positions.get(r.notificationId)! > checkpointAtCrash).length;
    expect(restarted.dispatcher!.stats().published).toBe(afterCheckpoint);
    await restarted.stop();

    const messages = await drain(queue);
    const copies = new Map<string, number>();
    for (const m of messages) {
      const parsed = parseDelivery(m.content);
      if (!parsed.ok) throw new Error('dispatcher published an unparseable message');
      expect(m.properties.headers?.[HEADERS.attempt]).toBe(1);
      copies.set(parsed.message.notificationId, (copies.get(parsed.message.notificationId) ?? 0) + 1);
    }
    for (const r of requests) {
      const n = copies.get(r.notificationId) ?? 0;
      expect(n).toBeGreaterThanOrEqual(1);
      if (n > 1) expect(positions.get(r.notificationId)!).toBeGreaterThan(checkpointAtCrash);
    }

    // Put the copies back and let a sender absorb the duplicates.
    await publishRaw(
      '',
      messages.map((m) => ({ content: m.content, headers: m.properties.headers ?? {}, routingKey: queue })),
    );
    await waitFor(async () => (await messageCount(queue)) === messages.length, 5_000, 'copies requeued');
    const pipeline = await startPipeline({ dir, store, topology, providers: { sms: provider }, dispatcher: false });
    cleanup.push(() => pipeline.stop());
    const sender = pipeline.senders.get('sms')!;
    await waitFor(() => sender.stats().received === messages.length, 30_000, 'all copies consumed');
    await waitFor(() => sender.stats().sent + sender.stats().skipped === messages.length, 5_000, 'all copies settled');
    expect(sender.stats().sent).toBe(600);
    for (const r of requests) expect(count(await eventsOf(store, r.notificationId), 'NotificationSent')).toBe(1);
  }, 90_000);

  it('a scheduled notification is held by the dispatcher across a restart and published when due, not before', async () => {
    const { dir, store, topology } = world('schedule', 'email');
    const provider = testProvider('email');
    const dueAt = new Date(Date.now() + 1_500).toISOString();
    const scheduled = await request(store, 'email', { scheduleAt: dueAt });
    const now = await request(store, 'email');

    const first = await startPipeline({ dir, store, topology, providers: { email: provider }, scheduleTickMs: 50 });
    await waitFor(() => first.senders.get('email')!.stats().sent === 1, 10_000, 'the immediate one sent');
    await waitFor(() => first.dispatcher!.stats().checkpoint === first.dispatcher!.stats().lastRead && first.dispatcher!.stats().scheduled === 1, 5_000, 'schedule stored');
    expect(await first.dispatcherState!.countScheduled()).toBe(1);
    await first.stop();
    expect(provider.calls.has(now.notificationId)).toBe(true);
    expect(provider.calls.has(scheduled.notificationId)).toBe(false);

    // The checkpoint is past the scheduled request: only the dispatcher's state remembers it.
    const state = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), topology.prefix);
    expect(await state.getCheckpoint()).toBe(await store.headPosition());
    await state.close();

    const second = await startPipeline({ dir, store, topology, providers: { email: provider }, scheduleTickMs: 50 });
    cleanup.push(() => second.stop());
    await waitFor(() => second.senders.get('email')!.stats().sent === 1, 10_000, 'the scheduled one sent');
    const sentAt = provider.messages.find((m) => m.notificationId === scheduled.notificationId);
    expect(sentAt).toBeDefined();
    const events = await eventsOf(store, scheduled.notificationId);
    const sent = events.find((e) => e.type === 'NotificationSent');
    expect(sent && Date.parse(sent.recordedAt)).toBeGreaterThanOrEqual(Date.parse(dueAt));
    expect(await second.dispatcherState!.countScheduled()).toBe(0);
  }, 90_000);
});
