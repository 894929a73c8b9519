import fs from 'node:fs';
import type { HotLog, MovedStream, ScannedRow } from '../eventStore/hotLog.ts';
import { openSqlite, retryBusy } from './db.ts';
import { migrateEventLog } from './eventSchema.ts';
import { createSqliteEventStore } from './eventStore.ts';

/** Pages handed back per incremental_vacuum step: short write transactions, so appends wait little. */
const VACUUM_STEP_PAGES = 2_000;

/** The embedded log's side of a retention pass (infra/archive/hotLog.ts). */
export function createSqliteHotLog(file: string): HotLog {
  const store = createSqliteEventStore(file);
  const db = openSqlite(file, { incrementalVacuum: true });
  migrateEventLog(db);
  const scan = db.prepare<[number, number], { position: number; stream: string; recorded_at: number }>(
    'SELECT e.position, s.name AS stream, e.recorded_at FROM events e CROSS JOIN streams s ON s.id = e.stream WHERE e.position > ? ORDER BY e.position LIMIT ?',
  );
  const streamId = db.prepare<[string], { id: number }>('SELECT id FROM streams WHERE name = ?');
  const del = db.prepare<[number, number]>('DELETE FROM events WHERE stream = ? AND revision <= ?');
  const left = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE stream = ?');
  const dropStream = db.prepare<[number]>('DELETE FROM streams WHERE id = ?');
  const mark = db.prepare<[string, number, number]>('INSERT OR REPLACE INTO archive_moved (name, revision, moved_at) VALUES (?, ?, ?)');
  const forget = db.prepare<[number]>('DELETE FROM archive_moved WHERE moved_at < ?');
  const remove = db.transaction((moved: readonly MovedStream[], now: number): number => {
    let removed = 0;
    for (const m of moved) {
      const id = streamId.get(m.stream)?.id;
      mark.run(m.stream, m.lastRevision, now);
      if (id === undefined) continue;
      removed += del.run(id, m.lastRevision).changes;
      // The name row goes too (it is most of what a stream costs beside its events); an append
      // that comes later makes a new one.
      if ((left.get(id)?.n ?? 0) === 0) dropStream.run(id);
    }
    return removed;
  });

  return {
    scan: (after, limit) => retryBusy(() => scan.all(after, limit).map((r): ScannedRow => ({ position: r.position, stream: r.stream, recordedAt: r.recorded_at }))),
    readStream: (stream) => store.readStream(stream),
    headPosition: () => store.headPosition(),
    remove: (moved, now) => retryBusy(() => remove.immediate(moved, now), { deadlineMs: 60_000 }),
    forgetMoved: async (before) => void (await retryBusy(() => forget.run(before), { deadlineMs: 60_000 })),
    async compact() {
      if (Number(db.pragma('auto_vacuum', { simple: true })) !== 2) return; // a file made before: its free pages are reused, not returned
      for (;;) {
        const free = Number(db.pragma('freelist_count', { simple: true }));
        if (free === 0) break;
        await retryBusy(() => db.pragma(`incremental_vacuum(${VACUUM_STEP_PAGES})`), { deadlineMs: 60_000 });
        if (free <= VACUUM_STEP_PAGES) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The WAL holds the vacuumed pages until a checkpoint copies them back and the file shrinks.
      await retryBusy(() => db.pragma('wal_checkpoint(TRUNCATE)'), { deadlineMs: 10_000 }).catch(() => undefined);
    },
    async bytes() {
      let total = 0;
      for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) total += fs.statSync(f).size;
      return total;
    },
    async close() {
      db.close();
      await store.close();
    },
  };
}
