import type { DomainEventType } from '../domain/events.ts';
import type { RecordedEvent } from '../infra/eventStore/port.ts';
import type { Doc, Filter, IndexSpec } from '../infra/projectionStore/port.ts';

/** A recorded event narrowed to some of the types. */
export type EventOf<T extends DomainEventType> = Extract<RecordedEvent, { type: T }>;

/** Every projected document records the log position of the last event applied to it. */
export type ProjectedDoc = Doc & { _pos?: number };

/** Counters derived from one document's change, added with $inc to another document (analytics buckets). */
export interface Rollup {
  id: string;
  inc: Record<string, number>;
  /** Identity fields written when the target is created. */
  onInsert?: Record<string, unknown>;
}

/**
 * One read model: which events it handles, which documents an event touches, and a pure
 * `evolve` per document. `undefined` from evolve means "no document" (deleted or never made).
 * Time comes from the event (at / requestedAt / recordedAt), never from the clock.
 */
export interface ReadModel<D extends ProjectedDoc = ProjectedDoc, T extends DomainEventType = DomainEventType> {
  name: string;
  handles: readonly T[];
  indexes: IndexSpec[];
  ids(event: EventOf<T>): string[];
  evolve(doc: D | undefined, event: EventOf<T>, id: string): D | undefined;
  rollup?(before: D | undefined, after: D | undefined, event: EventOf<T>): Rollup[];
  /**
   * Documents this event removes wholesale, found by a filter rather than by id (an erased user's
   * inbox items, whose ids the event does not name). Their content must not outlive the event.
   */
  drops?(event: EventOf<T>): Filter | undefined;
}

/** The time an event speaks of. */
export function eventTime(event: RecordedEvent): string {
  const data = event.data as { at?: string; requestedAt?: string };
  return data.at ?? data.requestedAt ?? event.recordedAt;
}

/** Hour and day buckets as ISO strings (UTC), comparable as text. */
export function hourOf(iso: string): string {
  const d = new Date(iso);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}
export function dayOf(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 10)}T00:00:00.000Z`;
}
