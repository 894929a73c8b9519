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
import type { DomainEvent } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/eventStore/sqlite.ts';
import { createSqliteProjectionStore } from '../infra/projectionStore/sqlite.ts';
import { startProjectionRunner } from '../projections/runner.ts';
import { generateEvents } from '../tests/projections/generate.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const meta = { correlationId: 'c', causationId: 'c', appId: 'app1' };
async function fill(events: EventStore, list: DomainEvent[]): Promise<number> {
  let head = 0;
  for (const e of list) {
    const d = e.data as { notificationId?: string; userId?: string };
    const stream = e.type.startsWith('Notification') ? `notification-${d.notificationId}` : streams.user(meta.appId, d.userId ?? '');
    head = (await events.append(stream, [{ ...e, metadata: meta }], 'any')).position;
  }
  return head;
}

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
    console.log(`median: ${Math.round(median(rates))} events/s, ${median(cpus).toFixed(0)} us CPU/event (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores)`);
    await log.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
