import { Query } from 'mingo';
import { ProjectionStoreError, type Doc, type Filter } from './port.ts';

/**
 * A cache of compiled mingo queries: compiling costs tens of microseconds and the read models
 * repeat the same few shapes. Filters holding values JSON cannot tell apart (a RegExp, a Date and
 * its ISO string) are compiled every time.
 */
export function queryCache(max = 500): (filter: Filter) => Query {
  const queries = new Map<string, Query>();
  return (filter) => {
    let plain = true;
    const key = JSON.stringify(filter, function (this: Record<string, unknown>, k: string, v: unknown) {
      const raw = this[k];
      if (raw instanceof RegExp || raw instanceof Date || typeof raw === 'function' || raw === undefined) plain = k === '' ? plain : false;
      return v;
    });
    if (!plain) return new Query(filter);
    let q = queries.get(key);
    if (!q) {
      if (queries.size >= max) queries.clear();
      q = new Query(filter);
      queries.set(key, q);
    }
    return q;
  };
}

/**
 * SQL pushdown compares an indexed field as one value; MongoDB semantics would also match an
 * element of an array. So an indexed field may neither hold an array nor sit under one.
 */
export function checkIndexedPaths(collection: string, indexed: Iterable<string>, doc: Doc): void {
  for (const field of indexed) {
    let v: unknown = doc;
    for (const part of field.split('.')) {
      if (Array.isArray(v)) throw new ProjectionStoreError('bad_document', `${collection}: indexed field '${field}' may not hold or sit under an array`);
      if (!v || typeof v !== 'object') break;
      v = (v as Record<string, unknown>)[part];
    }
    if (Array.isArray(v)) throw new ProjectionStoreError('bad_document', `${collection}: indexed field '${field}' may not hold an array`);
  }
}
