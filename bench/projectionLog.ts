/** What the projection benchmarks share: their integer flags, and filling a log with generated events (not timed). */
import type { DomainEvent } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';

/** `--name N`, a positive integer, or `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

export const meta = { correlationId: 'c', causationId: 'c', appId: 'app1' };
/** Appends every event to its stream (notification or user), one append each; answers the head. */
export async function fill(events: EventStore, list: DomainEvent[]): Promise<number> {
  let head = 0;
  for (const e of list) {
    const d = e.data as { notificationId?: string; userId?: string };
    const stream = e.type.startsWith('Notification') ? `notification-${d.notificationId}` : streams.user(meta.appId, d.userId ?? '');
    head = (await events.append(stream, [{ ...e, metadata: meta }], 'any')).position;
  }
  return head;
}
