/**
 * Event store figures, the same workload on the embedded SQLite log and on PostgreSQL: append rate
 * (1 event per append, 100-event batches, 8 writers on their own connections, and 64 concurrent
 * single-event appenders on one store: the group-commit case), readAll rate, log bytes per
 * notification, and append -> subscriber latency in-process (wake-up) and cross-process (SQLite:
 * polling; PostgreSQL: LISTEN/NOTIFY). Ends with one machine-readable line:
 *   eventstore: sqlite_concurrent=<n>/s postgres_concurrent=<n>/s sqlite_bytes_per_notification=<n> postgres_bytes_per_notification=<n>
 *
 *   node bench/eventStore.bench.ts              (or: npm run bench:eventstore)
 *   node bench/eventStore.bench.ts --concurrent (only the concurrent rate and the bytes, ~10 s)
 *
 * PostgreSQL runs in a scratch database created on PG_BENCH_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards; NO_PG=1 skips it.
 * The same file is the cross-process subscriber when started with --subscriber.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EventMetadata } from '../domain/events.ts';
import pg from 'pg';
import type { EventStore, NewEvent } from '../infra/eventStore/port.ts';
import { createPostgresEventStore } from '../infra/postgres/eventStore.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';

const now = () => performance.timeOrigin + performance.now();
const metadata: EventMetadata = { correlationId: randomUUID(), causationId: randomUUID(), appId: 'bench', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

/** A realistic NotificationRequested (~0.6 KB of JSON with metadata); `sentAt` rides in params. */
function requested(i: number, sentAt = 0): NewEvent {
  const id = randomUUID();
  return {
    type: 'NotificationRequested',
    data: {
      notificationId: id,
      appId: 'bench',
      eventId: `evt-${i}`,
      userId: `user-${i % 1000}`,
      channel: 'email',
      templateId: 'welcome',
      templateVersion: 3,
      params: { name: 'Ada Lovelace', orderId: `o-${i}`, total: 42.5, items: ['a', 'b', 'c'], sentAt },
      recipient: { kind: 'email', email: 'ada@example.test', locale: 'en-GB' },
      requestedAt: new Date().toISOString(),
    },
    metadata,
  };
}

/** What a delivered email leaves in its stream besides the request: the sender's outcome. */
function sent(notificationId: string): NewEvent {
  return {
    type: 'NotificationSent',
    data: { notificationId, attempt: 1, provider: 'sendgrid', providerMessageId: `sg-${randomUUID()}`, at: new Date().toISOString(), locale: 'en-GB' },
    metadata: { ...metadata, causationId: randomUUID() },
  };
}

const sentAtOf = (e: { type: string; data: unknown }): number => (e.type === 'NotificationRequested' ? Number((e.data as { params: { sentAt?: unknown } }).params.sentAt) : NaN);

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

type Backend = 'sqlite' | 'postgres';
const openStore = (backend: Backend, where: string, pollMs?: number): EventStore =>
  backend === 'sqlite' ? createSqliteEventStore(where, pollMs ? { pollIntervalMs: pollMs } : {}) : createPostgresEventStore(where, pollMs ? { pollIntervalMs: pollMs } : {});

async function subscriberMain(backend: Backend, where: string, pollMs: number, count: number): Promise<void> {
  const store = openStore(backend, where, pollMs);
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sub = store.subscribe({
    after: await store.headPosition(),
    onEvent: (e) => {
      process.stdout.write(`${(now() - sentAtOf(e)).toFixed(3)}\n`);
      if (++seen >= count) done();
    },
  });
  await sub.caughtUp;
  process.stdout.write('ready\n');
  await finished;
  await sub.close();
  await store.close();
}

async function workload(backend: Backend, where: string, crossPolls: number[]): Promise<[string, string][]> {
  const store = openStore(backend, where);
  const rows: [string, string][] = [];

  // 1 event per append, each to a new stream with "no stream" expected: a notification request.
  const singles = 5_000;
  let t = now();
  for (let i = 0; i < singles; i++) await store.append(`notification-${randomUUID()}`, [requested(i)], 'no_stream');
  rows.push(['append, 1 event/append', `${Math.round(singles / ((now() - t) / 1000))} events/s`]);

  const batches = 200;
  t = now();
  for (let b = 0; b < batches; b++) {
    const stream = `notification-${randomUUID()}`;
    await store.append(
      stream,
      Array.from({ length: 100 }, (_, i) => requested(b * 100 + i)),
      'no_stream',
    );
  }
  rows.push(['append, 100-event batches', `${Math.round((batches * 100) / ((now() - t) / 1000))} events/s`]);

  // Eight appenders at once on their own connections (the API under load): appends are serialized either way.
  const writers = Array.from({ length: 8 }, () => openStore(backend, where));
  const perWriter = 500;
  t = now();
  await Promise.all(
    writers.map(async (w) => {
      for (let i = 0; i < perWriter; i++) await w.append(`notification-${randomUUID()}`, [requested(i)], 'no_stream');
    }),
  );
  rows.push(['append, 1 event/append, 8 concurrent writers', `${Math.round((writers.length * perWriter) / ((now() - t) / 1000))} events/s`]);
  for (const w of writers) await w.close();

  t = now();
  let read = 0;
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 1_000 });
    if (page.length === 0) break;
    read += page.length;
    after = page[page.length - 1]!.position;
  }
  rows.push([`readAll (${read} events, pages of 1000)`, `${Math.round(read / ((now() - t) / 1000))} events/s`]);

  // In-process: the append wakes the subscriber directly; one event in flight at a time.
  const local: number[] = [];
  let delivered: (() => void) | undefined;
  const sub = store.subscribe({
    after: await store.headPosition(),
    onEvent: (e) => {
      local.push(now() - sentAtOf(e));
      delivered?.();
    },
  });
  await sub.caughtUp;
  for (let i = 0; i < 1_000; i++) {
    const got = new Promise<void>((r) => (delivered = r));
    await store.append(`notification-${randomUUID()}`, [requested(i, now())], 'no_stream');
    await got;
  }
  await sub.close();
  rows.push(['subscriber latency, in-process', `p50 ${pct(local, 50).toFixed(2)} ms, p99 ${pct(local, 99).toFixed(2)} ms (n=${local.length})`]);

  // Cross-process: another process follows the log. Appends every ~7 ms so they land at every phase of a poll.
  for (const pollMs of crossPolls) {
    const count = 300;
    const self = fileURLToPath(import.meta.url);
    // A plain `node` child (Node strips the types): no wrapper process to outlive us.
    const child = spawn(process.execPath, [self, '--subscriber', backend, where, String(pollMs), String(count)], {
      cwd: path.join(path.dirname(self), '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const latencies: number[] = [];
    const lines = createInterface({ input: child.stdout });
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    lines.on('line', (line) => (line === 'ready' ? ready() : latencies.push(Number(line))));
    await isReady;
    for (let i = 0; i < count; i++) {
      await store.append(`notification-${randomUUID()}`, [requested(i, now())], 'no_stream');
      await new Promise((r) => setTimeout(r, 7));
    }
    await exited;
    const how = backend === 'sqlite' ? `poll ${pollMs} ms` : `LISTEN/NOTIFY, safety-net poll ${pollMs} ms`;
    rows.push([`subscriber latency, other process (${how})`, `p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms (n=${latencies.length})`]);
  }
  await store.close();
  return rows;
}

/** 64 appenders on one store, each appending one event at a time to a new stream: concurrent API requests. */
async function concurrentRate(backend: Backend, where: string): Promise<{ rate: number; perCpuSecond: number }> {
  const store = openStore(backend, where);
  const appenders = 64;
  const perAppender = backend === 'sqlite' ? 500 : 100;
  const t = now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      for (let i = 0; i < perAppender; i++) await store.append(`notification-${randomUUID()}`, [requested(i)], 'no_stream');
    }),
  );
  const rate = Math.round((appenders * perAppender) / ((now() - t) / 1000));
  const used = process.cpuUsage(cpu);
  // On a shared box the wall-clock rate follows the load; this process's CPU per event does not (for SQLite it is all the work).
  const perCpuSecond = Math.round((appenders * perAppender) / ((used.user + used.system) / 1e6));
  await store.close();
  return { rate, perCpuSecond };
}

/**
 * Log bytes (rows and indexes) per notification: a request and its sent outcome, appended apart as
 * the API and the sender do. `size` gives the log's size on disk, measured before and after.
 */
async function bytesPerNotification(backend: Backend, where: string, size: () => Promise<number>): Promise<number> {
  const store = openStore(backend, where);
  const n = 2_000;
  // The first appends create the schema and its first pages: measure from there.
  await store.append(`notification-${randomUUID()}`, [requested(0)], 'no_stream');
  await store.close();
  const before = await size();
  const again = openStore(backend, where);
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = w; i < n; i += 16) {
        const event = requested(i);
        const id = (event.data as { notificationId: string }).notificationId;
        await again.append(`notification-${id}`, [event], 'no_stream');
        await again.append(`notification-${id}`, [sent(id)], 0);
      }
    }),
  );
  await again.close();
  return Math.round(((await size()) - before) / n);
}

/** The SQLite file after a checkpoint (closing the last connection folds the WAL in). */
const fileSize = (file: string) => async () => (await fs.stat(file)).size;

function print(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(title);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

async function main(onlyConcurrent: boolean): Promise<void> {
  const summary = { sqlite_concurrent: 'n/a', postgres_concurrent: 'n/a', sqlite_bytes_per_notification: 'n/a', postgres_bytes_per_notification: 'n/a' };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-bench-'));
  try {
    const rows = onlyConcurrent ? [] : await workload('sqlite', path.join(dir, 'events.sqlite'), [100, 20]);
    if (!onlyConcurrent) rows.push(['log file size', `${((await fs.stat(path.join(dir, 'events.sqlite'))).size / 1024 / 1024).toFixed(1)} MB`]);
    const { rate, perCpuSecond } = await concurrentRate('sqlite', path.join(dir, 'concurrent.sqlite'));
    rows.push(['append, 1 event/append, 64 concurrent appenders, one store', `${rate} events/s (${perCpuSecond} per CPU-second of this process)`]);
    const bytes = await bytesPerNotification('sqlite', path.join(dir, 'bytes.sqlite'), fileSize(path.join(dir, 'bytes.sqlite')));
    rows.push(['log bytes per notification (request + sent)', `${bytes} B`]);
    summary.sqlite_concurrent = String(rate);
    summary.sqlite_bytes_per_notification = String(bytes);
    print(
      `Embedded event store (SQLite WAL, synchronous=NORMAL), ${os.cpus().length} cores, node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      rows,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  if (!process.env.NO_PG) await postgres(onlyConcurrent, summary);
  console.log(
    `eventstore: ${Object.entries(summary)
      .map(([k, v]) => `${k}=${v}${k.endsWith('concurrent') && v !== 'n/a' ? '/s' : ''}`)
      .join(' ')}`,
  );
}

async function postgres(onlyConcurrent: boolean, summary: Record<string, string>): Promise<void> {
  const base = process.env.PG_BENCH_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      return await c.query<{ v: string }>(sql);
    } finally {
      await c.end();
    }
  };
  const scratch = async (run: (url: string, name: string) => Promise<void>) => {
    const name = `notify_bench_${randomUUID().slice(0, 8)}`;
    await admin(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(base);
      url.pathname = `/${name}`;
      await run(url.toString(), name);
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  };
  const pgRows: [string, string][] = [];
  if (!onlyConcurrent) {
    await scratch(async (url, name) => {
      pgRows.push(...(await workload('postgres', url, [2_000])));
      const bytes = (await admin(`SELECT pg_database_size('${name}')::text AS v`)).rows[0]!.v;
      pgRows.push(['database size', `${(Number(bytes) / 1024 / 1024).toFixed(1)} MB`]);
    });
  }
  await scratch(async (url) => {
    const { rate } = await concurrentRate('postgres', url);
    pgRows.push(['append, 1 event/append, 64 concurrent appenders, one store', `${rate} events/s`]);
    summary.postgres_concurrent = String(rate);
  });
  await scratch(async (url) => {
    // Rows, TOAST and every index of the log's tables.
    const size = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const { rows } = await c.query<{ v: string }>(
          `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::text AS v FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')`,
        );
        return Number(rows[0]!.v);
      } finally {
        await c.end();
      }
    };
    const bytes = await bytesPerNotification('postgres', url, size);
    pgRows.push(['log bytes per notification (request + sent)', `${bytes} B`]);
    summary.postgres_bytes_per_notification = String(bytes);
  });
  const version = (await admin('SHOW server_version')).rows[0] as unknown as { server_version: string };
  const commit = (await admin('SHOW synchronous_commit')).rows[0] as unknown as { synchronous_commit: string };
  console.log('');
  print(`PostgreSQL ${version.server_version} event store (synchronous_commit=${commit.synchronous_commit}), same machine`, pgRows);
}

if (process.argv[2] === '--subscriber') {
  await subscriberMain(process.argv[3] as Backend, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6]));
} else {
  await main(process.argv.includes('--concurrent'));
}
