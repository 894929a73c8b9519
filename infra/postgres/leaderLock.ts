import { createHash } from 'node:crypto';
import pg from 'pg';
import type { LeaderLock } from '../leader/port.ts';

/** The advisory lock key of a role: 64 bits of a hash of its name, the same in every process. */
export function advisoryKey(name: string): string {
  const digest = createHash('sha256').update(`notify:leader:${name}`).digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}

/**
 * PostgreSQL (DATABASE_URL): a session-level advisory lock, `pg_try_advisory_lock`, on a
 * connection of its own held for as long as the role is active. The server releases it when that
 * session ends, so a kill -9 of the active process frees it as soon as the kernel closes the socket
 * (at once on one machine). A holder that vanishes without closing its socket (machine off, network
 * cut) is dropped by the server's TCP keepalives and user timeout, set below for this session only:
 * about 10-15 s instead of the kernel default of two hours. The holder notices a lost session on its
 * next check (a query with a 3 s bound) and stops the role.
 * The connection is a dedicated Client, never one of the shared pool's (infra/postgres/pool.ts):
 * the lock belongs to the session, so a pooled session would hand it to whichever store checked
 * that connection out next, and a pool may close idle sessions, dropping the lock with them.
 */
export function createPostgresLeaderLock(url: string, name: string): LeaderLock {
  const key = advisoryKey(name);
  let client: pg.Client | undefined;
  let broken = false;
  let held = false;

  async function connection(): Promise<pg.Client> {
    if (client && !broken) return client;
    const old = client;
    client = undefined;
    held = false;
    await old?.end().catch(() => undefined);
    const c = new pg.Client({
      connectionString: url,
      application_name: `notify-${name}-${process.pid}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      connectionTimeoutMillis: 5_000,
      query_timeout: 3_000,
    });
    // A dropped connection is an 'error' event; unhandled it would crash the process.
    c.on('error', () => void (broken = true));
    c.on('end', () => void (broken = true));
    broken = false;
    await c.connect();
    try {
      await c.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 10000');
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    client = c;
    return c;
  }

  return {
    onConflict: 'wait',
    where: `PostgreSQL advisory lock ${key} (${name})`,
    async tryAcquire() {
      if (held && !broken) return true;
      const c = await connection();
      const rows = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows;
      held = rows[0]?.ok === true;
      return held;
    },
    async stillHeld() {
      if (!held || broken || !client) return false;
      try {
        // Session locks end only with an unlock or the session: the session answering is enough.
        await client.query('SELECT 1');
        return !broken;
      } catch {
        broken = true;
        return false;
      }
    },
    async holder() {
      try {
        const c = await connection();
        const hi = Number(BigInt.asUintN(64, BigInt(key)) >> 32n);
        const lo = Number(BigInt.asUintN(64, BigInt(key)) & 0xffffffffn);
        const rows = (
          await c.query<{ pid: number; application_name: string; client_addr: string | null }>(
            `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1`,
            [hi, lo],
          )
        ).rows;
        const r = rows[0];
        return r ? `${r.application_name || 'a session'} (backend ${r.pid}${r.client_addr ? ` from ${r.client_addr}` : ''})` : 'nobody';
      } catch {
        return 'unknown';
      }
    },
    async release() {
      if (held && client && !broken) await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
      held = false;
    },
    async close() {
      await this.release();
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
