import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../dispatcher/dispatcher.ts';
import { streams } from '../../domain/streams.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { AMQP_URL, drain, messageCount, removeTopology, testTopology, waitFor } from '../helpers/rabbit.ts';
import { openStore, request, tempDir } from './world.ts';

describe('the dispatcher relays what the log says, and decides nothing else', () => {
  it('holds digest members, publishes the digest made of them; a cancel and an old workflow timer leave its schedule', async () => {
    const dir = tempDir('drelay');
    const store = openStore(dir);
    const topology = testTopology('drelay', { channels: ['email'] });
    const state = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), 'dispatcher');
    const rabbit = createRabbitConnection({ url: AMQP_URL, logger: silentLogger, name: 'test-drelay', initialDelayMs: 100, maxDelayMs: 1_000 });
    const dispatcher = createDispatcher({ eventStore: store, state, rabbit, topology, logger: silentLogger, scheduleTickMs: 50 });
    const queue = channelNames('email', topology.prefix).queue;
    try {
      const digest = { key: 'comments', windowSeconds: 60 };
      const members = [await request(store, 'email', { data: { digest } }), await request(store, 'email', { data: { digest } })];
      // The notification the workflow makes when the window closes: its own request, no `digest`.
      const carrier = await request(store, 'email', { data: { digestOf: members.map((m) => m.notificationId) } });
      const later = await request(store, 'email', { scheduleAt: new Date(Date.now() + 3_600_000).toISOString() });
      await store.append(
        streams.notification(later.notificationId),
        [
          {
            type: 'NotificationCanceled',
            data: { notificationId: later.notificationId, appId: 'app-test', at: new Date().toISOString() },
            metadata: { correlationId: 'c', causationId: 'c', appId: 'app-test' },
          },
        ],
        0,
      );
      // A timer a dispatcher that ran the workflow itself left behind: the workflow sets its own.
      await state.schedule({
        notificationId: 'digest-old',
        channel: 'email',
        appId: 'app-test',
        dueAt: new Date(0).toISOString(),
        position: 1,
        timer: { kind: 'digest', stream: 'digest-x', windowId: '1' },
      });

      await dispatcher.start();
      const head = await store.headPosition();
      await waitFor(async () => dispatcher.stats().checkpoint === head && (await state.countScheduled()) === 0, 10_000, 'the log relayed and the schedule emptied');
      await waitFor(async () => (await messageCount(queue)) >= 1, 5_000, 'the digest published');
      await new Promise((r) => setTimeout(r, 200));
      const published = (await drain(queue)).map((m) => (JSON.parse(m.content.toString()) as { notificationId: string }).notificationId);
      expect(published).toEqual([carrier.notificationId]);
      expect(dispatcher.stats()).toMatchObject({ published: 1, held: 2, scheduled: 1, publishedScheduled: 0 });
    } finally {
      await dispatcher.stop(1_000);
      await rabbit.close();
      await removeTopology(topology);
      await state.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
