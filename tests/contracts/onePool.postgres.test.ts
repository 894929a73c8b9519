import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClaimStore } from '../../infra/stores/claims.ts';
import { openScheduleStore } from '../../infra/stores/scheduleStore.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import { createKeyVault } from '../../infra/stores/keyVault.ts';
import { createLeaderLock } from '../../infra/stores/leaderLock.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import { rotated } from './eventStore.contract.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

/**
 * One process, every PostgreSQL store opened the way app/main.ts and the roles open them: they
 * share one pool, so the process holds one pooled session however many stores it has (a pool per
 * store held one each: five here). The leader lock keeps a session of its own (its advisory lock
 * is session-scoped). The process's sessions carry an application_name unique to this test.
 */
describe('one PostgreSQL pool per process', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let dataDir: string;
  const app = `notify_onepool_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-onepool-'));
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** This process's sessions: pooled ones, and the ones holding a session advisory lock (the leader lock's). */
  const sessions = async () => {
    const { rows } = await admin.query<{ locking: boolean; n: string }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS locking, count(*) AS n
       FROM pg_stat_activity a WHERE datname = current_database() AND application_name = $1 GROUP BY 1`,
      [app],
    );
    return { pooled: Number(rows.find((r) => !r.locking)?.n ?? 0), lock: Number(rows.find((r) => r.locking)?.n ?? 0) };
  };

  it('the log, read models, key vault, dispatcher state and claims share one pool; the leader lock has its own session', async () => {
    const url = new URL(db.url);
    url.searchParams.set('application_name', app);
    // PG_POOL_SIZE 1: one pool of one connection can serve them all in turn; a pool per store cannot hold fewer than one each.
    const config = { databaseUrl: url.toString(), pgPoolSize: 1, dataDir };

    const keyVault = await createKeyVault(config);
    const eventStore = await createEventStore(config, undefined, keyVault);
    const projections = await createProjectionStore(config);
    const dispatcherState = await openScheduleStore(config, 'dispatcher');
    const claims = await openClaimStore(config);
    const lock = await createLeaderLock(config, 'dispatcher');

    await keyVault.getOrCreate('user-1');
    await eventStore.append('app-onepool', [rotated('app-onepool', 1)], 'no_stream');
    expect(await eventStore.readAll({ after: 0, limit: 10 })).toHaveLength(1);
    await projections.setCheckpoint('onepool', 1);
    expect(await projections.getCheckpoint('onepool')).toBe(1);
    await dispatcherState.setCheckpoint(1);
    expect(await claims.claim([{ notificationId: 'n-1', attempt: 1, holder: 'h' }], 10_000)).toEqual([true]);
    expect(await lock.tryAcquire()).toBe(true);

    expect(await sessions()).toEqual({ pooled: 1, lock: 1 });

    // The pool outlives each store but the last: closing some leaves the others working.
    await claims.close();
    await projections.close();
    await keyVault.close();
    expect(await dispatcherState.getCheckpoint()).toBe(1);
    expect(await eventStore.headPosition()).toBe(1);
    await eventStore.close();
    await dispatcherState.close();
    await lock.close();
    // The last holder ended the pool: no session of this process is left.
    const gone = async () => {
      const s = await sessions();
      return s.pooled + s.lock === 0;
    };
    for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await sessions()).toEqual({ pooled: 0, lock: 0 });
  });
});
