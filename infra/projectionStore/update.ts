import { UPDATE_OPERATORS, ProjectionStoreError, type Update, type UpdateOperator, type WriteOp } from './port.ts';

/**
 * The whitelisted Mongo update operators, applied to a JSON document with MongoDB's semantics.
 * mingo 7.2.7's updater diverges from MongoDB where our read models depend on it ($push with
 * $slice on a missing field keeps every element; $addToSet with $each on a missing field keeps
 * duplicates and, on an existing array, collapses duplicates already stored; type errors are
 * silently ignored), so the embedded adapter applies updates here and uses mingo for queries
 * and pipelines. Paths traverse objects only: a path through an array is refused.
 */
type Obj = Record<string, unknown>;

const fail = (message: string): never => {
  throw new ProjectionStoreError('bad_update', message);
};

const isPlainObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks operators, paths and operands, and refuses two operators touching overlapping paths, as MongoDB does. */
export function validateUpdate(update: Update): void {
  if (!isPlainObject(update)) fail('an update must be an object of operators');
  const ops = Object.keys(update);
  if (ops.length === 0) fail('an update needs at least one operator');
  const seen: string[] = [];
  for (const op of ops) {
    if (!(UPDATE_OPERATORS as readonly string[]).includes(op)) {
      fail(`update operator ${op} is not supported (allowed: ${UPDATE_OPERATORS.join(', ')})`);
    }
    const fields = (update as Obj)[op];
    if (!isPlainObject(fields)) fail(`${op} needs an object of field paths`);
    for (const [path, operand] of Object.entries(fields as Obj)) {
      checkPath(op, path);
      for (const other of seen) {
        if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
          fail(`updating the path '${path}' would create a conflict at '${other}'`);
        }
      }
      seen.push(path);
      checkOperand(op as UpdateOperator, path, operand);
    }
  }
}

function checkPath(op: string, path: string): void {
  const parts = path.split('.');
  if (parts.some((p) => p === '' || p.startsWith('$'))) fail(`${op}: invalid field path '${path}'`);
  if (parts[0] === '_id') fail(`${op}: the field '_id' is immutable`);
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) fail(`${op}: forbidden field path '${path}'`);
}

function hasModifiers(v: unknown): v is Obj {
  return isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'));
}

function checkOperand(op: UpdateOperator, path: string, v: unknown): void {
  switch (op) {
    case '$inc':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`$inc: '${path}' needs a finite number`);
      return;
    case '$push':
      if (hasModifiers(v)) {
        for (const k of Object.keys(v)) {
          if (k !== '$each' && k !== '$slice') fail(`$push: modifier ${k} is not supported (allowed: $each, $slice)`);
        }
        if (!Array.isArray(v.$each)) fail(`$push: '${path}' needs $each as an array`);
        if (v.$slice !== undefined && !Number.isInteger(v.$slice)) fail(`$push: $slice on '${path}' must be an integer`);
      }
      return;
    case '$addToSet':
      if (hasModifiers(v)) {
        for (const k of Object.keys(v)) if (k !== '$each') fail(`$addToSet: modifier ${k} is not supported (allowed: $each)`);
        if (!Array.isArray(v.$each)) fail(`$addToSet: '${path}' needs $each as an array`);
      }
      return;
    case '$set':
    case '$setOnInsert':
    case '$unset':
    case '$min':
    case '$max':
      return;
    default: {
      const never: never = op;
      fail(`unknown operator ${String(never)}`);
    }
  }
}

/** Applies a validated update to `doc` (mutated in place). `inserting` decides whether $setOnInsert applies. */
export function applyUpdate(doc: Obj, update: Update, inserting: boolean): void {
  for (const op of Object.keys(update) as UpdateOperator[]) {
    const fields = update[op] as Obj;
    for (const [path, operand] of Object.entries(fields)) applyOne(doc, op, path, operand, inserting);
  }
}

function applyOne(doc: Obj, op: UpdateOperator, path: string, operand: unknown, inserting: boolean): void {
  if (op === '$setOnInsert' && !inserting) return;
  const parts = path.split('.');
  const last = parts.pop() as string;
  const create = op !== '$unset';
  let parent: Obj = doc;
  for (const part of parts) {
    const next: unknown = parent[part];
    if (isPlainObject(next)) {
      parent = next;
      continue;
    }
    if (!create) return;
    if (next === undefined) {
      parent[part] = {};
      parent = parent[part] as Obj;
    } else if (Array.isArray(next)) {
      return fail(`${op}: path '${path}' goes through an array, which the projection store does not support`);
    } else {
      return fail(`${op}: cannot create field '${last}' under the non-object at '${path}'`);
    }
  }
  const current = parent[last];
  switch (op) {
    case '$set':
      parent[last] = clone(operand);
      return;
    case '$setOnInsert':
      parent[last] = clone(operand);
      return;
    case '$unset':
      delete parent[last];
      return;
    case '$inc':
      if (current === undefined) parent[last] = operand;
      else if (typeof current === 'number') parent[last] = current + (operand as number);
      else fail(`$inc: cannot apply to the non-numeric field '${path}'`);
      return;
    case '$min':
    case '$max':
      if (current === undefined) parent[last] = clone(operand);
      else {
        const c = compareBson(operand, current);
        if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) parent[last] = clone(operand);
      }
      return;
    case '$push': {
      if (current !== undefined && !Array.isArray(current)) fail(`$push: the field '${path}' is not an array`);
      const arr: unknown[] = Array.isArray(current) ? current : [];
      const mod = hasModifiers(operand) ? operand : { $each: [operand] };
      arr.push(...(mod.$each as unknown[]).map(clone));
      const slice = mod.$slice as number | undefined;
      parent[last] = slice === undefined ? arr : slice >= 0 ? arr.slice(0, slice) : arr.slice(Math.max(arr.length + slice, 0));
      return;
    }
    case '$addToSet': {
      if (current !== undefined && !Array.isArray(current)) fail(`$addToSet: the field '${path}' is not an array`);
      const arr: unknown[] = Array.isArray(current) ? current : [];
      const values = hasModifiers(operand) ? (operand.$each as unknown[]) : [operand];
      for (const v of values) if (!arr.some((e) => compareBson(e, v) === 0 && sameKeyOrder(e, v))) arr.push(clone(v));
      parent[last] = arr;
      return;
    }
    default: {
      const never: never = op;
      fail(`unknown operator ${String(never)}`);
    }
  }
}

function clone<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** MongoDB compares embedded documents field by field in order, so {a,b} and {b,a} differ. */
function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.every((x, i) => sameKeyOrder(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameKeyOrder(a[k], b[k]));
  }
  return true;
}

/** BSON order for JSON values: null < numbers < strings < objects < arrays < booleans. */
const rank = (v: unknown): number =>
  v === null || v === undefined ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : Array.isArray(v) ? 4 : typeof v === 'object' ? 3 : 5;

export function compareBson(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareBson(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ea = Object.entries(a);
    const eb = Object.entries(b);
    for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
      const [ka, va] = ea[i] as [string, unknown];
      const [kb, vb] = eb[i] as [string, unknown];
      const t = rank(va) - rank(vb);
      if (t !== 0) return t < 0 ? -1 : 1;
      const k = compareUtf8(ka, kb);
      if (k !== 0) return k;
      const c = compareBson(va, vb);
      if (c !== 0) return c;
    }
    return ea.length < eb.length ? -1 : ea.length > eb.length ? 1 : 0;
  }
  return 0;
}

/** MongoDB compares strings by UTF-8 bytes (simple binary collation), not UTF-16 units. */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Checks a whole bulkWrite before any of it is sent: a refused op writes nothing. */
export function validateOps(collection: string, ops: readonly WriteOp[]): void {
  for (const o of ops) {
    if (typeof o.id !== 'string' || o.id === '') throw new ProjectionStoreError('bad_update', `${collection}: bulkWrite needs a non-empty string id`);
    switch (o.op) {
      case 'upsert':
        validateUpdate(o.update);
        break;
      case 'delete':
        break;
      default: {
        const never: never = o;
        throw new ProjectionStoreError('bad_update', `${collection}: unknown bulkWrite op ${JSON.stringify(never)}`);
      }
    }
  }
}
