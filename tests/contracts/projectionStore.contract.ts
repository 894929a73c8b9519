import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStoreError, type Doc, type Filter, type ProjectionStore, type Sort, type Update, type WriteOp } from '../../infra/projectionStore/port.ts';
import { refApply, type RefDoc, type Value } from './referenceUpdate.ts';

/** What an adapter brings: a store (fresh or shared; every test uses its own collection) and its cleanup. */
export interface ProjectionStoreFixture {
  store: ProjectionStore;
  cleanup(): Promise<void>;
}

const fresh = () => `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const strip = ({ _id: _ignored, ...rest }: Doc) => rest;

// ---- generators for the property: whitelisted updates over a few overlapping paths ----------------
const PATHS = ['a', 'b', 'c', 'c.x', 'c.y', 'n'] as const;
const scalar: fc.Arbitrary<Value> = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('p', 'q', 'é', ''), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ k: fc.integer({ min: 0, max: 2 }) }) },
);
const operand: Record<string, fc.Arbitrary<Value>> = {
  $set: value,
  $setOnInsert: value,
  $inc: fc.integer({ min: -3, max: 3 }),
  $unset: fc.constant(''),
  $min: scalar,
  $max: scalar,
  $push: fc.oneof(
    value,
    fc.record({ $each: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }) }),
    fc.record({ $each: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), $slice: fc.integer({ min: -3, max: 3 }) }),
  ),
  $addToSet: fc.oneof(scalar, fc.record({ k: fc.integer({ min: 0, max: 1 }) }), fc.record({ $each: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 4 }) })),
};
const entry = fc.tuple(fc.constantFrom(...Object.keys(operand)), fc.constantFrom(...PATHS)).chain(([op, path]) => operand[op]!.map((v) => ({ op, path, v })));
const updateArb = fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => {
  const u: Record<string, Record<string, Value>> = {};
  for (const { op, path, v } of entries) (u[op] ??= {})[path] = v;
  return u;
});

/** The shared contract; `other` (MongoDB when configured) is compared document by document in the property. */
export function projectionStoreContract(name: string, open: () => Promise<ProjectionStoreFixture>, other?: () => ProjectionStore | undefined) {
  describe(`ProjectionStore contract: ${name}`, () => {
    let fx: ProjectionStoreFixture;
    let store: ProjectionStore;
    beforeAll(async () => {
      fx = await open();
      store = fx.store;
    });
    afterAll(async () => {
      await fx.cleanup();
    });

    it('upsert creates the document with its id, applies $setOnInsert only on insert, and returns the result', async () => {
      const c = store.collection(fresh());
      const first = await c.upsert('u1', { $set: { name: 'A' }, $setOnInsert: { createdAt: '2026-01-01' }, $inc: { n: 1 } });
      expect(first).toEqual({ _id: 'u1', name: 'A', createdAt: '2026-01-01', n: 1 });
      const second = await c.upsert('u1', { $set: { name: 'B' }, $setOnInsert: { createdAt: '2030-01-01' }, $inc: { n: 2 } });
      expect(second).toEqual({ _id: 'u1', name: 'B', createdAt: '2026-01-01', n: 3 });
      expect(await c.findOne({ _id: 'u1' })).toEqual(second);
      expect(await c.findOne({ _id: 'nobody' })).toBeNull();
    });

    it('honours $push with $each/$slice, $addToSet with $each, $unset, $min and $max as MongoDB does', async () => {
      const c = store.collection(fresh());
      await c.upsert('d', { $push: { log: { $each: [1, 2, 3], $slice: -2 } }, $addToSet: { tags: { $each: ['x', 'x', 'y'] } }, $min: { lo: 5 }, $max: { hi: '2026-01-01' } });
      const d = await c.upsert('d', {
        $push: { log: { $each: [4], $slice: 2 } },
        $addToSet: { tags: 'x' },
        $min: { lo: 3 },
        $max: { hi: '2025-12-31' },
        $unset: { missing: '' },
      });
      expect(strip(d)).toEqual({ log: [2, 3], tags: ['x', 'y'], lo: 3, hi: '2026-01-01' });
      const e = await c.upsert('d', { $unset: { lo: '' }, $set: { 'nested.deep.v': true }, $inc: { 'nested.count': 2 } });
      expect(strip(e)).toEqual({ log: [2, 3], tags: ['x', 'y'], hi: '2026-01-01', nested: { deep: { v: true }, count: 2 } });
    });

    it('rejects operators and stages outside the whitelist, conflicting paths and _id, with a clear error and no change', async () => {
      const c = store.collection(fresh());
      await c.upsert('x', { $set: { a: 1, s: 'text' } });
      const bad: unknown[] = [
        { $rename: { a: 'b' } },
        { $mul: { a: 2 } },
        { $push: { arr: { $each: [1], $sort: 1 } } },
        { $set: { a: 1 }, $inc: { a: 1 } },
        { $set: { c: {} }, $unset: { 'c.d': '' } },
        { $set: { _id: 'y' } },
        { $inc: { a: 'one' } },
        {},
        { a: 1 },
      ];
      for (const u of bad) await expect(c.upsert('x', u as Update)).rejects.toThrow(ProjectionStoreError);
      await expect(c.upsert('x', { $inc: { s: 1 } })).rejects.toThrow();
      await expect(c.upsert('x', { $push: { s: 1 } })).rejects.toThrow();
      await expect(c.aggregate([{ $lookup: { from: 'x' } } as never])).rejects.toThrow(ProjectionStoreError);
      expect(strip((await c.findOne({ _id: 'x' }))!)).toEqual({ a: 1, s: 'text' });
    });

    it('finds with filter, sort, skip and limit, and indexes never change an answer', async () => {
      const c = store.collection(fresh());
      const rows: Array<[string, unknown, string]> = [
        ['1', 3, 'a'],
        ['2', 1, 'b'],
        ['3', 2, 'a'],
        ['4', '2', 'a'],
        ['5', true, 'b'],
        ['6', null, 'a'],
        ['7', 2.5, 'c'],
      ];
      for (const [id, v, g] of rows) await c.upsert(id, { $set: { v, g, nested: { g } } });
      await c.upsert('8', { $set: { g: 'a' } });
      const queries: Array<{ filter: Filter; sort: Sort; limit?: number; skip?: number }> = [
        { filter: { v: { $gte: 2 } }, sort: { v: 1 } },
        { filter: { v: { $gt: 1, $lt: 3 } }, sort: { _id: 1 } },
        { filter: { v: 2 }, sort: { _id: 1 } },
        { filter: { v: true }, sort: { _id: 1 } },
        { filter: { v: null }, sort: { _id: -1 } },
        { filter: { v: { $in: [1, '2', 3] } }, sort: { _id: 1 } },
        { filter: { g: 'a', v: { $lte: 3 } }, sort: { v: -1 }, limit: 2 },
        { filter: { 'nested.g': 'a' }, sort: { _id: 1 }, skip: 1, limit: 2 },
        { filter: { $or: [{ g: 'c' }, { v: 1 }] }, sort: { _id: 1 } },
      ];
      const before = [];
      for (const q of queries) before.push((await c.find(q.filter, q)).map((d) => d._id));
      expect(before[0]).toEqual(['3', '7', '1']);
      expect(before[6]).toEqual(['1', '3']);
      await c.createIndex({ keys: { v: 1 } });
      await c.createIndex({ keys: { g: 1, 'nested.g': 1 } });
      const after = [];
      for (const q of queries) after.push((await c.find(q.filter, q)).map((d) => d._id));
      expect(after).toEqual(before);
      expect(await c.count({ g: 'a' })).toBe(5);
      expect(await c.count()).toBe(8);
    });

    it('deletes, aggregates with $match/$group/$sort/$project/$limit, and drops', async () => {
      const name = fresh();
      const c = store.collection(name);
      for (const [id, ch, n] of [
        ['1', 'sms', 2],
        ['2', 'email', 5],
        ['3', 'sms', 1],
        ['4', 'push', 7],
      ] as const)
        await c.upsert(id, { $set: { ch, n } });
      expect(await c.delete('4')).toBe(true);
      expect(await c.delete('4')).toBe(false);
      const out = await c.aggregate([
        { $match: { n: { $gte: 1 } } },
        { $group: { _id: '$ch', total: { $sum: '$n' }, docs: { $sum: 1 } } },
        { $sort: { total: -1 } },
        { $project: { _id: 0, ch: '$_id', total: 1, docs: 1 } },
        { $limit: 5 },
      ]);
      expect(out).toEqual([
        { ch: 'email', total: 5, docs: 1 },
        { ch: 'sms', total: 3, docs: 2 },
      ]);
      expect(await store.listCollections()).toContain(name);
      await c.drop();
      expect(await store.listCollections()).not.toContain(name);
      expect(await c.find({})).toEqual([]);
      await c.upsert('again', { $set: { ok: true } });
      expect(await c.count()).toBe(1);
      await c.drop();
    });

    it('keeps checkpoints: 0 until set, then the last value set', async () => {
      const cp = fresh();
      expect(await store.getCheckpoint(cp)).toBe(0);
      await store.setCheckpoint(cp, 42);
      await store.setCheckpoint(cp, 57);
      expect(await store.getCheckpoint(cp)).toBe(57);
    });

    it('checkpoints only move forward; 0 clears one', async () => {
      const cp = fresh();
      await store.setCheckpoint(cp, 57);
      await store.setCheckpoint(cp, 42); // a stalled writer's late flush
      expect(await store.getCheckpoint(cp)).toBe(57);
      await store.setCheckpoint(cp, 0);
      expect(await store.getCheckpoint(cp)).toBe(0);
      await store.setCheckpoint(cp, 5);
      expect(await store.getCheckpoint(cp)).toBe(5);
    });

    it('bulkWrite applies its ops in order, as one by one would', async () => {
      const bulk = store.collection(fresh());
      const single = store.collection(fresh());
      const ops: WriteOp[] = [
        { op: 'upsert', id: 'a', update: { $set: { n: 1, tag: 'x' }, $setOnInsert: { born: 1 } } },
        { op: 'upsert', id: 'b', update: { $inc: { n: 2 } } },
        { op: 'upsert', id: 'a', update: { $inc: { n: 10 }, $unset: { tag: '' }, $setOnInsert: { born: 2 } } },
        { op: 'delete', id: 'b' },
        { op: 'upsert', id: 'c', update: { $push: { list: 1 } } },
        { op: 'delete', id: 'missing' },
      ];
      await bulk.bulkWrite(ops);
      for (const o of ops) {
        if (o.op === 'upsert') await single.upsert(o.id, o.update);
        else await single.delete(o.id);
      }
      const all = async (c: typeof bulk) => c.find({}, { sort: { _id: 1 } });
      expect(await all(bulk)).toEqual(await all(single));
      expect(await all(bulk)).toEqual([
        { _id: 'a', n: 11, born: 1 },
        { _id: 'c', list: [1] },
      ]);
      // A refused op anywhere writes nothing.
      await expect(
        bulk.bulkWrite([
          { op: 'upsert', id: 'd', update: { $set: { ok: true } } },
          { op: 'upsert', id: 'e', update: { $rename: { a: 'b' } } as Update },
        ]),
      ).rejects.toThrow();
      expect(await bulk.findOne({ _id: 'd' })).toBeNull();
      await bulk.drop();
      await single.drop();
    });

    it('property: a bulkWrite of upserts and deletes over a few ids (the same id many times) ends as the same ops one by one', async () => {
      const op = fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom('a', 'b', 'c'), updateArb).map(([id, u]): WriteOp => ({ op: 'upsert', id, update: u as Update })) },
        { weight: 1, arbitrary: fc.constantFrom('a', 'b', 'c', 'z').map((id): WriteOp => ({ op: 'delete', id })) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
          const bulk = store.collection(fresh());
          const single = store.collection(fresh());
          await bulk.upsert('b', { $set: { a: 1, c: { x: 1 } } });
          await single.upsert('b', { $set: { a: 1, c: { x: 1 } } });
          let failed = false;
          for (const o of ops) {
            try {
              if (o.op === 'upsert') await single.upsert(o.id, o.update);
              else await single.delete(o.id);
            } catch {
              failed = true;
              break;
            }
          }
          const all = async (c: typeof bulk) => c.find({}, { sort: { _id: 1 } });
          const bulkDone = await bulk.bulkWrite(ops).then(
            () => true,
            () => false,
          );
          if (failed) {
            // One refused op (a type error found while applying) refuses the whole bulkWrite on the
            // embedded store; MongoDB keeps the writes before it. Either way no op after it is applied.
            expect(bulkDone).toBe(false);
          } else {
            expect(bulkDone).toBe(true);
            expect(await all(bulk)).toEqual(await all(single));
            expect(JSON.stringify(await all(bulk))).toBe(JSON.stringify(await all(single)));
          }
          await bulk.drop();
          await single.drop();
        }),
        { numRuns: 100 },
      );
    });

    it('property: any sequence of whitelisted updates ends with the reference model document (and MongoDB, when set)', async () => {
      const mongo = other?.();
      await fc.assert(
        fc.asyncProperty(fc.array(updateArb, { minLength: 1, maxLength: 8 }), async (updates) => {
          const c = store.collection(fresh());
          const m = mongo?.collection(c.name);
          let ref: RefDoc | undefined;
          for (const u of updates) {
            const expected = refApply(ref ?? {}, u, ref === undefined);
            const got = await c.upsert('p', u as Update).then(
              (d) => strip(d),
              (e: unknown) => e as Error,
            );
            if (expected instanceof Error) expect(got, `${JSON.stringify(u)} should be refused: ${expected.message}`).toBeInstanceOf(Error);
            else {
              expect(got, JSON.stringify(u)).toEqual(expected);
              ref = expected;
            }
            if (m) {
              const fromMongo = await m.upsert('p', u as Update).then(
                (d) => strip(d),
                (e: unknown) => e as Error,
              );
              if (expected instanceof Error) expect(fromMongo).toBeInstanceOf(Error);
              else expect(fromMongo).toEqual(expected);
            }
          }
          const stored = await c.findOne({ _id: 'p' });
          expect(stored ? strip(stored) : undefined).toEqual(ref);
          await c.drop();
          await m?.drop();
        }),
        { numRuns: 150 },
      );
    });
  });
}
