import { HttpError } from './errors.ts';

export interface ParamsLimits {
  /** API_PARAMS_MAX_BYTES: the JSON of `params`, in bytes. */
  maxBytes: number;
  /** API_PARAMS_MAX_DEPTH: nesting of objects and arrays; `{ "a": 1 }` is depth 1. */
  maxDepth: number;
}

/** Keys that mean something to JavaScript objects rather than to a template: never stored. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Params are copied into every notification's event, once per recipient and channel, in an
 * append-only log: their size is bounded before anything is decided (413), and so is their depth
 * (400, checked without recursion so a deep value cannot overflow the stack either).
 */
export function checkParams(params: unknown, limits: ParamsLimits): void {
  if (params === undefined) return;
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: params, depth: 0, path: 'params' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > limits.maxDepth) {
      throw new HttpError(400, 'invalid_request', `${path}: params may nest at most ${limits.maxDepth} levels deep`, { field: path });
    }
    for (const key of Object.keys(value)) {
      const child = `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new HttpError(400, 'invalid_request', `${child}: "${key}" is not allowed as a param name`, { field: child });
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: child });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(params), 'utf8');
  if (bytes > limits.maxBytes) {
    throw new HttpError(413, 'params_too_large', `params: ${bytes} bytes of JSON, over the limit of ${limits.maxBytes}`, { field: 'params' });
  }
}
