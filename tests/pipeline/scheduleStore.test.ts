import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresScheduleStore } from '../../infra/postgres/scheduleStore.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import type { ScheduleStore } from '../../infra/scheduleStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { tempDir } from './world.ts';

/** One contract for every schedule store adapter (the dispatcher's and the workflow's state): SQLite and PostgreSQL always, MongoDB when MONGO_URL is set. */
function contract(name: string, open: (key: string) => Promise<ScheduleStore>) {
  describe(`schedule store: ${name}`, () => {
    it('keeps the checkpoint, per reader name', async () => {
      const a = await open('a');
      const b = await open('b');
      expect(await a.getCheckpoint()).toBe(0);
      await a.setCheckpoint(42);
      await a.setCheckpoint(43);
      expect(await a.getCheckpoint()).toBe(43);
      expect(await b.getCheckpoint()).toBe(0);
      await a.close();
      await b.close();
      const again = await open('a');
      expect(await again.getCheckpoint()).toBe(43);
      await again.close();
    });

    it('returns due entries earliest first, idempotently scheduled, removed only when asked', async () => {
      const s = await open('sched');
      const base = Date.parse('2030-01-01T00:00:00.000Z');
      const at = (sec: number) => new Date(base + sec * 1000).toISOString();
      await s.schedule({ notificationId: 'n2', channel: 'sms', appId: 'a', dueAt: at(20), position: 2 });
      await s.schedule({ notificationId: 'n1', channel: 'email', appId: 'a', dueAt: at(10), position: 1, traceparent: '00-abc-def-01' });
      await s.schedule({ notificationId: 'n3', channel: 'ios', appId: 'a', dueAt: at(30), position: 3 });
      await s.schedule({ notificationId: 'n1', channel: 'email', appId: 'a', dueAt: at(10), position: 1 });
      expect(await s.countScheduled()).toBe(3);
      expect(await s.due(new Date(base + 5_000), 10)).toEqual([]);
      const due = await s.due(new Date(base + 25_000), 10);
      expect(due.map((e) => e.notificationId)).toEqual(['n1', 'n2']);
      expect(due[0]).toEqual({ notificationId: 'n1', channel: 'email', appId: 'a', dueAt: at(10), position: 1, traceparent: '00-abc-def-01' });
      expect((await s.due(new Date(base + 60_000), 1)).map((e) => e.notificationId)).toEqual(['n1']);
      await s.remove('n1');
      expect((await s.due(new Date(base + 60_000), 10)).map((e) => e.notificationId)).toEqual(['n2', 'n3']);
      // A workflow timer round-trips with its entry.
      const timer = { kind: 'digest' as const, stream: 'digest-abc', windowId: '2' };
      await s.schedule({ notificationId: 'd1', channel: 'email', appId: 'a', dueAt: at(40), position: 4, timer });
      expect((await s.due(new Date(base + 60_000), 10)).find((e) => e.notificationId === 'd1')).toEqual({
        notificationId: 'd1',
        channel: 'email',
        appId: 'a',
        dueAt: at(40),
        position: 4,
        timer,
      });
      await s.close();
    });
  });
}

const dir = tempDir('dstate');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
contract('SQLite', async (key) => createSqliteScheduleStore(path.join(dir, 'state.sqlite'), key));

let pgDb: TestDatabase | undefined;
afterAll(async () => {
  await pgDb?.drop();
});
contract('PostgreSQL', async (key) => {
  pgDb ??= await createTestDatabase();
  return createPostgresScheduleStore(pgDb.url, key);
});

const mongoUrl = process.env.MONGO_URL;
if (mongoUrl) {
  const db = `notify_test_dispatcher_${Date.now().toString(36)}`;
  contract('MongoDB', async (key) => {
    const { createMongoScheduleStore } = await import('../../infra/mongo/scheduleStore.ts');
    return createMongoScheduleStore(mongoUrl, key, db);
  });
  afterAll(async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongoUrl);
    await client.connect();
    await client.db(db).dropDatabase();
    await client.close();
  });
}
