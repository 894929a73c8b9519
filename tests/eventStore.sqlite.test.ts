import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { SCHEMA_VERSION } from '../infra/sqlite/eventSchema.ts';
import { meta, rotated, waitFor } from './contracts/eventStore.contract.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Children are plain `node` processes, one each, that run the TypeScript sources the way production does
 * (Node's type stripping): no wrapper process in between, so killing the child kills the writer.
 */
const node = (args: string[]) => spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A writer process: `count` commands spread over `streams` streams, each through handleCommand
 * (read -> decide -> append at the revision read, retry on conflict), as every real command does.
 */
const writerSource = `
import { handleCommand } from ${JSON.stringify(path.join(root, 'commands/handle.ts'))};
import { createSqliteEventStore } from ${JSON.stringify(path.join(root, 'infra/sqlite/eventStore.ts'))};
import fs from 'node:fs';
const [file, worker, count, streams, barrier] = process.argv.slice(2);
const store = createSqliteEventStore(file);
const append = store.append.bind(store);
let conflicts = 0;
store.append = async (...args) => {
  try {
    return await append(...args);
  } catch (e) {
    if (e && e.name === 'ConcurrencyError') conflicts += 1;
    throw e;
  }
};
// A barrier: both writers start together however long each took to boot, so their appends interleave.
fs.writeFileSync(barrier + '-' + worker, '');
while (!['w1', 'w2'].every((w) => fs.existsSync(barrier + '-' + w))) await new Promise((r) => setTimeout(r, 2));
const decider = {
  initialState: () => 0,
  evolve: (n) => n + 1,
  decide: (cmd) => [{ type: 'AppSecretRotated', data: { appId: cmd.stream, secretHash: worker + ':' + cmd.seq, at: '2026-01-01T00:00:00.000Z' } }],
};
for (let i = 0; i < Number(count); i++) {
  const stream = 'app-mp' + (i % Number(streams));
  await handleCommand(store, decider, stream, { stream, seq: i }, { correlationId: worker, causationId: String(i), appId: 'mp' }, { maxAttempts: 10_000 });
}
await store.close();
process.stdout.write(String(conflicts));
`;

/** Resolves with the number of conflicts the writer met and retried. */
/** Appends forever, reporting each acknowledged revision, until killed. */
const crashingWriterSource = `
import { createSqliteEventStore } from ${JSON.stringify(path.join(root, 'infra/sqlite/eventStore.ts'))};
const store = createSqliteEventStore(process.argv[2]);
const metadata = { correlationId: 'c', causationId: 'k', appId: 'crash' };
for (let i = 0; ; i++) {
  const r = await store.append('app-crash', [{ type: 'AppSecretRotated', data: { appId: 'crash', secretHash: 'h' + i, at: 'x' }, metadata }], i === 0 ? 'no_stream' : i - 1);
  process.stdout.write(r.nextRevision + '\\n');
}
`;

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = node(args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(stdout)) : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe('embedded SQLite event store, beyond the contract', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'es-sqlite-'));
    file = path.join(dir, 'events.sqlite');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('wakes an in-process live subscriber promptly (sanity bound only; figures are in bench/)', async () => {
    // A poll interval far above the bound proves the wake-up comes from the append, not the poll.
    const store = createSqliteEventStore(file, { pollIntervalMs: 5_000 });
    const latencies: number[] = [];
    let sentAt = 0;
    const sub = store.subscribe({ onEvent: () => void latencies.push(performance.now() - sentAt) });
    await sub.caughtUp;
    for (let i = 0; i < 20; i++) {
      sentAt = performance.now();
      await store.append('app-latency', [rotated('app-latency', i)], 'any');
      await waitFor(() => latencies.length === i + 1, 2_000, `event ${i}`);
    }
    await sub.close();
    await store.close();
    // The median, not the max: one descheduling on a busy 2-core box must not fail the build.
    const median = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!;
    expect(median).toBeLessThan(200);
  });

  it('an append through one store instance wakes a subscriber on another instance of the same file at once', async () => {
    const writer = createSqliteEventStore(file, { pollIntervalMs: 5_000 });
    const reader = createSqliteEventStore(path.join(dir, '.', 'events.sqlite'), { pollIntervalMs: 5_000 });
    const seen: number[] = [];
    const sub = reader.subscribe({ onEvent: (e) => void seen.push(e.revision) });
    await sub.caughtUp;
    const started = performance.now();
    await writer.append('app-two', [rotated('app-two', 0), rotated('app-two', 1)], 'no_stream');
    await waitFor(() => seen.length === 2, 2_000, 'the other instance to be woken');
    expect(performance.now() - started).toBeLessThan(1_000);
    // Closing one instance leaves the other's subscribers working.
    await writer.close();
    const again = createSqliteEventStore(file, { pollIntervalMs: 5_000 });
    await again.append('app-two', [rotated('app-two', 2)], 1);
    await waitFor(() => seen.length === 3, 2_000, 'a wake-up after the first writer closed');
    expect(seen).toEqual([0, 1, 2]);
    await sub.close();
    await again.close();
    await reader.close();
  });

  it('two processes appending to the same streams leave gap-free revisions, lose nothing, and a third sees it all by polling', async () => {
    const script = path.join(dir, 'writer.mts');
    await fs.writeFile(script, writerSource);
    const perWorker = 150;
    const streams = 3;
    const watcher = createSqliteEventStore(file, { pollIntervalMs: 20 });
    const seen: RecordedEvent[] = [];
    const sub = watcher.subscribe({ onEvent: (e) => void seen.push(e) });

    const barrier = path.join(dir, 'ready');
    const conflicts = await Promise.all(['w1', 'w2'].map((w) => run([script, file, w, String(perWorker), String(streams), barrier])));
    // Without a single conflict the writers never overlapped and the test proved nothing.
    expect(conflicts[0]! + conflicts[1]!).toBeGreaterThan(0);

    const total = 2 * perWorker;
    await waitFor(() => seen.length >= total, 10_000, 'the watcher to see every append');
    await sub.close();

    const keys: string[] = [];
    for (let s = 0; s < streams; s++) {
      const events = await watcher.readStream(`app-mp${s}`);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
      for (let i = 1; i < events.length; i++) expect(events[i]!.position).toBeGreaterThan(events[i - 1]!.position);
      for (const e of events) if (e.type === 'AppSecretRotated') keys.push(e.data.secretHash);
    }
    const expected = ['w1', 'w2'].flatMap((w) => Array.from({ length: perWorker }, (_, i) => `${w}:${i}`));
    expect(keys.sort()).toEqual(expected.sort());

    const all = await watcher.readAll();
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(seen).toHaveLength(total);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
    await watcher.close();
  }, 40_000);

  it('keeps every acknowledged append when the writing process is killed mid-stream (SIGKILL)', async () => {
    const script = path.join(dir, 'crash.mts');
    await fs.writeFile(script, crashingWriterSource);
    const child = node([script, file]);
    let acknowledged = -1;
    let buffer = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) acknowledged = Number(line);
      if (acknowledged >= 200 && !child.killed) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    const store = createSqliteEventStore(file);
    const events = await store.readStream('app-crash');
    expect(events.length).toBeGreaterThanOrEqual(acknowledged + 1);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => (e.type === 'AppSecretRotated' ? e.data.secretHash : ''))).toEqual(events.map((_, i) => `h${i}`));
    // The log is writable again at the next revision.
    await store.append('app-crash', [rotated('app-crash', 0)], events.length - 1);
    await store.close();
  }, 30_000);

  it('an append answers only after the commit that holds it: a batch held by another process waits, and if its transaction fails every caller of it fails', async () => {
    const store = createSqliteEventStore(file, { busyDeadlineMs: 600 });
    await store.append('app-first', [rotated('app-first', 0)], 'no_stream');
    const commits = store.commitCount();
    const other = new Database(file);
    const streams = [0, 1, 2, 3].map((i) => `app-held-${i}`);
    const settle = (p: Promise<unknown>, log: string[], name: string) =>
      p.then(
        () => void log.push(`${name}:ok`),
        (e: unknown) => void log.push(`${name}:${(e as { code?: string }).code ?? String(e)}`),
      );
    try {
      // Another process holds the write lock past the deadline: the batch never commits, so no caller may hear "ok".
      other.exec('BEGIN IMMEDIATE');
      const log: string[] = [];
      const round1 = Promise.all(streams.map((s, i) => settle(store.append(s, [rotated(s, i)], 'no_stream'), log, s)));
      await new Promise((r) => setTimeout(r, 200));
      expect(log).toEqual([]);
      await round1;
      expect(log.sort()).toEqual(streams.map((s) => `${s}:SQLITE_BUSY`));
      other.exec('ROLLBACK');
      for (const s of streams) expect(await store.readStream(s)).toEqual([]);
      expect(store.commitCount()).toBe(commits);

      // Held for 200 ms, then released: every caller hears "ok" after the release, all from one commit.
      other.exec('BEGIN IMMEDIATE');
      const log2: string[] = [];
      const round2 = Promise.all(streams.map((s, i) => settle(store.append(s, [rotated(s, i)], 'no_stream'), log2, s)));
      await new Promise((r) => setTimeout(r, 200));
      expect(log2).toEqual([]);
      other.exec('COMMIT');
      await round2;
      expect(log2.sort()).toEqual(streams.map((s) => `${s}:ok`));
      expect(store.commitCount()).toBe(commits + 1);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('opens a log written by the version-0 layout: converts it in place, keeping ids, positions, metadata and times', async () => {
    const old = new Database(file);
    old.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream, revision))`);
    const insert = old.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const traced = meta({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    // An odd shape (an extra key) must come back as it went in, too.
    const odd = { ...meta(), replayOf: 'x' };
    const rows = [
      [3, randomUUID(), 'app-a', 0, rotated('app-a', 0).data, traced, '2026-01-01T10:00:00.123Z'],
      [4, randomUUID(), 'app-b', 0, rotated('app-b', 1).data, meta(), '2026-01-01T10:00:01.000Z'],
      [7, randomUUID(), 'app-a', 1, rotated('app-a', 2).data, odd, '2026-01-01T10:00:02.999Z'],
    ] as const;
    for (const [position, id, stream, revision, data, metadata, at] of rows)
      insert.run(position, id, stream, revision, 'AppSecretRotated', JSON.stringify(data), JSON.stringify(metadata), at);
    old.close();

    const store = createSqliteEventStore(file);
    const all = await store.readAll();
    expect(all.map((e) => [e.position, e.id, e.streamId, e.revision, e.data, e.metadata, e.recordedAt])).toEqual(rows.map((r) => [...r]));
    expect((await store.readStream('app-a')).map((e) => e.id)).toEqual([rows[0][1], rows[2][1]]);
    // The log goes on where it was: next revision of the stream, next position after the last.
    const r = await store.append('app-a', [rotated('app-a', 3)], 1);
    expect(r).toEqual({ nextRevision: 2, position: 8 });
    const converted = await store.readAll();
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'events%' ORDER BY name`).pluck().all()).toEqual(['events']);
    raw.close();
    // Opening it again converts nothing twice.
    const again = createSqliteEventStore(file);
    expect(await again.readAll()).toEqual(converted);
    await again.close();
  });

  it('an event whose writer chose no id gets one derived from its stream and revision: a UUID, the same on every read, different for every event', async () => {
    const store = createSqliteEventStore(file);
    await store.append('app-x', [rotated('app-x', 0), rotated('app-x', 1)], 'no_stream');
    await store.append('app-y', [rotated('app-y', 0)], 'no_stream');
    const ids = (await store.readAll()).map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await store.close();
    const reopened = createSqliteEventStore(file);
    expect((await reopened.readAll()).map((e) => e.id)).toEqual(ids);
    await reopened.close();
  });

  it('close lets appends already made commit and answer first', async () => {
    const store = createSqliteEventStore(file);
    const appends = [0, 1, 2].map((i) => store.append(`app-closing-${i}`, [rotated(`app-closing-${i}`, i)], 'no_stream'));
    await store.close();
    expect((await Promise.all(appends)).map((r) => r.nextRevision)).toEqual([0, 0, 0]);
    const again = createSqliteEventStore(file);
    expect(await again.readAll()).toHaveLength(3);
    await again.close();
  });

  it('refuses to work once closed', async () => {
    const store = createSqliteEventStore(file);
    await store.append('app-closed', [rotated('app-closed', 0, meta())], 'no_stream');
    await store.close();
    await expect(store.readStream('app-closed')).rejects.toThrow(/closed/);
    await expect(store.append('app-closed', [rotated('app-closed', 1)], 'any')).rejects.toThrow(/closed/);
  });
});
