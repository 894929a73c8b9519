/**
 * An independent reference model of the whitelisted update operators, written from MongoDB's
 * documentation (not from infra/projectionStore/update.ts): immutable, path by path. It only
 * has to cover what the property test generates: JSON scalars, arrays and plain objects.
 */
export type Value = null | boolean | number | string | Value[] | { [k: string]: Value };
export type RefDoc = { [k: string]: Value };
type Op = '$set' | '$setOnInsert' | '$inc' | '$push' | '$addToSet' | '$unset' | '$min' | '$max';

const isObj = (v: unknown): v is RefDoc => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOrder(v: Value): number {
  if (v === null) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'object') return 4;
  return 6;
}

export function refCompare(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return Math.sign(ta - tb);
  if (a === null || b === null) return 0;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const ea = Array.isArray(a) ? a.map((v) => ['', v] as const) : Object.entries(a as RefDoc);
  const eb = Array.isArray(b) ? b.map((v) => ['', v] as const) : Object.entries(b as RefDoc);
  for (let i = 0; i < ea.length && i < eb.length; i++) {
    const [ka, va] = ea[i]!;
    const [kb, vb] = eb[i]!;
    if (!Array.isArray(a)) {
      const t = Math.sign(typeOrder(va) - typeOrder(vb));
      if (t) return t;
      if (ka !== kb) return ka < kb ? -1 : 1;
    }
    const c = refCompare(va, vb);
    if (c) return c;
  }
  return Math.sign(ea.length - eb.length);
}

const same = (a: Value, b: Value) => JSON.stringify(a) === JSON.stringify(b);

/** Returns the new document, or an Error where MongoDB refuses the update (the document then stays as it was). */
export function refApply(doc: RefDoc, update: Partial<Record<Op, Record<string, Value>>>, inserting: boolean): RefDoc | Error {
  const paths = Object.values(update).flatMap((f) => Object.keys(f ?? {}));
  for (const p of paths) {
    if (paths.some((q) => q !== p && (q.startsWith(`${p}.`) || p.startsWith(`${q}.`)))) return new Error(`conflict at ${p}`);
  }
  if (new Set(paths).size !== paths.length) return new Error('conflict: same path twice');
  let out: RefDoc = structuredClone(doc);
  for (const [op, fields] of Object.entries(update) as [Op, Record<string, Value>][]) {
    for (const [path, operand] of Object.entries(fields)) {
      const next = setPath(out, path.split('.'), (cur) => operate(op, cur, operand, inserting), op === '$unset' || (op === '$setOnInsert' && !inserting));
      if (next instanceof Error) return next;
      out = next;
    }
  }
  return out;
}

const UNSET = Symbol('unset');
type Result = Value | undefined | typeof UNSET | Error;

function operate(op: Op, cur: Value | undefined, operand: Value, inserting: boolean): Result {
  switch (op) {
    case '$set':
      return operand;
    case '$setOnInsert':
      return inserting ? operand : cur;
    case '$unset':
      return UNSET;
    case '$inc':
      if (cur === undefined) return operand;
      return typeof cur === 'number' ? cur + (operand as number) : new Error('$inc on non-number');
    case '$min':
      return cur === undefined || refCompare(operand, cur) < 0 ? operand : cur;
    case '$max':
      return cur === undefined || refCompare(operand, cur) > 0 ? operand : cur;
    case '$push': {
      if (cur !== undefined && !Array.isArray(cur)) return new Error('$push on non-array');
      const each = isObj(operand) && '$each' in operand ? (operand.$each as Value[]) : [operand];
      const all = [...(cur ?? []), ...each];
      const slice = isObj(operand) ? (operand.$slice as number | undefined) : undefined;
      if (slice === undefined) return all;
      return slice >= 0 ? all.slice(0, slice) : all.slice(Math.max(0, all.length + slice));
    }
    case '$addToSet': {
      if (cur !== undefined && !Array.isArray(cur)) return new Error('$addToSet on non-array');
      const each = isObj(operand) && '$each' in operand ? (operand.$each as Value[]) : [operand];
      const out = [...(cur ?? [])];
      for (const v of each) if (!out.some((e) => same(e, v))) out.push(v);
      return out;
    }
  }
}

function setPath(doc: RefDoc, parts: string[], f: (cur: Value | undefined) => Result, noCreate: boolean): RefDoc | Error {
  const [head, ...rest] = parts as [string, ...string[]];
  const cur = doc[head];
  if (rest.length === 0) {
    const v = f(cur);
    if (v instanceof Error) return v;
    const copy = { ...doc };
    if (v === UNSET) delete copy[head];
    else if (v !== undefined) copy[head] = v;
    return copy;
  }
  if (cur === undefined) {
    if (noCreate) return doc;
    const inner = setPath({}, rest, f, noCreate);
    return inner instanceof Error ? inner : { ...doc, [head]: inner };
  }
  if (!isObj(cur)) return noCreate ? doc : new Error(`cannot create field under ${head}`);
  const inner = setPath(cur, rest, f, noCreate);
  return inner instanceof Error ? inner : { ...doc, [head]: inner };
}
