import type { DomainEvent, DomainEventType, NotificationRequested } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { RecordedEvent } from '../../infra/eventStore/port.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { applyEvents } from '../../projections/apply.ts';
import { physicalName } from '../../projections/generations.ts';
import type { ProjectedDoc, ReadModel } from '../../projections/readModel.ts';

export const T0 = '2026-03-01T10:15:00.000Z';
export const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();

const streamOf = (e: DomainEvent): string => {
  const d = e.data as { notificationId?: string; userId?: string; templateId?: string; appId?: string };
  if (e.type.startsWith('Notification')) return `notification-${d.notificationId}`;
  if (e.type === 'TemplatePublished') return `template-${d.templateId}`;
  if (e.type.startsWith('App')) return `app-${d.appId}`;
  return streams.user('app1', d.userId ?? '');
};

/** Gives domain events log positions (1, 2, ...) the way the store would. */
export function record(events: DomainEvent[], firstPosition = 1): RecordedEvent[] {
  return events.map((e, i) => ({
    ...e,
    id: `e${firstPosition + i}`,
    streamId: streamOf(e),
    revision: 0,
    position: firstPosition + i,
    metadata: { correlationId: 'c', causationId: 'c', appId: 'app1' },
    recordedAt: T0,
  })) as RecordedEvent[];
}

export function requested(over: Partial<NotificationRequested['data']> = {}): DomainEvent {
  return {
    type: 'NotificationRequested',
    data: {
      notificationId: 'n1',
      appId: 'app1',
      eventId: 'ev1',
      userId: 'u1',
      channel: 'email',
      templateId: 'welcome',
      templateVersion: 1,
      params: {},
      recipient: { kind: 'email', email: 'a@example.test' },
      requestedAt: T0,
      ...over,
    },
  };
}

/** given(events) on a fresh in-memory store, through the same apply path the runner uses. */
export async function given<D extends ProjectedDoc, T extends DomainEventType>(
  typed: ReadModel<D, T>,
  events: DomainEvent[] | RecordedEvent[],
  store: ProjectionStore = createSqliteProjectionStore(':memory:'),
) {
  const model = typed as unknown as ReadModel;
  const recorded = events.length > 0 && 'position' in events[0]! ? (events as RecordedEvent[]) : record(events as DomainEvent[]);
  const collection = store.collection<ProjectedDoc>(physicalName(model.name, 1));
  for (const e of recorded) if ((model.handles as readonly string[]).includes(e.type)) await applyEvents(model, collection, [e]);
  const docs = await collection.find({}, { sort: { _id: 1 } });
  const byId: Record<string, D> = Object.fromEntries(docs.map(({ _pos: _ignored, ...d }) => [d._id, d as D]));
  return { store, docs: byId, doc: (id: string) => byId[id] };
}
