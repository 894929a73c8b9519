import { openSqlite, retryBusy } from './db.ts';
import type { Channel } from '../../domain/events.ts';
import type { ScheduleStore, ScheduledTimer, ScheduledEntry } from '../scheduleStore.ts';

interface Row {
  notification_id: string;
  channel: string;
  app_id: string;
  due_at: string;
  traceparent: string | null;
  position: number;
  timer: string | null;
}

/**
 * Embedded adapter: one SQLite file in the data dir. `name` keys the rows so several readers
 * (the dispatcher, the workflow, tests, benchmarks) can share one file without seeing each other's state.
 */
export function createSqliteScheduleStore(file: string, name: string): ScheduleStore {
  const db = openSqlite(file);
  db.exec(`
    CREATE TABLE IF NOT EXISTS dispatcher_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS dispatcher_scheduled (
      name TEXT NOT NULL,
      notification_id TEXT NOT NULL,
      channel TEXT NOT NULL,
      app_id TEXT NOT NULL,
      due_at TEXT NOT NULL,
      traceparent TEXT,
      position INTEGER NOT NULL,
      PRIMARY KEY (name, notification_id)
    );
    CREATE INDEX IF NOT EXISTS dispatcher_scheduled_due ON dispatcher_scheduled (name, due_at);
  `);
  // Added with the workflow timers: files made before them gain the column in place.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(dispatcher_scheduled)').all();
  if (!columns.some((c) => c.name === 'timer')) db.exec('ALTER TABLE dispatcher_scheduled ADD COLUMN timer TEXT');
  const getCp = db.prepare<[string], { position: number }>('SELECT position FROM dispatcher_checkpoint WHERE name = ?');
  const setCp = db.prepare('INSERT INTO dispatcher_checkpoint (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position');
  const upsert = db.prepare(
    `INSERT INTO dispatcher_scheduled (name, notification_id, channel, app_id, due_at, traceparent, position, timer)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, notification_id) DO NOTHING`,
  );
  // ISO-8601 UTC strings of one format sort like the instants they name.
  const selectDue = db.prepare<[string, string, number], Row>('SELECT * FROM dispatcher_scheduled WHERE name = ? AND due_at <= ? ORDER BY due_at LIMIT ?');
  const del = db.prepare('DELETE FROM dispatcher_scheduled WHERE name = ? AND notification_id = ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM dispatcher_scheduled WHERE name = ?');

  return {
    async getCheckpoint() {
      return (await retryBusy(() => getCp.get(name)))?.position ?? 0;
    },
    async setCheckpoint(position) {
      await retryBusy(() => setCp.run(name, position));
    },
    async schedule(e) {
      await retryBusy(() =>
        upsert.run(name, e.notificationId, e.channel, e.appId, new Date(e.dueAt).toISOString(), e.traceparent ?? null, e.position, e.timer ? JSON.stringify(e.timer) : null),
      );
    },
    async due(now, limit) {
      return (await retryBusy(() => selectDue.all(name, now.toISOString(), limit))).map((r): ScheduledEntry => ({
        notificationId: r.notification_id,
        channel: r.channel as Channel,
        appId: r.app_id,
        dueAt: r.due_at,
        position: r.position,
        ...(r.traceparent ? { traceparent: r.traceparent } : {}),
        ...(r.timer ? { timer: JSON.parse(r.timer) as ScheduledTimer } : {}),
      }));
    },
    async remove(notificationId) {
      await retryBusy(() => del.run(name, notificationId));
    },
    async countScheduled() {
      return (await retryBusy(() => count.get(name)))?.n ?? 0;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
