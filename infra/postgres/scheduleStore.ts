import type { Channel } from '../../domain/events.ts';
import { openPostgres, schemaOnce } from './pool.ts';
import type { ScheduleStore, ScheduledTimer, ScheduledEntry } from '../scheduleStore.ts';

interface Row {
  notification_id: string;
  channel: string;
  app_id: string;
  due_at: Date;
  traceparent: string | null;
  position: string;
  timer: ScheduledTimer | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS dispatcher_checkpoint (name text PRIMARY KEY, position bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS dispatcher_scheduled (
    name text NOT NULL,
    notification_id text NOT NULL,
    channel text NOT NULL,
    app_id text NOT NULL,
    due_at timestamptz NOT NULL,
    traceparent text,
    position bigint NOT NULL,
    PRIMARY KEY (name, notification_id)
  );
  CREATE INDEX IF NOT EXISTS dispatcher_scheduled_due ON dispatcher_scheduled (name, due_at);
  -- Workflow timers (digest closes, timed fallbacks): tables made before them gain the column in place.
  ALTER TABLE dispatcher_scheduled ADD COLUMN IF NOT EXISTS timer jsonb;
`;

/** PostgreSQL adapter (DATABASE_URL): the SQLite adapter's tables, keyed by reader `name` the same way. */
export function createPostgresScheduleStore(url: string, name: string, options: { poolSize?: number } = {}): ScheduleStore {
  const shared = openPostgres(url, options);
  const pool = shared.pool;
  const ready = schemaOnce(pool, SCHEMA);
  const query = async <R extends Record<string, unknown>>(sql: string, params: unknown[]) => {
    await ready();
    return (await pool.query<R>(sql, params)).rows;
  };
  let closed = false;

  return {
    async getCheckpoint() {
      const rows = await query<{ position: string }>('SELECT position FROM dispatcher_checkpoint WHERE name = $1', [name]);
      return Number(rows[0]?.position ?? 0);
    },
    async setCheckpoint(position) {
      await query('INSERT INTO dispatcher_checkpoint (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position', [name, position]);
    },
    async schedule(e) {
      await query(
        `INSERT INTO dispatcher_scheduled (name, notification_id, channel, app_id, due_at, traceparent, position, timer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name, notification_id) DO NOTHING`,
        [name, e.notificationId, e.channel, e.appId, new Date(e.dueAt).toISOString(), e.traceparent ?? null, e.position, e.timer ? JSON.stringify(e.timer) : null],
      );
    },
    async due(now, limit) {
      const rows = await query<Row & Record<string, unknown>>('SELECT * FROM dispatcher_scheduled WHERE name = $1 AND due_at <= $2 ORDER BY due_at LIMIT $3', [
        name,
        now.toISOString(),
        limit,
      ]);
      return rows.map((r): ScheduledEntry => ({
        notificationId: r.notification_id,
        channel: r.channel as Channel,
        appId: r.app_id,
        dueAt: r.due_at.toISOString(),
        position: Number(r.position),
        ...(r.traceparent ? { traceparent: r.traceparent } : {}),
        ...(r.timer ? { timer: r.timer } : {}),
      }));
    },
    async remove(notificationId) {
      await query('DELETE FROM dispatcher_scheduled WHERE name = $1 AND notification_id = $2', [name, notificationId]);
    },
    async countScheduled() {
      const rows = await query<{ n: string }>('SELECT COUNT(*) AS n FROM dispatcher_scheduled WHERE name = $1', [name]);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      await shared.close();
    },
  };
}
