/**
 * The projection runner alone, on the embedded stores:
 * `node bench/projectionRunner.bench.ts [--events N] [--rounds R]`.
 * Fills one SQLite log with N generated events (realistic mix, tests/projections/generate.ts; not
 * timed), then R times projects it from position 0 with every read model into a fresh SQLite
 * projection store, and prints each round's events/s and the process CPU time per event (user +
 * system, what the `projections` role spends), then the medians. CPU per event moves less than
 * wall time on a shared machine; quote both with the load average.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { createSqliteProjectionStore } from '../infra/sqlite/projectionStore.ts';
import { startProjectionRunner } from '../projections/runner.ts';
import { generateEvents } from '../tests/projections/generate.ts';
import { arg, fill } from './projectionLog.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const n = arg('events', 20_000);
  const rounds = arg('rounds', 3);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-runner-'));
  try {
    const log = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    const head = await fill(log, generateEvents(n, 42));
    const rates: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const store = createSqliteProjectionStore(path.join(dir, `projections${r}.sqlite`));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const runner = await startProjectionRunner({ eventStore: log, store });
      await runner.waitFor(head, 3_600_000);
      const cpu = process.cpuUsage(c0);
      const s = (performance.now() - t0) / 1000;
      await runner.close();
      await store.close();
      const usPerEvent = (cpu.user + cpu.system) / n;
      rates.push(n / s);
      cpus.push(usPerEvent);
      console.log(`round ${r + 1}: ${n} events in ${s.toFixed(2)} s -> ${Math.round(n / s)} events/s, ${usPerEvent.toFixed(0)} us CPU/event`);
    }
    console.log(
      `median: ${Math.round(median(rates))} events/s, ${median(cpus).toFixed(0)} us CPU/event (load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores)`,
    );
    await log.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
