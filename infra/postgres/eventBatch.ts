import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { pgCode } from './pool.ts';
import { ConcurrencyError, meetsExpected, type AppendResult } from '../eventStore/port.ts';
import type { AppendOutcome, PendingAppend } from '../eventStore/groupCommit.ts';
import { compactMetadata } from '../eventStore/metadataCodec.ts';

/** NOTIFY channel; notifications are per database, so one name serves every log. */
export const CHANNEL = 'notify_events_appended';
/**
 * Transaction-level advisory lock every append batch takes before it assigns positions. Advisory
 * locks are per database, so stores in other databases of one cluster do not contend.
 */
export const APPEND_LOCK = 7_204_811_130_001;

const ignore = (): void => undefined;

/** An ERROR (not FATAL or PANIC) from the server: the statement failed and the transaction did not commit. */
const refused = (e: unknown): boolean => pgCode(e) !== undefined && e instanceof Error && 'severity' in e && e.severity === 'ERROR';

/** The PostgreSQL log's group-commit step (groupCommit.ts): one batch of appends, one transaction. */
export function batchWriter(pool: pg.Pool, ready: () => Promise<void>): (batch: readonly PendingAppend[]) => Promise<AppendOutcome[]> {
  /**
   * Writes a batch of appends (groupCommit.ts) in one transaction under the append lock. Every
   * append is checked against the revisions its batch predecessors left (so two appends to one
   * stream behave as if sequential); a refused append is left out whole and takes no position, so
   * positions stay dense, and its neighbours commit.
   *
   * Two round trips, sent as simple queries (values inlined with the driver's escapeLiteral), so
   * the lock is held for one read, one write and the commit: (1) BEGIN, the lock, then the head and
   * the revisions, in a statement of its own whose snapshot includes the previous holder's commit;
   * (2) the rows, the NOTIFY and COMMIT.
   */
  async function write(batch: readonly PendingAppend[]): Promise<AppendOutcome[]> {
    await ready();
    const client = await pool.connect();
    // A connection that dies mid-batch fails the query in hand; its later 'error' event must not crash the process.
    client.on('error', ignore);
    let ok = false;
    try {
      const lit = (v: string) => client.escapeLiteral(v);
      const names = [...new Set(batch.flatMap((p) => p.shares.map((b) => b.stream)))];
      const replies = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK});
         SELECT 0 AS hot, NULL AS stream, MAX(position) AS revision FROM events
         UNION ALL SELECT 1, stream, MAX(revision) FROM events WHERE stream = ANY(ARRAY[${names.map(lit).join(', ')}]::text[]) GROUP BY stream
         UNION ALL SELECT 2, stream, revision FROM archive_moved WHERE stream = ANY(ARRAY[${names.map(lit).join(', ')}]::text[])`,
      )) as unknown as pg.QueryResult<{ hot: number; stream: string | null; revision: string | null }>[];
      const rows = replies.at(-1)!.rows;
      let position = Number(rows.find((r) => r.stream === null)?.revision ?? 0);
      // None of a stream hot: its archived part sets the revision (what a move under this lock
      // recorded, else what the caller read from the archive), so appends continue its revisions.
      const moved = new Map(rows.filter((r) => r.hot === 2).map((r) => [r.stream!, Number(r.revision)]));
      const revisions = new Map(rows.filter((r) => r.hot === 1).map((r) => [r.stream!, Number(r.revision)]));
      for (const p of batch) {
        for (const b of p.shares) {
          if (revisions.has(b.stream)) continue;
          const archived = moved.get(b.stream) ?? b.archivedRevision;
          if (archived !== undefined && archived >= 0) revisions.set(b.stream, archived);
        }
      }
      const now = lit(new Date().toISOString());
      const values: string[] = [];
      const outcomes = batch.map((p): AppendOutcome => {
        const taken = values.length;
        const start = position;
        const results: AppendResult[] = [];
        const undo: [string, number | undefined][] = [];
        for (const { stream, events, expected } of p.shares) {
          const current = revisions.get(stream) ?? -1;
          if (!meetsExpected(expected, current)) {
            // Undo this append's earlier shares: an appendMulti is all or nothing.
            values.length = taken;
            for (const [s, r] of undo)
              if (r === undefined) revisions.delete(s);
              else revisions.set(s, r);
            position = start;
            return { ok: false, error: new ConcurrencyError(stream, expected, current < 0 ? 'no_stream' : current) };
          }
          let revision = current;
          for (const e of events) {
            revision += 1;
            position += 1;
            values.push(
              `(${position}, ${lit(e.id ?? randomUUID())}::uuid, ${lit(stream)}, ${revision}, ${lit(e.type)}, ${lit(JSON.stringify(e.data))}::jsonb, ${lit(JSON.stringify(compactMetadata(e.metadata)))}::jsonb, ${now}::timestamptz)`,
            );
          }
          undo.push([stream, revisions.get(stream)]);
          revisions.set(stream, revision);
          results.push({ nextRevision: revision, position: events.length > 0 ? position : -1 });
        }
        // A share with no events reports the head, as a single empty append does.
        return { ok: true, results: results.map((r) => (r.position < 0 ? { ...r, position } : r)) };
      });
      // The NOTIFY is delivered to every LISTENer when (and only if) the transaction commits.
      await client.query(
        values.length === 0
          ? 'COMMIT'
          : `INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at) VALUES ${values.join(', ')};
             SELECT pg_notify(${lit(CHANNEL)}, ${lit(String(position))}); COMMIT`,
      );
      ok = true;
      return outcomes;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      // The server refused something (a row it cannot take, a deferred check at COMMIT): nothing of
      // the batch committed, so each append is written alone and only the culprit fails. A lost
      // connection proves nothing either way: every caller of the batch gets the error.
      if (refused(e) && batch.length > 1) return writeOneByOne(batch);
      throw e;
    } finally {
      // A connection whose ROLLBACK failed is broken: drop it rather than hand it back.
      const healthy = ok || (await isHealthy(client));
      client.off('error', ignore);
      client.release(!healthy);
    }
  }

  async function writeOneByOne(batch: readonly PendingAppend[]): Promise<AppendOutcome[]> {
    const outcomes: AppendOutcome[] = [];
    for (const p of batch)
      outcomes.push(
        await write([p]).then(
          ([o]) => o!,
          (error: unknown): AppendOutcome => ({ ok: false, error }),
        ),
      );
    return outcomes;
  }

  async function isHealthy(client: pg.PoolClient): Promise<boolean> {
    try {
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  return write;
}
