import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import type { RecordedEvent } from '../../infra/eventStore/port.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { applyEvents } from '../../projections/apply.ts';
import { physicalName } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import type { ProjectedDoc } from '../../projections/readModel.ts';
import { record } from '../projections/fixtures.ts';
import { generateEvents } from '../projections/generate.ts';

/**
 * The generated mix, with what it lacks for the inbox: some sends carry an inbox item, and
 * some users are erased part-way (a drop by filter in the middle of a batch).
 */
function withInbox(events: DomainEvent[], erasures: number[]): DomainEvent[] {
  const userOf = new Map<string, string>();
  const out: DomainEvent[] = [];
  events.forEach((e, i) => {
    if (e.type === 'NotificationRequested') userOf.set(e.data.notificationId, e.data.userId);
    const userId = e.type === 'NotificationSent' ? userOf.get(e.data.notificationId) : undefined;
    out.push(e.type === 'NotificationSent' && userId !== undefined && i % 2 === 0 ? { ...e, data: { ...e.data, inbox: { userId, title: 't', body: `b${i}` } } } : e);
    if (erasures.includes(i)) out.push({ type: 'UserErased', data: { userId: [...userOf.values()][i % Math.max(1, userOf.size)] ?? 'u1', at: '2026-03-01T01:00:00.000Z' } });
  });
  return out;
}

/** Topic subscriptions in the mix (app1, whose users the erasures drop): users join and leave topics, several per event. */
function withTopics(events: DomainEvent[]): DomainEvent[] {
  const out: DomainEvent[] = [];
  const users = ['u1', 'u2', 'u3', 'u4'];
  events.forEach((e, i) => {
    out.push(e);
    if (i % 5 !== 0) return;
    const topicId = `t${i % 3}`;
    const userIds = users.filter((_, k) => (i + k) % 2 === 0);
    const at = '2026-03-01T00:30:00.000Z';
    out.push(
      i % 15 === 10
        ? { type: 'TopicUnsubscribed', data: { appId: 'app1', topicId, userIds, reason: 'request', at } }
        : { type: 'TopicSubscribed', data: { appId: 'app1', topicId, userIds, at } },
    );
  });
  return out;
}

async function project(events: readonly RecordedEvent[], sizes: readonly number[]): Promise<Record<string, ProjectedDoc[]>> {
  const store: ProjectionStore = createSqliteProjectionStore(':memory:');
  const out: Record<string, ProjectedDoc[]> = {};
  for (const model of READ_MODELS) {
    const collection = store.collection<ProjectedDoc>(physicalName(model.name, 1));
    const handled = events.filter((e) => (model.handles as readonly string[]).includes(e.type));
    let i = 0;
    for (let k = 0; i < events.length; k++) {
      const size = sizes.length === 0 ? 1 : sizes[k % sizes.length]!;
      const from = events[i]!.position;
      const to = events[Math.min(i + size, events.length) - 1]!.position;
      await applyEvents(
        model,
        collection,
        handled.filter((e) => e.position >= from && e.position <= to),
      );
      i += size;
    }
    out[model.name] = await collection.find({}, { sort: { _id: 1 } });
  }
  await store.close();
  return out;
}

describe('projections applied in batches', () => {
  it('property: any split of an event sequence into batches gives the documents one by one gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 5, max: 160 }),
        fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 160 }), { maxLength: 3 }),
        async (seed, count, sizes, erasures) => {
          const events = record(withTopics(withInbox(generateEvents(count, seed), erasures)));
          const oneByOne = await project(events, []);
          const batched = await project(events, sizes);
          expect(batched).toEqual(oneByOne);
          // Key order too: a document written once per batch is the same JSON as one written per event.
          expect(JSON.stringify(batched)).toBe(JSON.stringify(oneByOne));
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a batch replayed (redelivered after its writes, before its checkpoint) changes nothing', async () => {
    const events = record(withTopics(withInbox(generateEvents(150, 9), [40, 90])));
    const once = await project(events, [50]);
    const store = createSqliteProjectionStore(':memory:');
    for (const model of READ_MODELS) {
      const collection = store.collection<ProjectedDoc>(physicalName(model.name, 1));
      const handled = events.filter((e) => (model.handles as readonly string[]).includes(e.type));
      await applyEvents(model, collection, handled);
      await applyEvents(model, collection, handled.slice(0, 60));
      await applyEvents(model, collection, handled);
    }
    const twice: Record<string, ProjectedDoc[]> = {};
    for (const model of READ_MODELS) twice[model.name] = await store.collection<ProjectedDoc>(physicalName(model.name, 1)).find({}, { sort: { _id: 1 } });
    expect(twice).toEqual(once);
    expect(once.inbox!.length).toBeGreaterThan(0);
    await store.close();
  });
});
