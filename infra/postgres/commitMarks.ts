import { openPostgres, schemaOnce } from './pool.ts';
import type { CommitMarks } from '../commitMarks.ts';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS commit_marks (committer text PRIMARY KEY, position bigint NOT NULL, beat_at bigint NOT NULL)';

/** PostgreSQL adapter (DATABASE_URL): the SQLite adapter's table, on the process's one pool. */
export function createPostgresCommitMarks(url: string, options: { poolSize?: number } = {}): CommitMarks {
  const shared = openPostgres(url, options);
  const ready = schemaOnce(shared.pool, SCHEMA);
  const query = async <R extends Record<string, unknown>>(sql: string, params: unknown[]) => {
    await ready();
    return shared.pool.query<R>(sql, params);
  };
  let closed = false;
  return {
    async beat(committer, position, at) {
      await query(
        `INSERT INTO commit_marks (committer, position, beat_at) VALUES ($1, $2, $3)
         ON CONFLICT (committer) DO UPDATE SET position = GREATEST(commit_marks.position, excluded.position), beat_at = GREATEST(commit_marks.beat_at, excluded.beat_at)`,
        [committer, position, at.getTime()],
      );
    },
    async get(committer) {
      const row = (await query<{ position: string; beat_at: string }>('SELECT position, beat_at FROM commit_marks WHERE committer = $1', [committer])).rows[0];
      return row && { position: Number(row.position), beatAt: Number(row.beat_at) };
    },
    async prune(before) {
      return (await query('DELETE FROM commit_marks WHERE beat_at < $1', [before.getTime()])).rowCount ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      await shared.close();
    },
  };
}
