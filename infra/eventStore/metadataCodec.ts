import type { EventMetadata } from '../../domain/events.ts';

const KEYS = ['correlationId', 'causationId', 'appId', 'traceparent', 'committer'] as const;
type Positional = [string, string, string] | [string, string, string, string] | [string, string, string, string | null, string];

/**
 * Metadata as the logs store it: `[correlationId, causationId, appId(, traceparent)]`, or with a
 * publish-on-commit committer `[correlationId, causationId, appId, traceparent|null, committer]`,
 * without the keys every event would otherwise repeat (~50 bytes an event). Metadata of any other
 * shape (an extra key, a non-string value) is kept as its object, so every value round-trips exactly.
 */
export function compactMetadata(m: EventMetadata): EventMetadata | Positional {
  const keys = Object.keys(m);
  const known = keys.length >= 3 && keys.every((k) => KEYS.includes(k as (typeof KEYS)[number]));
  const optionalOk = (k: 'traceparent' | 'committer') => !keys.includes(k) || typeof m[k] === 'string';
  if (!known || !KEYS.slice(0, 3).every((k) => typeof m[k] === 'string') || !optionalOk('traceparent') || !optionalOk('committer')) return m;
  if (m.committer !== undefined) return [m.correlationId, m.causationId, m.appId, m.traceparent ?? null, m.committer];
  return m.traceparent === undefined ? [m.correlationId, m.causationId, m.appId] : [m.correlationId, m.causationId, m.appId, m.traceparent];
}

/** Either stored form (the array, or the object events were written with before) back to the object. */
export function expandMetadata(stored: unknown): EventMetadata {
  if (!Array.isArray(stored)) return stored as EventMetadata;
  const [correlationId, causationId, appId, traceparent, committer] = stored as Positional;
  return {
    correlationId,
    causationId,
    appId,
    ...(typeof traceparent === 'string' && { traceparent }),
    ...(committer !== undefined && { committer }),
  };
}
