import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { createMetrics } from '../../infra/metrics.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { checkpointName, currentGeneration, servingCollection } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { rebuildReadModel } from '../../projections/rebuild.ts';
import { startProjectionRunner } from '../../projections/runner.ts';
import { generateEvents } from './generate.ts';

let dir: string;
let events: EventStore;
let store: ProjectionStore;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proj-runner-'));
  events = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
  store = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
});
afterEach(async () => {
  await store.close();
  await events.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const meta = { correlationId: 'c', causationId: 'c', appId: 'app1' };
function streamOf(e: DomainEvent): string {
  const d = e.data as { notificationId?: string; userId?: string };
  return e.type.startsWith('Notification') ? `notification-${d.notificationId}` : streams.user(meta.appId, d.userId ?? '');
}
async function append(list: DomainEvent[]): Promise<number> {
  let position = 0;
  for (const e of list) position = (await events.append(streamOf(e), [{ ...e, metadata: meta }], 'any')).position;
  return position;
}

/** Every serving document of every read model. */
async function snapshot(s: ProjectionStore = store) {
  const out: Record<string, unknown[]> = {};
  for (const m of READ_MODELS) out[m.name] = await (await servingCollection(s, m)).find({}, { sort: { _id: 1 } });
  return out;
}

/** The same log projected once, from scratch, into a separate store: the expected answer. */
async function reference(): Promise<Record<string, unknown[]>> {
  const other = createSqliteProjectionStore(':memory:');
  const runner = await startProjectionRunner({ eventStore: events, store: other });
  await runner.waitFor(await events.headPosition());
  await runner.close();
  const snap = await snapshot(other);
  await other.close();
  return snap;
}

describe('projection runner', () => {
  it('follows live appends, exposes its lag, and a replay from 0 changes nothing', async () => {
    const metrics = createMetrics();
    const runner = await startProjectionRunner({ eventStore: events, store, metrics, lagIntervalMs: 50 });
    const all = generateEvents(600, 7);
    await append(all.slice(0, 300));
    const head = await append(all.slice(300));
    await runner.waitFor(head);
    expect(runner.positions()).toEqual(Object.fromEntries(READ_MODELS.map((m) => [m.name, head])));
    expect(await runner.lag()).toEqual(Object.fromEntries(READ_MODELS.map((m) => [m.name, 0])));
    expect(await metrics.registry.getSingleMetricAsString('notify_projection_lag_events')).toContain('projection="analytics"} 0');
    await runner.close();
    const once = await snapshot();
    expect(once.notifications!.length).toBeGreaterThan(50);
    expect(once.analytics!.length).toBeGreaterThan(50);

    // Replay: every checkpoint back to 0, the same log again.
    for (const m of READ_MODELS) await store.setCheckpoint(checkpointName(m.name, 1), 0);
    const again = await startProjectionRunner({ eventStore: events, store });
    await again.waitFor(head);
    await again.close();
    expect(await snapshot()).toEqual(once);
    expect(once).toEqual(await reference());
  });

  it('commits each batch with its checkpoints: a restart resumes exactly there and ends as a clean run', async () => {
    const all = generateEvents(500, 11);
    const mid = await append(all.slice(0, 250));
    const first = await startProjectionRunner({ eventStore: events, store, maxBatch: 100 });
    await first.waitFor(mid);
    // Read before close: the checkpoints were committed with the batch, not by a later flush.
    for (const m of READ_MODELS) expect(await store.getCheckpoint(checkpointName(m.name, 1))).toBe(mid);
    await first.close();
    const head = await append(all.slice(250));
    const second = await startProjectionRunner({ eventStore: events, store });
    await second.waitFor(head);
    await second.close();
    expect(await store.getCheckpoint(checkpointName('analytics', 1))).toBe(head);
    expect(await snapshot()).toEqual(await reference());
  });

  it('a failing batch is rolled back and retried from the positions applied, losing and doubling nothing', async () => {
    const all = generateEvents(400, 5);
    const head = await append(all);
    const analytics = READ_MODELS.find((m) => m.name === 'analytics')!;
    let failures = 0;
    const flaky = {
      ...analytics,
      evolve: (...args: Parameters<typeof analytics.evolve>) => {
        if (args[1].position === 250 && failures === 0) {
          failures += 1;
          throw new Error('transient failure while projecting');
        }
        return analytics.evolve(...args);
      },
    };
    const models = READ_MODELS.map((m) => (m.name === 'analytics' ? flaky : m));
    const runner = await startProjectionRunner({ eventStore: events, store, models, maxBatch: 100 });
    await runner.waitFor(head, 20_000);
    await runner.close();
    expect(failures).toBe(1);
    expect(await snapshot()).toEqual(await reference());
  });

  it('a rebuild equals the incremental projection, and the live runner switches to it while appends continue', async () => {
    const all = generateEvents(900, 3);
    await append(all.slice(0, 400));
    const runner = await startProjectionRunner({ eventStore: events, store, pointerCheckMs: 10, oldGenerationGraceMs: 20 });
    await runner.waitFor(await events.headPosition());
    const incremental = await snapshot();

    const model = READ_MODELS.find((m) => m.name === 'analytics')!;
    const progress: number[] = [];
    const writer = append(all.slice(400, 700));
    const result = await rebuildReadModel({ store, eventStore: events, model, batchSize: 64, onProgress: (p) => progress.push(p) });
    await writer;
    expect(result.generation).toBe(2);
    expect(await currentGeneration(store, 'analytics')).toBe(2);
    expect(progress.length).toBeGreaterThan(3);

    const head = await append(all.slice(700));
    await runner.waitFor(head);
    await new Promise((r) => setTimeout(r, 60)); // past the grace period: generation 1 is dropped
    await runner.close();
    expect((await store.listCollections()).filter((c) => c.startsWith('analytics_'))).toEqual(['analytics_g2']);
    const final = await snapshot();
    expect(final).toEqual(await reference());
    expect(final.analytics!.length).toBeGreaterThan(incremental.analytics!.length);

    // Rebuilding every model from the full log gives exactly what was built incrementally.
    for (const m of READ_MODELS) await rebuildReadModel({ store, eventStore: events, model: m });
    expect(await snapshot()).toEqual(final);
  });
});
