import { openSqlite, retryBusy } from './db.ts';
import type { CommitMarks } from '../commitMarks.ts';

/** Embedded adapter: one small file in the data dir, shared by every process of the installation. */
export function createSqliteCommitMarks(file: string): CommitMarks {
  const db = openSqlite(file);
  db.exec('CREATE TABLE IF NOT EXISTS commit_marks (committer TEXT PRIMARY KEY, position INTEGER NOT NULL, beat_at INTEGER NOT NULL)');
  const upsert = db.prepare(
    `INSERT INTO commit_marks (committer, position, beat_at) VALUES (?, ?, ?)
     ON CONFLICT (committer) DO UPDATE SET position = MAX(position, excluded.position), beat_at = MAX(beat_at, excluded.beat_at)`,
  );
  const select = db.prepare<[string], { position: number; beat_at: number }>('SELECT position, beat_at FROM commit_marks WHERE committer = ?');
  const del = db.prepare('DELETE FROM commit_marks WHERE beat_at < ?');
  return {
    async beat(committer, position, at) {
      await retryBusy(() => upsert.run(committer, position, at.getTime()));
    },
    async get(committer) {
      const row = await retryBusy(() => select.get(committer));
      return row && { position: row.position, beatAt: row.beat_at };
    },
    async prune(before) {
      return (await retryBusy(() => del.run(before.getTime()))).changes;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
