import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { loadConfig } from '../../app/config.ts';
import { startPlatform } from '../../app/main.ts';
import { runSingleActive, RoleAlreadyRunning, type LeaderLock } from '../../infra/stores/leaderLock.ts';
import { advisoryKey, createPostgresLeaderLock } from '../../infra/postgres/leaderLock.ts';
import { createSqliteLeaderLock } from '../../infra/sqlite/leaderLock.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/rabbit.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** A separate process that takes a lock and says `held` once it has it (then waits to be killed). */
function holderProcess(kind: 'pg' | 'sqlite', where: string): { child: ChildProcess; held: Promise<void> } {
  const code =
    kind === 'pg'
      ? `import { createPostgresLeaderLock as c } from './infra/postgres/leaderLock.ts'; const l = c(process.env.WHERE, 'dispatcher');`
      : `import { createSqliteLeaderLock as c } from './infra/sqlite/leaderLock.ts'; const l = c(process.env.WHERE, 'dispatcher');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', `${code} if (await l.tryAcquire()) console.log('held'); setInterval(() => {}, 1000);`], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', WHERE: where },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const held = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code, signal) => reject(new Error(`holder exited (${signal ?? code}) without the lock`)));
  });
  return { child, held };
}

const kill9 = async (child: ChildProcess) => {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
};

/** A role that only records whether it runs. */
function fakeRole() {
  const state = { starts: 0, stops: 0 };
  return { state, start: async () => (state.starts++, { stop: async () => void state.stops++ }) };
}

const gaugeValue = async (metrics: ReturnType<typeof createMetrics>, role: string) => (await metrics.roleActive.get()).values.find((v) => v.labels.role === role)?.value;

describe('single-active roles on the embedded store: a second one refuses to run', () => {
  const dirs: string[] = [];
  const locks: LeaderLock[] = [];
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-leader-'));
    dirs.push(d);
    return d;
  };

  it('the second lock on a data dir is refused, with the holder named; closing the first frees it', async () => {
    const dir = tempDir();
    const first = createSqliteLeaderLock(dir, 'dispatcher');
    const second = createSqliteLeaderLock(dir, 'dispatcher');
    locks.push(first, second);
    expect(await first.tryAcquire()).toBe(true);
    expect(await second.tryAcquire()).toBe(false);
    const refused = runSingleActive({ role: 'dispatcher', lock: second, logger: silentLogger, start: fakeRole().start });
    await expect(refused).rejects.toBeInstanceOf(RoleAlreadyRunning);
    await expect(refused).rejects.toThrow(new RegExp(`dispatcher role already runs on this data dir .*pid ${process.pid}`));
    // Another role's lock is independent.
    const other = createSqliteLeaderLock(dir, 'projections');
    locks.push(other);
    expect(await other.tryAcquire()).toBe(true);
    await first.close();
    const third = createSqliteLeaderLock(dir, 'dispatcher');
    locks.push(third);
    expect(await third.tryAcquire()).toBe(true);
  });

  it('a holder killed with SIGKILL leaves nothing stale: the next process gets the lock at once', async () => {
    const dir = tempDir();
    const { child, held } = holderProcess('sqlite', dir);
    await held;
    const lock = createSqliteLeaderLock(dir, 'dispatcher');
    locks.push(lock);
    expect(await lock.tryAcquire()).toBe(false);
    expect(await lock.holder()).toMatch(new RegExp(`pid ${child.pid}`));
    await kill9(child);
    expect(await lock.tryAcquire()).toBe(true);
  });

  it('startPlatform refuses a second projections role on one data dir with a clear error', async () => {
    const dir = tempDir();
    const env = { NOTIFY_DATA_DIR: dir, OPS_PORT: '0', LOG_LEVEL: 'silent' };
    const first = await startPlatform(loadConfig(env), silentLogger, { roles: ['projections'], channels: ['email'] });
    try {
      expect(first.projections).toBeDefined();
      await expect(startPlatform(loadConfig(env), silentLogger, { roles: ['projections'], channels: ['email'] })).rejects.toThrow(/projections role already runs on this data dir/);
    } finally {
      await first.stop();
    }
    // Stopped: the role can start again.
    const again = await startPlatform(loadConfig(env), silentLogger, { roles: ['projections'], channels: ['email'] });
    await again.stop();
  });
});

describe('single-active roles on PostgreSQL: a standby takes over', () => {
  let db: TestDatabase | undefined;
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
    await db?.drop();
    db = undefined;
  });

  it('one holder at a time; the standby starts the role once the active one stops', async () => {
    db = await createTestDatabase();
    const [a, b] = [fakeRole(), fakeRole()];
    const [ma, mb] = [createMetrics(), createMetrics()];
    const active = await runSingleActive({
      role: 'dispatcher',
      lock: createPostgresLeaderLock(db.url, 'dispatcher'),
      logger: silentLogger,
      metrics: ma,
      start: a.start,
      pollMs: 100,
    });
    stops.push(() => active.stop());
    const standby = await runSingleActive({
      role: 'dispatcher',
      lock: createPostgresLeaderLock(db.url, 'dispatcher'),
      logger: silentLogger,
      metrics: mb,
      start: b.start,
      pollMs: 100,
    });
    stops.push(() => standby.stop());
    expect(a.state.starts).toBe(1);
    expect(await gaugeValue(ma, 'dispatcher')).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(b.state.starts).toBe(0);
    expect(await gaugeValue(mb, 'dispatcher')).toBe(0);
    await active.stop();
    expect(a.state.stops).toBe(1);
    expect(await gaugeValue(ma, 'dispatcher')).toBe(0);
    await waitFor(() => b.state.starts === 1, 2_000, 'the standby to start the role');
    expect(await gaugeValue(mb, 'dispatcher')).toBe(1);
  });

  it('a holder killed with SIGKILL: the server ends its session and the standby takes over within a couple of polls', async () => {
    db = await createTestDatabase();
    const { child, held } = holderProcess('pg', db.url);
    stops.push(async () => void child.kill('SIGKILL'));
    await held;
    const b = fakeRole();
    const standby = await runSingleActive({ role: 'dispatcher', lock: createPostgresLeaderLock(db.url, 'dispatcher'), logger: silentLogger, start: b.start, pollMs: 200 });
    stops.push(() => standby.stop());
    await new Promise((r) => setTimeout(r, 500));
    expect(b.state.starts).toBe(0);
    const killedAt = Date.now();
    await kill9(child);
    await waitFor(() => b.state.starts === 1, 5_000, 'the standby to take over');
    expect(Date.now() - killedAt).toBeLessThan(2_000);
  });

  it('an active process whose session is ended stops the role at once and stands by again', async () => {
    db = await createTestDatabase();
    const a = fakeRole();
    const metrics = createMetrics();
    const active = await runSingleActive({
      role: 'projections',
      lock: createPostgresLeaderLock(db.url, 'projections'),
      logger: silentLogger,
      metrics,
      start: a.start,
      pollMs: 100,
    });
    stops.push(() => active.stop());
    expect(a.state.starts).toBe(1);
    // Another process takes the lock the moment the session goes (as after a network cut): one
    // round trip ends the session (the timeout makes it wait until the backend is gone, its locks
    // with it) and takes the lock, before the old holder can reconnect and take it back as a standby.
    const thief = new pg.Client({ connectionString: db.url });
    await thief.connect();
    stops.push(() => thief.end());
    const key = BigInt.asUintN(64, BigInt(advisoryKey('projections')));
    const [hi, lo] = [Number(key >> 32n), Number(key & 0xffffffffn)];
    const results = (await thief.query(
      `SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND classid = ${hi}::bigint::oid AND objid = ${lo}::bigint::oid;
       SELECT pg_try_advisory_lock(${advisoryKey('projections')}::bigint) AS ok`,
    )) as unknown as Array<{ rows: Array<{ ok?: boolean }> }>;
    expect(results[1]!.rows[0]!.ok).toBe(true);
    await waitFor(() => a.state.stops === 1, 5_000, 'the role to stop after its lock was lost');
    expect(await gaugeValue(metrics, 'projections')).toBe(0);
    // It stands by: once the thief lets go, it is active again.
    await thief.query(`SELECT pg_advisory_unlock(${advisoryKey('projections')}::bigint)`);
    await waitFor(() => a.state.starts === 2, 5_000, 'the role to start again');
  });
});
