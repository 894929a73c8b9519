import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReconciler } from '../../monitors/reconciler.ts';
import { streams } from '../../domain/streams.ts';
import { createAlerter } from '../../infra/alerts.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { startProjectionRunner } from '../../projections/runner.ts';
import { AMQP_URL, messageCount, removeTopology, testTopology, waitFor } from '../helpers/rabbit.ts';
import { openStore, request, tempDir } from './world.ts';

describe('reconciler (nothing accepted stays pending with nothing queued)', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it('republishes a notification pending past the bound once per bound, alerts while any is stuck, and clears once it is resolved', async () => {
    const dir = tempDir('reconcile');
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store = openStore(dir);
    cleanup.push(() => store.close());
    const projections = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
    cleanup.push(() => projections.close());
    const runner = await startProjectionRunner({ eventStore: store, store: projections, logger: silentLogger });
    cleanup.push(() => runner.close());
    const topology = testTopology('reconcile');
    cleanup.push(() => removeTopology(topology));
    const rabbit = createRabbitConnection({ url: AMQP_URL, logger: silentLogger });
    cleanup.push(() => rabbit.close());
    const alerter = createAlerter({ logger: silentLogger });
    let clock = Date.now();
    const reconciler = startReconciler({
      projectionStore: projections,
      rabbit,
      topology,
      alerter,
      logger: silentLogger,
      stuckAfterMs: 60_000,
      intervalMs: 3_600_000,
      now: () => clock,
    });
    cleanup.push(() => reconciler.stop());
    // Connected after the reconciler registered its topology hook: the queues exist once this resolves.
    await rabbit.start();

    const fresh = await request(store, 'email');
    await waitFor(async () => Object.values(await runner.lag()).every((n) => n === 0), 10_000, 'projections caught up');
    // Pending, but young: nothing to do.
    expect(await reconciler.run()).toBe(0);
    const queue = channelNames('email', topology.prefix).queue;
    expect(await messageCount(queue)).toBe(0);

    clock += 5 * 60_000;
    expect(await reconciler.run()).toBe(1);
    await waitFor(async () => (await messageCount(queue)) === 1, 5_000, 'the republished message');
    expect(alerter.active().map((a) => [a.kind, a.detail.count])).toEqual([['notification_stuck', 1]]);
    // Still stuck a moment later: counted, not republished again within the bound.
    clock += 1_000;
    expect(await reconciler.run()).toBe(1);
    expect(await messageCount(queue)).toBe(1);

    // A sender resolves it: the next round finds none and the alert clears.
    await store.append(
      streams.notification(fresh.notificationId),
      [
        {
          type: 'NotificationSent',
          data: { notificationId: fresh.notificationId, attempt: 1, provider: 'test', providerMessageId: 'x', at: new Date(clock).toISOString() },
          metadata: { correlationId: 'c', causationId: 'c', appId: 'app-test' },
        },
      ],
      'any',
    );
    await waitFor(async () => Object.values(await runner.lag()).every((n) => n === 0), 10_000, 'projections caught up');
    expect(await reconciler.run()).toBe(0);
    expect(alerter.active()).toEqual([]);
  });
});
