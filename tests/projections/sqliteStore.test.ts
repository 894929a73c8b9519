import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStoreError, type ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';

let dir: string;
let file: string;
let store: ProjectionStore;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ps-sqlite-'));
  file = path.join(dir, 'p.sqlite');
  store = createSqliteProjectionStore(file);
});
afterAll(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('embedded projection store specifics', () => {
  it('indexes are json_extract expression indexes that SQLite uses for the pushed-down filter', async () => {
    const c = store.collection('plan');
    await c.createIndex({ keys: { userId: 1, 'w.start': 1 } });
    await c.upsert('a', { $set: { userId: 'u', w: { start: '2026' } } });
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT doc FROM "c_plan" WHERE json_extract(doc, '$.userId') = ? AND json_extract(doc, '$.w.start') >= ?`)
      .all('u', '2000') as Array<{ detail: string }>;
    db.close();
    expect(plan.map((p) => p.detail).join(' ')).toContain('USING INDEX ix_plan_userId__w_start');
    expect(await c.find({ userId: 'u', 'w.start': { $gte: '2000' } })).toHaveLength(1);
  });

  it('refuses an array at or above an indexed field (the SQL pushdown would miss it) and paths through arrays', async () => {
    const c = store.collection('arrays');
    await c.createIndex({ keys: { 'tags.main': 1 } });
    await expect(c.upsert('a', { $set: { tags: [{ main: 'x' }] } })).rejects.toThrow(ProjectionStoreError);
    await expect(c.upsert('a', { $set: { 'tags.main': ['x'] } })).rejects.toThrow(/may not hold an array/);
    await c.upsert('b', { $set: { list: [1, 2] } });
    await expect(c.upsert('b', { $set: { 'list.0': 5 } })).rejects.toThrow(/goes through an array/);
    expect(await c.findOne({ _id: 'a' })).toBeNull();
    expect(await c.findOne({ _id: 'b' })).toEqual({ _id: 'b', list: [1, 2] });
  });

  it('batch commits all writes at once, or none when it fails', async () => {
    const c = store.collection('batched');
    await store.batch(async () => {
      await c.upsert('a', { $inc: { n: 1 } });
      await c.upsert('b', { $inc: { n: 1 } });
      await store.setCheckpoint('batched', 2);
    });
    await expect(
      store.batch(async () => {
        await c.upsert('a', { $inc: { n: 1 } });
        await store.setCheckpoint('batched', 3);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await c.findOne({ _id: 'a' }))?.n).toBe(1);
    expect(await store.getCheckpoint('batched')).toBe(2);
  });
});
