import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { toBulk } from '../../infra/mongo/projectionStore.ts';
import { mongoDatabaseName } from '../../infra/mongo/url.ts';
import type { Doc, Update, WriteOp } from '../../infra/projectionStore/port.ts';
import { applyUpdate } from '../../infra/projectionStore/update.ts';
import { takeoverFilter } from '../../infra/mongo/claims.ts';

describe('MONGO_URL must name the database', () => {
  it('takes the name from the path, with or without options, +srv, credentials', () => {
    expect(mongoDatabaseName('mongodb://mongo:27017/notify?replicaSet=rs0&directConnection=true')).toBe('notify');
    expect(mongoDatabaseName('mongodb+srv://u:p%2Fw@cluster.example.net/prod_notify')).toBe('prod_notify');
    expect(mongoDatabaseName('mongodb://a:1,b:2/n')).toBe('n');
    expect(mongoDatabaseName('mongodb://localhost:27017', 'explicit')).toBe('explicit');
  });
  it('refuses a URL without one (the driver would silently use "test")', () => {
    for (const url of ['mongodb://localhost:27017', 'mongodb://localhost:27017/', 'mongodb://localhost:27017/?replicaSet=rs0', 'mongodb+srv://cluster.example.net']) {
      expect(() => mongoDatabaseName(url), url).toThrow(/must name the database/);
    }
    expect(() => mongoDatabaseName('http://localhost/notify')).toThrow(/mongodb:\/\//);
    expect(() => mongoDatabaseName('mongodb://h/a.b')).toThrow(/invalid database/);
  });
  it('is a startup (config) error', () => {
    expect(() => loadConfig({ MONGO_URL: 'mongodb://localhost:27017' })).toThrow(/must name the database/);
    expect(loadConfig({ MONGO_URL: 'mongodb://localhost:27017/notify' }).mongoUrl).toBe('mongodb://localhost:27017/notify');
  });
});

/**
 * An in-memory collection with the MongoDB semantics the adapter relies on for bulkWrite: ordered
 * updateOne (upsert) / deleteOne by _id, and update operators (the port's reference semantics,
 * which the contract checks against a real server when MONGO_URL is set).
 */
function emulatedCollection() {
  const docs = new Map<string, Doc>();
  let bulkCalls = 0;
  type Op = ReturnType<typeof toBulk>[number];
  return {
    docs,
    bulkCalls: () => bulkCalls,
    bulkWrite(ops: Op[], options: { ordered?: boolean }) {
      expect(options.ordered).toBe(true);
      bulkCalls += 1;
      for (const op of ops) {
        if ('updateOne' in op) {
          const { filter, update, upsert } = op.updateOne;
          const id = (filter as { _id: string })._id;
          const before = docs.get(id);
          if (!before && !upsert) continue;
          const doc = before ? structuredClone(before) : { _id: id };
          applyUpdate(doc, update as Update, !before);
          docs.set(id, doc);
        } else if ('deleteOne' in op) docs.delete((op.deleteOne.filter as { _id: string })._id);
        else throw new Error(`unexpected bulk op ${JSON.stringify(op)}`);
      }
    },
    // The checkpoint write the adapter sends: updateOne with $max and upsert.
    updateOne(filter: { _id: string }, update: Update) {
      const before = docs.get(filter._id);
      const doc = before ? structuredClone(before) : { _id: filter._id };
      applyUpdate(doc, update, !before);
      docs.set(filter._id, doc);
    },
    find: (filter: Record<string, unknown>) => [...docs.values()].filter((d) => new Query(filter).test(d)),
  };
}

describe('MongoDB writes (emulated collection)', () => {
  it('toBulk: one ordered bulkWrite with the same effect as the ops one by one', () => {
    const c = emulatedCollection();
    const ops: WriteOp[] = [
      { op: 'upsert', id: 'a', update: { $set: { n: 1 }, $setOnInsert: { born: 1 } } },
      { op: 'upsert', id: 'a', update: { $inc: { n: 2 }, $setOnInsert: { born: 2 } } },
      { op: 'upsert', id: 'b', update: { $set: { x: true } } },
      { op: 'delete', id: 'b' },
    ];
    c.bulkWrite(toBulk(ops), { ordered: true });
    expect(c.bulkCalls()).toBe(1);
    expect([...c.docs.values()]).toEqual([{ _id: 'a', n: 3, born: 1 }]);
  });

  it('a checkpoint written with $max never moves back', () => {
    const c = emulatedCollection();
    c.updateOne({ _id: 'cp' }, { $max: { position: 57 } });
    c.updateOne({ _id: 'cp' }, { $max: { position: 42 } });
    expect(c.docs.get('cp')).toEqual({ _id: 'cp', position: 57 });
  });
});

describe('MongoDB delivery claims: the take-over filter (evaluated by mingo)', () => {
  it('matches an existing claim exactly when the SQL adapters would take it over', () => {
    const at = new Date('2030-01-01T00:00:10.000Z');
    const held = { _id: 'n', attempt: 2, holder: 'a', expiresAt: new Date('2030-01-01T00:01:00.000Z') };
    const takes = (r: { attempt: number; holder: string }, doc: typeof held = held) => new Query(takeoverFilter({ notificationId: 'n', ...r }, at)).test(doc);
    expect(takes({ attempt: 2, holder: 'a' })).toBe(true); // the holder again
    expect(takes({ attempt: 2, holder: 'b' })).toBe(false); // another delivery, same attempt, live
    expect(takes({ attempt: 1, holder: 'b' })).toBe(false); // an earlier attempt's copy
    expect(takes({ attempt: 3, holder: 'b' })).toBe(true); // a later attempt
    expect(takes({ attempt: 2, holder: 'b' }, { ...held, expiresAt: new Date('2030-01-01T00:00:10.000Z') })).toBe(true); // expired
    expect(new Query(takeoverFilter({ notificationId: 'other', attempt: 2, holder: 'a' }, at)).test(held)).toBe(false);
  });
});
