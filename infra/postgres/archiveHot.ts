import type { HotLog } from '../eventStore/hotLog.ts';
import { APPEND_LOCK } from './eventBatch.ts';
import { createPostgresEventStore } from './eventStore.ts';
import { openPostgres } from './pool.ts';

/**
 * The PostgreSQL log's side of a retention pass (infra/archive/hotLog.ts): a batched DELETE under
 * the append lock. The freed space is reused by later rows once (auto)vacuum has seen it; the pass
 * runs a plain VACUUM on `events` after moving, which takes no lock that blocks appends or reads.
 */
export function createPostgresHotLog(url: string, options: { poolSize?: number } = {}): HotLog {
  // The store creates the tables (archive_moved included) before its first read.
  const store = createPostgresEventStore(url, options);
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  const ready = async () => void (await store.headPosition());

  return {
    async scan(after, limit) {
      await ready();
      const { rows } = await pool.query<{ position: string; stream: string; recorded_at: Date }>(
        'SELECT position, stream, recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT $2',
        [after, limit],
      );
      return rows.map((r) => ({ position: Number(r.position), stream: r.stream, recordedAt: r.recorded_at.getTime() }));
    },
    readStream: (stream) => store.readStream(stream),
    headPosition: () => store.headPosition(),
    async remove(moved, now) {
      if (moved.length === 0) return 0;
      await ready();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
        const names = moved.map((m) => m.stream);
        const revisions = moved.map((m) => m.lastRevision);
        const deleted = await client.query(
          'DELETE FROM events e USING unnest($1::text[], $2::int[]) AS m(stream, revision) WHERE e.stream = m.stream AND e.revision <= m.revision',
          [names, revisions],
        );
        await client.query(
          `INSERT INTO archive_moved (stream, revision, moved_at) SELECT stream, revision, $3 FROM unnest($1::text[], $2::int[]) AS m(stream, revision)
           ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, moved_at = EXCLUDED.moved_at`,
          [names, revisions, new Date(now)],
        );
        await client.query('COMMIT');
        return deleted.rowCount ?? 0;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    /**
     * Kept, on PostgreSQL: API processes on other machines may not see the archive files, and
     * this row is then what makes an append to an archived stream continue its revisions (a
     * repeated eventId stays a duplicate on every machine). ~60 bytes a moved stream, against
     * the ~1.7 KB its events took.
     */
    async forgetMoved() {},
    async compact() {
      await ready();
      await pool.query('VACUUM events');
    },
    async bytes() {
      await ready();
      const { rows } = await pool.query<{ n: string }>(`SELECT pg_total_relation_size('events') AS n`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await store.close();
      await shared.close();
    },
  };
}
