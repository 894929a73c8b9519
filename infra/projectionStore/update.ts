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
  // Paths seen so far and every proper prefix of them: a conflict is then two set lookups per
  // prefix instead of a scan of every earlier path (the message comes from the scan, on failure only).
  const seen = new Set<string>();
  const prefixes = new Set<string>();
  for (const op of ops) {
    if (!(UPDATE_OPERATORS as readonly string[]).includes(op)) {
      fail(`update operator ${op} is not supported (allowed: ${UPDATE_OPERATORS.join(', ')})`);
    }
    const fields = (update as Obj)[op];
    if (!isPlainObject(fields)) fail(`${op} needs an object of field paths`);
    for (const path of Object.keys(fields as Obj)) {
      const info = checkPath(op, path);
      if (seen.has(path) || prefixes.has(path) || info.prefixes.some((p) => seen.has(p))) failConflict(path, seen);
      seen.add(path);
      for (const p of info.prefixes) prefixes.add(p);
      checkOperand(op as UpdateOperator, path, (fields as Obj)[path]);
    }
  }
}

/** The first earlier path in update order that `path` conflicts with, named as MongoDB does. */
function failConflict(path: string, seen: ReadonlySet<string>): never {
  for (const other of seen) {
    if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) fail(`updating the path '${path}' would create a conflict at '${other}'`);
  }
  return fail(`updating the path '${path}' would create a conflict`);
}

/** A field path split on '.', and its proper prefixes ('a', 'a.b' for 'a.b.c'). */
interface PathInfo {
  parts: readonly string[];
  prefixes: readonly string[];
}
/** Remembered: the read models write the same few paths over and over. */
const PATHS = new Map<string, PathInfo>();
const VALID_PATHS = new Set<string>();
const PATH_CACHE_MAX = 10_000;

function pathInfo(path: string): PathInfo {
  let info = PATHS.get(path);
  if (!info) {
    if (PATHS.size >= PATH_CACHE_MAX) PATHS.clear();
    const parts = Object.freeze(path.split('.'));
    const prefixes: string[] = [];
    for (let i = 1; i < parts.length; i++) prefixes.push(parts.slice(0, i).join('.'));
    info = { parts, prefixes: Object.freeze(prefixes) };
    PATHS.set(path, info);
  }
  return info;
}
const partsOf = (path: string): readonly string[] => pathInfo(path).parts;

function checkPath(op: string, path: string): PathInfo {
  const info = pathInfo(path);
  if (VALID_PATHS.has(path)) return info;
  const { parts } = info;
  if (parts.some((p) => p === '' || p.startsWith('$'))) fail(`${op}: invalid field path '${path}'`);
  if (parts[0] === '_id') fail(`${op}: the field '_id' is immutable`);
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) fail(`${op}: forbidden field path '${path}'`);
  if (VALID_PATHS.size >= PATH_CACHE_MAX) VALID_PATHS.clear();
  VALID_PATHS.add(path);
  return info;
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

/**
 * One operator on one path. `shared`: the document's frozen objects are copied before they change
 * (the unfrozen ones are this update's own copies) and operands are copied sharing what is plain
 * JSON already (`applyUpdateShared`); otherwise `doc` is mutated in place with deep copies.
 */
function applyOne(doc: Obj, op: UpdateOperator, path: string, operand: unknown, inserting: boolean, shared = false): void {
  if (op === '$setOnInsert' && !inserting) return;
  const parts = partsOf(path);
  const lastAt = parts.length - 1;
  const last = parts[lastAt] as string;
  const create = op !== '$unset';
  const copy: <T>(v: T) => T = shared ? sharedClone : clone;
  let parent: Obj = doc;
  for (let i = 0; i < lastAt; i++) {
    const part = parts[i] as string;
    const next: unknown = parent[part];
    if (isPlainObject(next)) {
      if (shared && Object.isFrozen(next)) {
        const own = { ...next };
        parent[part] = own;
        parent = own;
      } else parent = next;
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
  // A frozen array is the previous version's: appended to as a copy.
  const own = (arr: unknown[]): unknown[] => (shared && Object.isFrozen(arr) ? [...arr] : arr);
  switch (op) {
    case '$set':
    case '$setOnInsert':
      parent[last] = copy(operand);
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
      if (current === undefined) parent[last] = copy(operand);
      else {
        const c = compareBson(operand, current);
        if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) parent[last] = copy(operand);
      }
      return;
    case '$push': {
      if (current !== undefined && !Array.isArray(current)) fail(`$push: the field '${path}' is not an array`);
      const arr: unknown[] = Array.isArray(current) ? own(current) : [];
      const mod = hasModifiers(operand) ? operand : { $each: [operand] };
      arr.push(...(mod.$each as unknown[]).map((v) => copy(v)));
      const slice = mod.$slice as number | undefined;
      parent[last] = slice === undefined ? arr : slice >= 0 ? arr.slice(0, slice) : arr.slice(Math.max(arr.length + slice, 0));
      return;
    }
    case '$addToSet': {
      if (current !== undefined && !Array.isArray(current)) fail(`$addToSet: the field '${path}' is not an array`);
      const arr: unknown[] = Array.isArray(current) ? own(current) : [];
      const values = hasModifiers(operand) ? (operand.$each as unknown[]) : [operand];
      for (const v of values) if (!arr.some((e) => compareBson(e, v) === 0 && sameKeyOrder(e, v))) arr.push(copy(v));
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

// ---- copy-on-write documents ------------------------------------------------------------------
// applyUpdate mutates its document, so a caller keeping documents between updates (the runner's
// write-behind cache) had to deep-copy them on every read and write. Here documents are immutable
// instead: deep-frozen, an update copies only the objects on the paths it touches and shares the
// rest. Objects marked SHARED are also known to hold only what JSON.parse(JSON.stringify(...))
// would give back, so an operand or element that is one of them is shared, not copied.

/** Deep-frozen plain objects and arrays holding JSON values only (a JSON round trip would give an equal copy). */
const SHARED = new WeakSet<object>();
const EXOTIC = Symbol('exotic');
const MAX_DEPTH = 200;

/** `v` (an object) as a JSON round trip would give it back, sharing SHARED parts; EXOTIC when a round trip is needed to know. */
function jsonCopy(v: object, depth: number): object | typeof EXOTIC {
  if (SHARED.has(v)) return v;
  if (depth > MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') return EXOTIC;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return EXOTIC;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (e !== null && typeof e === 'object') {
        const c = jsonCopy(e, depth + 1);
        if (c === EXOTIC) return EXOTIC;
        out.push(c);
      } else {
        const c = jsonScalar(e);
        if (c === EXOTIC) return EXOTIC;
        out.push(c === undefined ? null : c);
      }
    }
    SHARED.add(Object.freeze(out));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return EXOTIC;
  const out: Obj = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return EXOTIC;
    const e: unknown = (v as Obj)[k];
    if (e !== null && typeof e === 'object') {
      const c = jsonCopy(e, depth + 1);
      if (c === EXOTIC) return EXOTIC;
      out[k] = c;
    } else {
      const c = jsonScalar(e);
      if (c === EXOTIC) return EXOTIC;
      if (c !== undefined) out[k] = c;
    }
  }
  SHARED.add(Object.freeze(out));
  return out;
}

/** A non-object as JSON writes it inside an object or array: undefined when left out (or null in an array). */
function jsonScalar(e: unknown): unknown {
  switch (typeof e) {
    case 'string':
    case 'boolean':
      return e;
    case 'number':
      return Number.isFinite(e) ? (e === 0 ? 0 : e) : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return e === null ? null : EXOTIC; // bigint: the round trip throws
  }
}

/** Kept as it is by a JSON round trip (inside an object or array). */
const isJsonScalar = (e: unknown): boolean => e === null || (e !== undefined && jsonScalar(e) === e && !Object.is(e, -0));

/** What `clone` gives (a JSON round trip of an object, anything else as it is), deep-frozen, sharing SHARED parts. */
function sharedClone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  const c = jsonCopy(v, 0);
  if (c !== EXOTIC) return c as T;
  // A toJSON may give back anything, a scalar too.
  const round: unknown = JSON.parse(JSON.stringify(v));
  if (round !== null && typeof round === 'object') seal(round);
  return round as T;
}

/** Freezes `v` and every object under it not frozen yet; marks SHARED those holding JSON values only. Returns whether `v` is SHARED. */
function seal(v: object): boolean {
  if (SHARED.has(v)) return true;
  if (Object.isFrozen(v)) return false;
  Object.freeze(v);
  let json = typeof (v as { toJSON?: unknown }).toJSON !== 'function';
  if (Array.isArray(v)) {
    json &&= Object.getPrototypeOf(v) === Array.prototype;
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (e !== null && typeof e === 'object') json = seal(e) && json;
      else json &&= isJsonScalar(e);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(v);
    json &&= proto === Object.prototype || proto === null;
    for (const k of Object.keys(v)) {
      const e: unknown = (v as Obj)[k];
      if (e !== null && typeof e === 'object') json = seal(e) && json;
      else json &&= k !== '__proto__' && isJsonScalar(e);
    }
  }
  if (json) SHARED.add(v);
  return json;
}

/**
 * A document as a store read gave it, made immutable in place for `applyUpdateShared`
 * (deep-frozen). Only for a document nobody else holds: a store's reads parse a new one each call.
 */
export function adoptDoc<T extends object>(doc: T): T {
  seal(doc);
  return doc;
}

/**
 * `applyUpdate` without mutation: returns the updated document, deep-frozen, sharing every part
 * the update did not touch with `doc`. `doc` must come from `adoptDoc` or `applyUpdateShared`,
 * or hold no objects (a new `{ _id }`). Same result and same errors as `applyUpdate` on a deep copy.
 */
export function applyUpdateShared<T extends Obj>(doc: T, update: Update, inserting: boolean): T {
  const root: Obj = { ...doc };
  for (const op of Object.keys(update) as UpdateOperator[]) {
    const fields = update[op] as Obj;
    for (const path of Object.keys(fields)) applyOne(root, op, path, fields[path], inserting, true);
  }
  seal(root);
  return root as T;
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
