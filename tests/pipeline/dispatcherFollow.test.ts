import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../dispatcher/dispatcher.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import type { ScheduleStore } from '../../infra/scheduleStore.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { flakyEventStore } from '../helpers/flakyEventStore.ts';
import { AMQP_URL, drain, messageCount, removeTopology, testTopology, waitFor } from '../helpers/rabbit.ts';
import { openStore, request, tempDir } from './world.ts';

describe('dispatcher on a log subscription that drops', () => {
  it('resumes after the last event handled: every due notification published once, the scheduled one stored once', async () => {
    const dir = tempDir('dfollow');
    const store = openStore(dir);
    const flaky = flakyEventStore(store);
    const topology = testTopology('dfollow', { channels: ['email'] });
    const inner = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), topology.prefix);
    // Storing the scheduled entry fails once: the dispatcher's own handler failing ends the subscription too.
    let scheduleFailures = 0;
    const state: ScheduleStore = {
      ...inner,
      schedule: async (e) => {
        if (scheduleFailures++ === 0) throw new Error('state store busy');
        await inner.schedule(e);
      },
    };
    const rabbit = createRabbitConnection({ url: AMQP_URL, logger: silentLogger, name: 'test-dfollow', initialDelayMs: 100, maxDelayMs: 1_000 });
    const dispatcher = createDispatcher({ eventStore: flaky.store, state, rabbit, topology, logger: silentLogger, scheduleTickMs: 60_000 });
    const queue = channelNames('email', topology.prefix).queue;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await request(store, 'email')).notificationId);
      const later = await request(store, 'email', { scheduleAt: new Date(Date.now() + 3_600_000).toISOString() });
      for (let i = 0; i < 10; i++) ids.push((await request(store, 'email')).notificationId);
      flaky.dropBefore(4);
      flaky.dropBefore(16);
      await dispatcher.start();
      await waitFor(async () => (await messageCount(queue)) >= 20 && dispatcher.stats().checkpoint === 21, 20_000, 'every due one published');
      await new Promise((r) => setTimeout(r, 200));
      const published = (await drain(queue)).map((m) => (JSON.parse(m.content.toString()) as { notificationId: string }).notificationId);
      expect(published.sort()).toEqual([...ids].sort());
      expect(scheduleFailures).toBe(2);
      expect(await inner.countScheduled()).toBe(1);
      expect((await inner.due(new Date(Date.now() + 7_200_000), 10)).map((e) => e.notificationId)).toEqual([later.notificationId]);
      // Dropped before 4, then the handler failed on the scheduled one (11), then dropped before 16.
      expect(flaky.afters).toEqual([0, 3, 10, 15]);
      expect(dispatcher.stats()).toMatchObject({ published: 20, scheduled: 1, lastRead: 21 });
    } finally {
      await dispatcher.stop(1_000);
      await rabbit.close();
      await removeTopology(topology);
      await inner.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
