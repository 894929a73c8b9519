import type { EventMetadata } from '../../domain/events.ts';

const KEYS = ['correlationId', 'causationId', 'appId', 'traceparent'] as const;
type Positional = [string, string, string] | [string, string, string, string];

/**
 * Metadata as the logs store it: `[correlationId, causationId, appId(, traceparent)]`, without the
 * keys every event would otherwise repeat (~50 bytes an event). Metadata of any other shape (an
 * extra key, a non-string value) is kept as its object, so every value round-trips exactly.
 */
export function compactMetadata(m: EventMetadata): EventMetadata | Positional {
  const keys = Object.keys(m);
  const known = keys.length >= 3 && keys.every((k) => KEYS.includes(k as (typeof KEYS)[number]));
  if (!known || !KEYS.slice(0, 3).every((k) => typeof m[k] === 'string') || (keys.length === 4 && typeof m.traceparent !== 'string')) return m;
  return m.traceparent === undefined ? [m.correlationId, m.causationId, m.appId] : [m.correlationId, m.causationId, m.appId, m.traceparent];
}

/** Either stored form (the array, or the object events were written with before) back to the object. */
export function expandMetadata(stored: unknown): EventMetadata {
  if (!Array.isArray(stored)) return stored as EventMetadata;
  const [correlationId, causationId, appId, traceparent] = stored as Positional;
  return traceparent === undefined ? { correlationId, causationId, appId } : { correlationId, causationId, appId, traceparent };
}
