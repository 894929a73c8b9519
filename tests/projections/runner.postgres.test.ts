import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { createPostgresEventStore } from '../../infra/postgres/eventStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createPostgresProjectionStore } from '../../infra/postgres/projectionStore.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { checkpointName, currentGeneration, servingCollection } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { startProjectionRunner } from '../../projections/runner.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { generateEvents } from './generate.ts';

const meta = { correlationId: 'c', causationId: 'c', appId: 'app1' };
const streamOf = (e: DomainEvent): string => {
  const d = e.data as { notificationId?: string; userId?: string };
  return e.type.startsWith('Notification') ? `notification-${d.notificationId}` : `user-${d.userId}`;
};

async function snapshot(s: ProjectionStore) {
  const out: Record<string, unknown[]> = {};
  for (const m of READ_MODELS) out[m.name] = await (await servingCollection(s, m)).find({}, { sort: { _id: 1 } });
  return out;
}

/** The projection runner on PostgreSQL for both the log and the read models (and their checkpoints). */
describe('projection runner on PostgreSQL', () => {
  let db: TestDatabase;
  let events: EventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    events = createPostgresEventStore(db.url);
  });
  afterAll(async () => {
    await events.close();
    await db.drop();
  });

  it('projects the log like the embedded store does, keeps its checkpoints there, and resumes from them', async () => {
    const all = generateEvents(300, 3);
    for (const e of all.slice(0, 200)) await events.append(streamOf(e), [{ ...e, metadata: meta }], 'any');
    let store = createPostgresProjectionStore(db.url);
    let runner = await startProjectionRunner({ eventStore: events, store });
    await runner.caughtUp;
    await runner.close();
    const head = await events.headPosition();
    for (const m of READ_MODELS) expect(await store.getCheckpoint(checkpointName(m.name, await currentGeneration(store, m.name)))).toBe(head);
    await store.close();

    // A restart resumes from the stored checkpoints; live appends arrive through LISTEN/NOTIFY.
    store = createPostgresProjectionStore(db.url);
    runner = await startProjectionRunner({ eventStore: events, store });
    for (const e of all.slice(200)) await events.append(streamOf(e), [{ ...e, metadata: meta }], 'any');
    await runner.waitFor(await events.headPosition(), 20_000);
    await runner.close();

    const reference = createSqliteProjectionStore(':memory:');
    const refRunner = await startProjectionRunner({ eventStore: events, store: reference });
    await refRunner.waitFor(await events.headPosition(), 20_000);
    await refRunner.close();
    expect(await snapshot(store)).toEqual(await snapshot(reference));
    await reference.close();
    await store.close();
  });
});
