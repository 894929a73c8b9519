import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Update } from '../../infra/projectionStore/port.ts';
import { adoptDoc, applyUpdate, applyUpdateShared, validateUpdate } from '../../infra/projectionStore/update.ts';

/**
 * The copy-on-write update (the runner's write-behind cache) against the in-place one (the
 * embedded store): same documents, same key order, same errors, the input never changed.
 */
type Obj = Record<string, unknown>;

const PATHS = ['a', 'b', 'c', 'c.x', 'c.y', 'c.y.z', 'n'] as const;
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('p', 'q', ''), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(fc.oneof(scalar, fc.record({ k: scalar })), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ k: fc.integer({ min: 0, max: 2 }), m: fc.array(scalar, { maxLength: 2 }) }) },
);
const operand: Record<string, fc.Arbitrary<unknown>> = {
  $set: value,
  $setOnInsert: value,
  $inc: fc.integer({ min: -3, max: 3 }),
  $unset: fc.constant(''),
  $min: scalar,
  $max: scalar,
  $push: fc.oneof(
    value,
    fc.record({ $each: fc.array(value, { maxLength: 3 }) }),
    fc.record({ $each: fc.array(scalar, { maxLength: 3 }), $slice: fc.integer({ min: -3, max: 3 }) }),
  ),
  $addToSet: fc.oneof(value, fc.record({ $each: fc.array(value, { maxLength: 3 }) })),
};
const entry = fc.tuple(fc.constantFrom(...Object.keys(operand)), fc.constantFrom(...PATHS)).chain(([op, path]) => operand[op]!.map((v) => ({ op, path, v })));
const updateArb = fc.array(entry, { minLength: 1, maxLength: 4 }).map((entries) => {
  const u: Record<string, Obj> = {};
  for (const { op, path, v } of entries) (u[op] ??= {})[path] = v;
  return u as Update;
});

/** In place on a deep copy, as the embedded store does; the error message when refused. */
function inPlace(doc: Obj, update: Update, inserting: boolean): Obj | string {
  const copy = structuredClone(doc);
  try {
    validateUpdate(update);
    applyUpdate(copy, update, inserting);
    return copy;
  } catch (e) {
    return (e as Error).message;
  }
}
function shared(doc: Obj, update: Update, inserting: boolean): Obj | string {
  try {
    validateUpdate(update);
    return applyUpdateShared(doc, update, inserting);
  } catch (e) {
    return (e as Error).message;
  }
}

function deeplyFrozen(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Object.isFrozen(v) && Object.values(v).every(deeplyFrozen);
}

describe('applyUpdateShared (copy-on-write) gives what applyUpdate gives', () => {
  it('property: any sequence of updates, from a stored document or from nothing', () => {
    fc.assert(
      fc.property(
        fc.option(value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v))),
        fc.array(updateArb, { minLength: 1, maxLength: 8 }),
        (start, updates) => {
          let expected: Obj | undefined = start ? (JSON.parse(JSON.stringify({ _id: 'p', ...(start as Obj) })) as Obj) : undefined;
          let got: Obj | undefined = expected && adoptDoc(structuredClone(expected));
          for (const u of updates) {
            const before = got === undefined ? undefined : JSON.stringify(got);
            const e = inPlace(expected ?? { _id: 'p' }, u, expected === undefined);
            const g = shared(got ?? { _id: 'p' }, u, got === undefined);
            if (typeof e === 'string') {
              expect(g).toBe(e);
              continue;
            }
            expect(typeof g).toBe('object');
            expect(g).toEqual(e);
            expect(JSON.stringify(g)).toBe(JSON.stringify(e));
            expect(deeplyFrozen(g)).toBe(true);
            if (before !== undefined) expect(JSON.stringify(got)).toBe(before);
            expected = e;
            got = g as Obj;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("copies operands as a JSON round trip would, and never keeps the caller's objects", () => {
    const date = new Date('2026-01-02T03:04:05.000Z');
    const operandValue = { d: date, u: undefined, list: [undefined, Number.NaN, -0, 1, () => 1], nested: { z: -0, i: Infinity }, toJ: { toJSON: () => 'j' } };
    const update: Update = { $set: { v: operandValue, top: -0, arr: [1, { a: [2] }] }, $push: { log: { $each: [{ at: date }, [1, undefined]] } } };
    const e = inPlace({ _id: 'x' }, update, true);
    const g = shared({ _id: 'x' }, update, true) as Obj;
    expect(g).toEqual(e);
    expect(JSON.stringify(g)).toBe(JSON.stringify(e));
    expect(Object.is(g.top, -0)).toBe(Object.is((e as Obj).top, -0));
    // Inside an object or array, -0 comes back from JSON as 0 (toEqual does not tell them apart).
    expect(Object.is(((g.v as Obj).nested as Obj).z, 0)).toBe(true);
    expect(Object.is(((g.v as Obj).list as unknown[])[2], 0)).toBe(true);
    expect(g.arr).not.toBe((update.$set as Obj).arr);
    (((update.$set as Obj).arr as unknown[])[1] as { a: number[] }).a.push(3);
    expect(g.arr).toEqual([1, { a: [2] }]);
    expect(deeplyFrozen(g)).toBe(true);
  });

  it('shares what an update did not touch, and an object taken from a document is shared, not copied, when set again', () => {
    const doc = adoptDoc({ _id: 'x', keep: { deep: [1, 2] }, timeline: [{ t: 1 }], c: { x: 1, y: { z: 1 } } } as Obj);
    const next = applyUpdateShared(doc, { $set: { timeline: [...(doc.timeline as unknown[]), { t: 2 }] }, $inc: { 'c.x': 1 } }, false);
    expect(next.keep).toBe(doc.keep);
    expect((next.timeline as unknown[])[0]).toBe((doc.timeline as unknown[])[0]);
    expect((next.c as Obj).y).toBe((doc.c as Obj).y);
    expect(next.c).not.toBe(doc.c);
    expect(doc).toEqual({ _id: 'x', keep: { deep: [1, 2] }, timeline: [{ t: 1 }], c: { x: 1, y: { z: 1 } } });
    expect(next).toEqual({ _id: 'x', keep: { deep: [1, 2] }, timeline: [{ t: 1 }, { t: 2 }], c: { x: 2, y: { z: 1 } } });
  });
});
