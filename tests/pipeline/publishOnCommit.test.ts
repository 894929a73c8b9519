import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestNotifications, type NotifyDeps } from '../../commands/notifications.ts';
import { startPublishOnCommit, type CommitPublisher } from '../../commands/publishOnCommit.ts';
import { createRateCounter, parseRateLimits } from '../../commands/rateLimits.ts';
import { publishTemplate } from '../../commands/templates.ts';
import { upsertUser } from '../../commands/users.ts';
import { createDispatcher, type Dispatcher } from '../../dispatcher/dispatcher.ts';
import { streams } from '../../domain/streams.ts';
import type { CommitMarks } from '../../infra/commitMarks.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createRabbitConnection, type RabbitConnection } from '../../infra/rabbit/connection.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import { createSqliteCommitMarks } from '../../infra/sqlite/commitMarks.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import { AMQP_URL, drain, messageCount, removeTopology, testTopology, waitFor } from '../helpers/rabbit.ts';
import { startPipeline } from './harness.ts';
import { openStore, recipientFor, tempDir, testProvider } from './world.ts';

/**
 * Publish on commit: the committing process publishes what is due at once; the dispatcher skips
 * what it confirmed and takes over what it left. Counted on the queue itself, not by outcome.
 */
let dir: string;
let store: EventStore;
let topology: Topology;
let marks: CommitMarks;
let queue: string;
const closers: Array<() => Promise<void>> = [];
const ctx = () => ({ appId: 'app-test', requestId: randomUUID(), now: new Date() });
const USERS = Array.from({ length: 40 }, (_, i) => `u${i}`);

function connect(name: string): RabbitConnection {
  const rabbit = createRabbitConnection({ url: AMQP_URL, logger: silentLogger, name, initialDelayMs: 100, maxDelayMs: 1_000 });
  closers.push(() => rabbit.close());
  return rabbit;
}

async function committer(rabbit: RabbitConnection = connect('test-poc-committer')): Promise<CommitPublisher> {
  await rabbit.start();
  const c = await startPublishOnCommit({ rabbit, topology, marks, logger: silentLogger, name: 'test', beatMs: 50, heartbeatMs: 200 });
  closers.push(() => c.close(500));
  return c;
}

function dispatcher(): Dispatcher {
  const state = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), 'dispatcher');
  const d = createDispatcher({
    eventStore: store,
    state,
    rabbit: connect('test-poc-dispatcher'),
    topology,
    logger: silentLogger,
    scheduleTickMs: 50,
    marks,
    committerStaleMs: 2_000,
    committerMaxWaitMs: 10_000,
  });
  closers.push(async () => {
    await d.stop(500);
    await state.close();
  });
  return d;
}

const deps = (publishOnCommit?: CommitPublisher): NotifyDeps => ({
  store,
  idKey: 'poc-key',
  rateCounter: createRateCounter(),
  rateLimits: parseRateLimits('email=100000/1h'),
  ...(publishOnCommit && { publishOnCommit }),
});

const queued = async () => (await drain(queue)).map((m) => (JSON.parse(m.content.toString()) as { notificationId: string }).notificationId);

beforeEach(async () => {
  dir = tempDir('poc');
  store = openStore(dir);
  topology = testTopology('poc', { channels: ['email'] });
  marks = createSqliteCommitMarks(path.join(dir, 'commits.sqlite'));
  queue = channelNames('email', topology.prefix).queue;
  await publishTemplate(store, ctx(), 't', { email: { subject: 'S', html: '<p>x</p>' } });
  for (const u of USERS) await upsertUser(store, ctx(), u, { email: `${u}@example.test` });
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await removeTopology(topology);
  await marks.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('publish on commit', () => {
  it('delivers a request with no dispatcher running at all', async () => {
    const c = await committer();
    const provider = testProvider('email');
    const pipeline = await startPipeline({ dir, store, topology, providers: { email: provider }, dispatcher: false });
    closers.push(() => pipeline.stop());
    const [n] = await requestNotifications(deps(c), ctx(), { eventId: 'e1', userIds: ['u0'], templateId: 't', params: {}, channels: ['email'] });
    await waitFor(() => provider.calls.get(n!.id) === 1, 10_000, 'the request delivered');
    expect(c.stats()).toMatchObject({ published: 1, handedOver: 0 });
  }, 30_000);

  it('N requests with the dispatcher running: exactly N messages on the queue, none republished', async () => {
    const c = await committer();
    const d = dispatcher();
    await d.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await requestNotifications(deps(c), ctx(), { eventId: `e${i}`, userIds: USERS, templateId: 't', params: {}, channels: ['email'] });
      ids.push(...out.map((o) => o.id));
    }
    // A digest member and a later request: the dispatcher's and the workflow's business, never the committer's.
    await requestNotifications(deps(c), ctx(), { eventId: 'digest', userIds: ['u0'], templateId: 't', params: {}, channels: ['email'], digest: { key: 'k', windowSeconds: 60 } });
    await requestNotifications(deps(c), ctx(), {
      eventId: 'later',
      userIds: ['u1'],
      templateId: 't',
      params: {},
      channels: ['email'],
      scheduleAt: new Date(Date.now() + 3_600_000),
    });
    const head = await store.headPosition();
    await waitFor(() => d.stats().checkpoint === head, 10_000, 'the dispatcher past every request');
    await waitFor(async () => (await messageCount(queue)) >= ids.length, 10_000, 'every request on the queue');
    await new Promise((r) => setTimeout(r, 300));
    const onQueue = await queued();
    expect(onQueue.length).toBe(ids.length);
    expect(new Set(onQueue)).toEqual(new Set(ids));
    expect(c.stats()).toMatchObject({ published: ids.length, handedOver: 0 });
    expect(d.stats()).toMatchObject({ published: 0, confirmedByCommitter: ids.length, takenOver: 0, held: 1, scheduled: 1 });
  }, 60_000);

  it('a committer that commits and dies before publishing: the dispatcher publishes each request once its heartbeat is stale', async () => {
    // Tagged and committed by a process that beat once and never published anything.
    await marks.beat('dead-committer', 0, new Date());
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = `dead-${i}`;
      ids.push(id);
      await store.append(
        streams.notification(id),
        [
          {
            type: 'NotificationRequested',
            data: {
              notificationId: id,
              appId: 'app-test',
              eventId: id,
              userId: 'u0',
              channel: 'email',
              templateId: 't',
              templateVersion: 1,
              params: {},
              recipient: recipientFor('email', 'u0'),
              requestedAt: new Date().toISOString(),
            },
            metadata: { correlationId: id, causationId: id, appId: 'app-test', committer: 'dead-committer' },
          },
        ],
        'no_stream',
      );
    }
    // Alive (beating, nothing confirmed) while the dispatcher reaches its requests: they may still be confirmed, so nothing is published.
    const alive = setInterval(() => void marks.beat('dead-committer', 0, new Date()), 100);
    const d = dispatcher();
    try {
      await d.start();
      await new Promise((r) => setTimeout(r, 800));
      expect(await messageCount(queue)).toBe(0);
      expect(d.stats().takenOver).toBe(0);
    } finally {
      clearInterval(alive);
    }
    await waitFor(async () => (await messageCount(queue)) >= ids.length, 10_000, 'the dispatcher took the requests over');
    await new Promise((r) => setTimeout(r, 300));
    expect((await queued()).sort()).toEqual([...ids].sort());
    expect(d.stats()).toMatchObject({ takenOver: ids.length, confirmedByCommitter: 0 });
  }, 30_000);

  it('a committer whose publishes are never confirmed hands them over, and the dispatcher publishes every one', async () => {
    // Connected as far as it knows, but no channel ever opens: every publish ends unconfirmed.
    const deaf: RabbitConnection = {
      async start() {},
      onConnect: () => () => {},
      onDisconnect: () => () => {},
      connected: true,
      connects: 1,
      async waitConnected() {},
      failover() {},
      node: undefined,
      async close() {},
    };
    const c = await committer(deaf);
    const d = dispatcher();
    await d.start();
    const out = await requestNotifications(deps(c), ctx(), { eventId: 'deaf', userIds: USERS.slice(0, 5), templateId: 't', params: {}, channels: ['email'] });
    await waitFor(async () => (await messageCount(queue)) >= out.length, 15_000, 'the dispatcher published what the committer could not');
    await new Promise((r) => setTimeout(r, 300));
    expect((await queued()).sort()).toEqual(out.map((o) => o.id).sort());
    expect(c.stats().handedOver).toBeGreaterThan(0);
    expect(d.stats()).toMatchObject({ takenOver: out.length, confirmedByCommitter: 0 });
  }, 30_000);
});
