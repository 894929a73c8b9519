import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommitMarks } from '../../infra/commitMarks.ts';
import { createPostgresCommitMarks } from '../../infra/postgres/commitMarks.ts';
import { createSqliteCommitMarks } from '../../infra/sqlite/commitMarks.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { tempDir } from './world.ts';

/** One contract for every commit-marks adapter: SQLite and PostgreSQL always, MongoDB when MONGO_URL is set. */
function contract(name: string, open: () => Promise<CommitMarks>) {
  describe(`commit marks: ${name}`, () => {
    it('keeps one row per committer, moved forward only, and forgets the long silent', async () => {
      const m = await open();
      expect(await m.get('a')).toBeUndefined();
      await m.beat('a', 10, new Date(1_000));
      await m.beat('b', 5, new Date(2_000));
      await m.beat('a', 12, new Date(3_000));
      // A late write of an older mark (a slow flush) moves nothing back.
      await m.beat('a', 11, new Date(2_500));
      expect(await m.get('a')).toEqual({ position: 12, beatAt: 3_000 });
      expect(await m.get('b')).toEqual({ position: 5, beatAt: 2_000 });
      expect(await m.prune(new Date(2_500))).toBe(1);
      expect(await m.get('b')).toBeUndefined();
      expect(await m.get('a')).toEqual({ position: 12, beatAt: 3_000 });
      await m.close();
      const again = await open();
      expect(await again.get('a')).toEqual({ position: 12, beatAt: 3_000 });
      await again.close();
    });
  });
}

const dir = tempDir('marks');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
contract('SQLite', async () => createSqliteCommitMarks(path.join(dir, 'commits.sqlite')));

let pgDb: TestDatabase | undefined;
afterAll(async () => {
  await pgDb?.drop();
});
contract('PostgreSQL', async () => {
  pgDb ??= await createTestDatabase();
  return createPostgresCommitMarks(pgDb.url);
});

const mongoUrl = process.env.MONGO_URL;
if (mongoUrl) {
  const db = `notify_test_marks_${Date.now().toString(36)}`;
  contract('MongoDB', async () => (await import('../../infra/mongo/commitMarks.ts')).createMongoCommitMarks(mongoUrl, db));
  afterAll(async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(mongoUrl);
    await client.connect();
    await client.db(db).dropDatabase();
    await client.close();
  });
}
