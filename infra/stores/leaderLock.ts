import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { LeaderLock } from '../leader/port.ts';
import { createSqliteLeaderLock } from '../sqlite/leaderLock.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { loadDriver } from './driver.ts';

export type { LeaderLock } from '../leader/port.ts';

export type LeaderLockOptions = StoreUrls;

/**
 * The lock lives where the role's state does: MongoDB when MONGO_URL is set, else PostgreSQL when
 * DATABASE_URL is, else a file in the data dir (the stores' own order of precedence).
 */
export async function createLeaderLock(config: LeaderLockOptions, name: string): Promise<LeaderLock> {
  const choice = storeChoice(config, 'leaderLock');
  switch (choice.kind) {
    case 'mongo':
      return (await loadDriver('mongo', () => import('../mongo/leaderLock.ts'))).createMongoLeaderLock(choice.url, name);
    case 'postgres':
      return (await loadDriver('postgres', () => import('../postgres/leaderLock.ts'))).createPostgresLeaderLock(choice.url, name);
    case 'sqlite':
      return createSqliteLeaderLock(choice.dataDir, name);
    default: {
      const never: never = choice;
      throw new Error(`unknown leader lock store ${JSON.stringify(never)}`);
    }
  }
}

/** What a started role gives back. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface SingleActive<R extends Stoppable> {
  /** The running role while this process is the active one. */
  current(): R | undefined;
  /** Stops the role if active (or stops standing by) and gives the lock up. */
  stop(): Promise<void>;
}

/** Refusal of a second process on the embedded store. */
export class RoleAlreadyRunning extends Error {
  constructor(role: string, where: string, holder: string) {
    super(
      `the ${role} role already runs on this data dir (lock ${where}, held by ${holder}); ` +
        'the embedded store allows one at a time: stop the other process, or use DATABASE_URL for an active/standby pair',
    );
    this.name = 'RoleAlreadyRunning';
  }
}

/**
 * Runs `start` only while this process holds `lock`. The first attempt is made here: the role is
 * started before this resolves when the lock is free, a second process is refused when the lock
 * says `refuse`, and otherwise stands by, trying again every `pollMs`. While active the lock is
 * checked every `pollMs`; a lost lock stops the role at once and the process stands by again.
 * Between the old holder's lock going and it noticing, both may run for up to one poll: the
 * dispatcher's duplicates are absorbed by the senders' idempotency, and projections apply an
 * event to a document at most once (the `_pos` guard), so an overlap costs work, not correctness.
 * `notify_role_active{role}` is 1 while active, 0 while standing by.
 */
export async function runSingleActive<R extends Stoppable>(o: {
  role: string;
  lock: LeaderLock;
  start: () => Promise<R>;
  logger: Logger;
  metrics?: Pick<Metrics, 'roleActive'>;
  pollMs?: number;
}): Promise<SingleActive<R>> {
  const pollMs = o.pollMs ?? 1_000;
  const log = o.logger;
  const gauge = (v: 0 | 1) => o.metrics?.roleActive.set({ role: o.role }, v);
  let running: R | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<void> = Promise.resolve();

  async function becomeActive(): Promise<void> {
    try {
      running = await o.start();
    } catch (e) {
      await o.lock.release().catch(() => undefined);
      throw e;
    }
    gauge(1);
    log.info({ role: o.role, lock: o.lock.where }, 'role active (lock acquired)');
  }

  async function step(): Promise<void> {
    if (stopped) return;
    if (running) {
      if (await o.lock.stillHeld()) return;
      log.error({ role: o.role, lock: o.lock.where }, 'role lock lost: stopping the role and standing by');
      const r = running;
      running = undefined;
      gauge(0);
      await r.stop().catch((e: unknown) => log.warn({ err: e }, 'error while stopping a role that lost its lock'));
      await o.lock.release().catch(() => undefined);
      return;
    }
    if (!(await o.lock.tryAcquire())) return;
    if (stopped) {
      await o.lock.release();
      return;
    }
    await becomeActive();
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      tick = step()
        .catch((e: unknown) => log.warn({ role: o.role, err: e instanceof Error ? e.message : String(e) }, 'role lock check failed; trying again'))
        .finally(schedule);
    }, pollMs);
    // The process is kept alive by what it serves (ops endpoints), not by the standby's timer.
    timer.unref();
  }

  if (await o.lock.tryAcquire()) {
    await becomeActive().catch(async (e: unknown) => {
      await o.lock.close().catch(() => undefined);
      throw e;
    });
  } else if (o.lock.onConflict === 'refuse') {
    const holder = await o.lock.holder();
    await o.lock.close().catch(() => undefined);
    throw new RoleAlreadyRunning(o.role, o.lock.where, holder);
  } else {
    gauge(0);
    log.info({ role: o.role, lock: o.lock.where, holder: await o.lock.holder() }, 'role held by another process: standing by');
  }
  schedule();

  return {
    current: () => running,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await tick;
      const r = running;
      running = undefined;
      if (r) await r.stop();
      gauge(0);
      await o.lock.close();
    },
  };
}
