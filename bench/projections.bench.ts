/**
 * Projections benchmark (embedded stores): `node bench/projections.bench.ts [--events N] [--rebuild-events M]`
 * (npm run bench:projections). Prints:
 *  1. the runner's throughput: N generated events (realistic mix, tests/projections/generate.ts)
 *     appended to a fresh SQLite log, then every read model projected together from position 0
 *     by one runner into a fresh SQLite projection store;
 *  2. a rebuild: M events, every read model rebuilt as `notify projections rebuild` does (one
 *     pass over the log per read model), timed, and extrapolated linearly to 1M events.
 * Appending the log is set-up and is not timed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { createSqliteProjectionStore } from '../infra/sqlite/projectionStore.ts';
import { READ_MODELS } from '../projections/index.ts';
import { rebuildReadModel } from '../projections/rebuild.ts';
import { startProjectionRunner } from '../projections/runner.ts';
import { generateEvents } from '../tests/projections/generate.ts';
import { arg, fill } from './projectionLog.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const n = arg('events', 100_000);
  const m = arg('rebuild-events', 200_000);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-projections-'));
  try {
    // 1. Runner throughput, every read model together.
    const log = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    const head = await fill(log, generateEvents(n, 42));
    const store = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
    const t0 = performance.now();
    const runner = await startProjectionRunner({ eventStore: log, store });
    await runner.waitFor(head, 3_600_000);
    const runnerS = (performance.now() - t0) / 1000;
    await runner.close();
    const docs: Record<string, number> = {};
    for (const name of await store.listCollections()) docs[name] = await store.collection(name).count();
    console.log(`runner: ${fmt(n)} events, ${READ_MODELS.length} read models, ${runnerS.toFixed(1)} s -> ${fmt(n / runnerS)} events/s`);
    console.log(`        documents: ${JSON.stringify(docs)}`);
    await store.close();
    await log.close();

    // 2. Rebuild of every read model, one pass each, as the CLI does.
    const log2 = createSqliteEventStore(path.join(dir, 'events2.sqlite'));
    const head2 = await fill(log2, generateEvents(m, 7));
    const store2 = createSqliteProjectionStore(path.join(dir, 'projections2.sqlite'));
    let total = 0;
    for (const model of READ_MODELS) {
      const r = await rebuildReadModel({ store: store2, eventStore: log2, model });
      total += r.ms;
      console.log(`rebuild ${model.name.padEnd(14)} ${fmt(r.events)} events in ${(r.ms / 1000).toFixed(1)} s (${fmt(r.events / (r.ms / 1000))} events/s)`);
    }
    if (head2 !== m) throw new Error(`log holds ${head2} events, expected ${m}`);
    const perMillion = (total / 1000) * (1_000_000 / m);
    console.log(`rebuild all: ${fmt(m)} events in ${(total / 1000).toFixed(1)} s -> 1M events extrapolated (linear): ${(perMillion / 60).toFixed(1)} min`);
    console.log(
      `load average during the run: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    await store2.close();
    await log2.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
