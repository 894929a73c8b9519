import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createPostgresProjectionStore } from '../../infra/postgres/projectionStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

/** What only the PostgreSQL projection store has to prove, beyond the shared contract. */
describe('PostgreSQL projection store', () => {
  let db: TestDatabase;
  let a: ProjectionStore;
  let b: ProjectionStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    a = createPostgresProjectionStore(db.url);
    b = createPostgresProjectionStore(db.url);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('read-modify-write from two stores at once loses no update, including on the insert race', async () => {
    const ca = a.collection('racing');
    const cb = b.collection('racing');
    await Promise.all([ca.count(), cb.count()]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? ca : cb).upsert('doc', { $inc: { n: 1 }, $addToSet: { seen: i } })));
    const doc = await ca.findOne({ _id: 'doc' });
    expect(doc?.n).toBe(40);
    expect((doc?.seen as number[]).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('a failed batch rolls back every write in it, checkpoints included', async () => {
    const c = a.collection('batched');
    await c.upsert('kept', { $set: { v: 1 } });
    await a.setCheckpoint('batched', 5);
    await expect(
      a.batch(async () => {
        await c.upsert('kept', { $set: { v: 2 } });
        await c.upsert('new', { $set: { v: 1 } });
        await a.setCheckpoint('batched', 9);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await c.findOne({ _id: 'kept' })).toEqual({ _id: 'kept', v: 1 });
    expect(await c.findOne({ _id: 'new' })).toBeNull();
    expect(await a.getCheckpoint('batched')).toBe(5);
    await a.batch(async () => {
      await c.upsert('new', { $set: { v: 1 } });
      await a.setCheckpoint('batched', 9);
    });
    expect(await c.count()).toBe(2);
    expect(await a.getCheckpoint('batched')).toBe(9);
  });

  it('string ranges on an indexed field answer as mingo does (code-unit order), on a C.UTF-8 and on an ICU database', async () => {
    const icu = await createTestDatabase({ collation: 'icu' });
    const linguistic = createPostgresProjectionStore(icu.url);
    try {
      for (const store of [a, linguistic]) {
        const values = ['a', 'B', 'Z', 'z', 'é', 'É', '\uE000x', '😀', '2026-01-01T00:00:00.000Z', '2026-01-02', ''];
        const plain = store.collection('strings_plain');
        const indexed = store.collection('strings_indexed');
        await indexed.createIndex({ keys: { s: 1 } });
        for (const [i, s] of values.entries()) {
          await plain.upsert(`d${i}`, { $set: { s } });
          await indexed.upsert(`d${i}`, { $set: { s } });
        }
        for (const bound of ['Z', 'a', 'é', '\uE000', '😀', '2026-01-01T12', '']) {
          for (const op of ['$gt', '$gte', '$lt', '$lte'] as const) {
            const filter = { s: { [op]: bound } };
            const expected = values.flatMap((s, i) => ((op === '$gt' ? s > bound : op === '$gte' ? s >= bound : op === '$lt' ? s < bound : s <= bound) ? [`d${i}`] : [])).sort();
            expect(
              (await plain.find(filter, { sort: { _id: 1 } })).map((d) => d._id),
              JSON.stringify(filter),
            ).toEqual(expected);
            expect(
              (await indexed.find(filter, { sort: { _id: 1 } })).map((d) => d._id),
              JSON.stringify(filter),
            ).toEqual(expected);
          }
        }
      }
    } finally {
      await linguistic.close();
      await icu.drop();
    }
  });

  it('declared indexes are jsonb expression indexes the planner uses for the pushed-down filters', async () => {
    const c = a.collection('planned');
    await c.createIndex({ keys: { 'nested.k': 1 } });
    await a.batch(async () => {
      for (let i = 0; i < 2_000; i++) await c.upsert(`d${i}`, { $set: { nested: { k: i % 500 }, pad: 'x'.repeat(50) } });
    });
    expect(await c.count({ 'nested.k': 7 })).toBe(4);
    expect(await c.count({ 'nested.k': { $gte: 498 } })).toBe(8);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('ANALYZE "c_planned"');
      // The same expression text the adapter writes in CREATE INDEX and in its WHERE clause.
      const plan = await client.query(`EXPLAIN SELECT doc FROM "c_planned" WHERE (doc #> '{nested,k}') >= '498'::jsonb`);
      expect(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan|Bitmap Index Scan/);
    } finally {
      await client.end();
    }
  });
});
