import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { APPEND_LOCK, createPostgresEventStore } from '../infra/postgres/eventStore.ts';
import type { EventStore, NewEvent, RecordedEvent } from '../infra/eventStore/port.ts';
import { meta, rotated, waitFor } from './contracts/eventStore.contract.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

async function pollUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Backends waiting for an advisory lock (the append lock, in these tests). */
async function waitingOnLock(admin: pg.Client): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
  return rows.map((r) => r.pid);
}

/** What only the PostgreSQL log has to prove: no reader skips a late commit, and NOTIFY wakes other processes. */
describe('PostgreSQL event store', () => {
  let db: TestDatabase;
  const stores: EventStore[] = [];
  const open = (options: Parameters<typeof createPostgresEventStore>[1] = {}) => {
    const s = createPostgresEventStore(db.url, options);
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.drop();
  });

  it('concurrent writers on separate connections: a subscriber following from 0 sees every event exactly once, in position order, with no hole', async () => {
    const reader = open({ pollIntervalMs: 5_000, batchSize: 7 });
    const seen: RecordedEvent[] = [];
    const sub = reader.subscribe({ after: 0, onEvent: (e) => void seen.push(e) });
    await sub.caughtUp;
    // Meanwhile a second follower pages through readAll as fast as it can, mid-commit.
    let polling = true;
    const paged: number[] = [];
    const pager = (async () => {
      let cursor = 0;
      while (polling) {
        const page = await reader.readAll({ after: cursor, limit: 5 });
        for (const e of page) paged.push(e.position);
        if (page.length) cursor = page.at(-1)!.position;
        else await new Promise((r) => setImmediate(r));
      }
    })();

    const writers = Array.from({ length: 8 }, () => open({ poolSize: 4 }));
    const perWriter = 20;
    let expected = 0;
    await Promise.all(
      writers.map(async (w, wi) => {
        // Four streams per writer, appended to concurrently: many transactions in flight at once.
        await Promise.all(
          [0, 1, 2, 3].map(async (k) => {
            const s = `gap-${wi}-${k}-${randomUUID().slice(0, 8)}`;
            for (let i = 0; i < perWriter; i++) {
              const size = 1 + ((wi + k + i) % 3);
              expected += size;
              if (i % 5 === 4) {
                const s2 = `${s}-side`;
                expected += 1;
                await w.appendMulti([
                  { stream: s, events: Array.from({ length: size }, (_, j) => rotated(s, i * 10 + j)), expected: 'any' },
                  { stream: s2, events: [rotated(s2, i)], expected: 'any' },
                ]);
              } else {
                await w.append(
                  s,
                  Array.from({ length: size }, (_, j) => rotated(s, i * 10 + j)),
                  'any',
                );
              }
            }
          }),
        );
      }),
    );
    try {
      await waitFor(() => seen.length >= expected, 20_000, `${expected} events`);
    } finally {
      polling = false;
      await pager;
      await sub.close();
    }

    expect(seen).toHaveLength(expected);
    // Positions are dense (max + 1 under the append lock): exactly 1..N, so a skipped event is a hole.
    expect(seen.map((e) => e.position)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(new Set(seen.map((e) => e.id)).size).toBe(expected);
    expect(paged).toEqual(Array.from({ length: paged.length }, (_, i) => i + 1));
    expect(await reader.headPosition()).toBe(expected);
  });

  it('an append answers only after its batch commits; a commit the server refuses sinks only the append that caused it', async () => {
    const store = open();
    await store.append(`poison-setup-${randomUUID()}`, [rotated('setup', 0)], 'no_stream');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const streams = [0, 1, 2, 3].map(() => `poison-${randomUUID()}`);
    try {
      // A deferred constraint trigger fails the COMMIT itself (not a statement) when an event of app 'poison' is in it.
      await admin.query(`
        CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.data->>'appId' = 'poison' THEN RAISE EXCEPTION 'poisoned commit'; END IF; RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
      // Hold the append lock, so the first append's batch waits on it while the others queue behind it as the next batch.
      await admin.query('SELECT pg_advisory_lock($1)', [APPEND_LOCK]);
      const log: string[] = [];
      const settle = (p: Promise<unknown>, name: string) =>
        p.then(
          () => void log.push(`${name}:ok`),
          (e: unknown) => void log.push(`${name}:${(e as Error).message}`),
        );
      const first = settle(store.append(streams[0]!, [rotated('first', 0)], 'no_stream'), 'first');
      await pollUntil(async () => (await waitingOnLock(admin)).length === 1);
      const rest = Promise.all([
        settle(store.append(streams[1]!, [rotated('fine', 1)], 'no_stream'), 'fine'),
        settle(store.append(streams[2]!, [rotated('poison', 2)], 'no_stream'), 'poison'),
        settle(store.appendMulti([{ stream: streams[3]!, events: [rotated('fine', 3)], expected: 'no_stream' }]), 'multi'),
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(log).toEqual([]);
      await admin.query('SELECT pg_advisory_unlock($1)', [APPEND_LOCK]);
      await Promise.all([first, rest]);
      // The refused COMMIT rolled the whole batch back; written again one by one, only the culprit fails.
      expect(log.sort()).toEqual(['fine:ok', 'first:ok', 'multi:ok', 'poison:poisoned commit']);
      for (const s of [streams[0]!, streams[1]!, streams[3]!]) expect(await store.readStream(s)).toHaveLength(1);
      expect(await store.readStream(streams[2]!)).toEqual([]);
      const positions = (await store.readAll()).map((e) => e.position);
      expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));
    } finally {
      await admin.query('DROP TRIGGER IF EXISTS refuse_poison ON events; DROP FUNCTION IF EXISTS refuse_poison()');
      await admin.end();
    }
  });

  it('a batch whose connection is lost before its commit is answered: every append of it fails, none is written', async () => {
    const store = open();
    await store.append(`lost-setup-${randomUUID()}`, [rotated('setup', 0)], 'no_stream');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const streams = [0, 1, 2].map(() => `lost-${randomUUID()}`);
    try {
      await admin.query('SELECT pg_advisory_lock($1)', [APPEND_LOCK]);
      const commits = store.commitCount();
      const settled = Promise.allSettled(streams.map((s, i) => store.append(s, [rotated(s, i)], 'no_stream')));
      await pollUntil(async () => (await waitingOnLock(admin)).length === 1);
      // The batch's backend dies while it waits for the lock, as on a server restart or a proxy timeout.
      await admin.query('SELECT pg_terminate_backend($1)', [(await waitingOnLock(admin))[0]]);
      expect((await settled).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      await admin.query('SELECT pg_advisory_unlock($1)', [APPEND_LOCK]);
      for (const s of streams) expect(await store.readStream(s)).toEqual([]);
      expect(store.commitCount()).toBe(commits);
      // The store goes on with a fresh connection.
      expect((await store.append(streams[0]!, [rotated('again', 0)], 'no_stream')).nextRevision).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('reads rows written before metadata was stored compact (an object) the same as new ones (an array)', async () => {
    const store = open();
    const stream = `meta-${randomUUID()}`;
    const m = meta({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    await store.append(stream, [rotated(stream, 0, m)], 'no_stream');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ metadata: unknown }>('SELECT metadata FROM events WHERE stream = $1', [stream]);
      expect(rows[0]!.metadata).toEqual([m.correlationId, m.causationId, m.appId, m.traceparent]);
      // An old row: the object itself.
      await admin.query(
        `INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at)
         SELECT MAX(position) + 1, $1, $2, 1, 'AppSecretRotated', $3, $4, now() FROM events`,
        [randomUUID(), stream, JSON.stringify(rotated(stream, 1).data), JSON.stringify(m)],
      );
    } finally {
      await admin.end();
    }
    expect((await store.readStream(stream)).map((e) => e.metadata)).toEqual([m, m]);
  });

  it('a row the server refuses fails only its own append; its batch neighbours commit', async () => {
    const store = open();
    const [a, bad, b] = [`row-${randomUUID()}`, `row-${randomUUID()}`, `row-${randomUUID()}`];
    // jsonb refuses \u0000 in text: the INSERT of the whole batch fails, and the store writes each append alone.
    const nul = { ...rotated(bad, 0), data: { appId: bad, secretHash: 'h\u0000', at: '2026-01-01T00:00:00.000Z' } } as NewEvent;
    const settled = await Promise.allSettled([store.append(a, [rotated(a, 0)], 'no_stream'), store.append(bad, [nul], 'no_stream'), store.append(b, [rotated(b, 0)], 'no_stream')]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.readStream(a)).toHaveLength(1);
    expect(await store.readStream(bad)).toEqual([]);
    expect(await store.readStream(b)).toHaveLength(1);
  });

  it('another process appends: the subscriber here wakes through LISTEN/NOTIFY, far under the safety-net poll', async () => {
    const pollIntervalMs = 10_000;
    const subscriber = open({ pollIntervalMs });
    const stream = `wake-${randomUUID()}`;
    const count = 20;
    const latencies: number[] = [];
    const sub = subscriber.subscribe({
      after: await subscriber.headPosition(),
      onEvent: (e) => {
        if (e.streamId !== stream || e.type !== 'AppSecretRotated') return;
        latencies.push(performance.timeOrigin + performance.now() - Number(e.data.at));
      },
    });
    await sub.caughtUp;

    const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'pgAppender.ts'), [db.url, stream, String(count), '30'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`appender exited before ready (${code})`)));
    });
    child.send('go');
    await waitFor(() => latencies.length === count, 15_000, 'events from the other process');
    expect(await exited).toBe(0);
    await sub.close();

    const sorted = [...latencies].sort((a, b) => a - b);
    // Polling alone would average pollIntervalMs / 2 = 5 s; every event must beat a tenth of the poll.
    expect(sorted.at(-1)!).toBeLessThan(pollIntervalMs / 10);
    expect(sorted[Math.floor(count / 2)]!).toBeLessThan(100);
  });

  it('the LISTEN connection comes back after the server drops it, and wake-ups resume', async () => {
    const pollIntervalMs = 10_000;
    const subscriber = open({ pollIntervalMs });
    const writer = open();
    const stream = `relisten-${randomUUID()}`;
    const seen: number[] = [];
    const sub = subscriber.subscribe({ after: await subscriber.headPosition(), onEvent: (e) => void (e.streamId === stream && seen.push(e.revision)) });
    await sub.caughtUp;
    await writer.append(stream, [rotated(stream, 0, meta())], 'no_stream');
    await waitFor(() => seen.length === 1, 2_000, 'first event');
    // Kill every LISTENing backend of this database, as a server restart or a proxy timeout would.
    const admin = createPostgresEventStore(db.url);
    stores.push(admin);
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
    await c.end();
    await new Promise((r) => setTimeout(r, 1_500)); // the reconnect waits 1 s
    const t0 = Date.now();
    await writer.append(stream, [rotated(stream, 1, meta())], 0);
    await waitFor(() => seen.length === 2, 3_000, 'event after the LISTEN connection came back');
    expect(Date.now() - t0).toBeLessThan(1_000);
    await sub.close();
  });
});
