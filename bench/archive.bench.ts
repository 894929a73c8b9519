/**
 * What retention costs and saves, without the rest of the platform: N email notifications as the
 * platform writes them (request with sealed recipient and params, sent, delivered; plus the
 * eventId index that stays hot), then one pass moving them all. Prints the hot log before and
 * after, the archive's bytes per notification (segments alone, and with the index), the pass's
 * rate, and reads of archived notifications through the read-through store.
 *
 *   node bench/archive.bench.ts [--notifications N] [--store sqlite|postgres]
 *
 * The last line is machine-readable:
 *   archive-bench: notifications=<n> pass=<n>/s hot_before=<bytes> hot_after=<bytes> archive_per_notification=<bytes> segments_per_notification=<bytes>
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { archiveFinishedNotifications } from '../commands/archive.ts';
import type { EventMetadata } from '../domain/events.ts';
import { segmentsDir } from '../infra/archive/catalog.ts';
import { createArchiveReader } from '../infra/archive/reader.ts';
import { withArchive } from '../infra/archive/readThrough.ts';
import type { HotLog } from '../infra/eventStore/hotLog.ts';
import { withPersonalDataEncryption } from '../infra/eventStore/personalData.ts';
import type { EventStore, StreamAppend } from '../infra/eventStore/port.ts';
import { createSqliteKeyVault } from '../infra/sqlite/keyVault.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { createSqliteHotLog } from '../infra/sqlite/archiveHot.ts';

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const count = Number(option('--notifications') ?? 20_000);
const backend = option('--store') ?? 'sqlite';
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? NaN;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-bench-'));
const file = path.join(dir, 'events.sqlite');
let raw: EventStore;
let hot: HotLog;
let drop: (() => Promise<void>) | undefined;
if (backend === 'postgres') {
  const { createTestDatabase } = await import('../tests/helpers/postgres.ts');
  const { createPostgresEventStore } = await import('../infra/postgres/eventStore.ts');
  const { createPostgresHotLog } = await import('../infra/postgres/archiveHot.ts');
  const db = await createTestDatabase();
  drop = () => db.drop();
  raw = createPostgresEventStore(db.url);
  hot = createPostgresHotLog(db.url);
} else {
  raw = createSqliteEventStore(file);
  hot = createSqliteHotLog(file);
}
const vault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
const store = withPersonalDataEncryption(withArchive(raw, createArchiveReader(path.join(dir, 'archive'))), vault);

const meta = (): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  appId: 'app_0123456789abcdef01234567',
  traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().slice(0, 16).replace('-', '0')}-01`,
});
const ids: string[] = [];
const t0 = Date.now();
for (let i = 0; i < count; i += 100) {
  const batch: StreamAppend[] = [];
  for (let j = i; j < Math.min(count, i + 100); j += 1) {
    const id = randomUUID();
    ids.push(id);
    const at = new Date().toISOString();
    const userId = `user-${j % 5000}`;
    batch.push({
      stream: `event-app_0123456789abcdef01234567-order-${j}`,
      events: [{ type: 'NotificationsLinked', data: { appId: 'app_0123456789abcdef01234567', eventId: `order-${j}`, notificationIds: [id], at }, metadata: meta() }],
      expected: 'any',
    });
    batch.push({
      stream: `notification-${id}`,
      expected: 'no_stream',
      events: [
        {
          type: 'NotificationRequested',
          data: {
            notificationId: id,
            appId: 'app_0123456789abcdef01234567',
            eventId: `order-${j}`,
            userId,
            channel: 'email',
            templateId: 'order-shipped',
            templateVersion: 3,
            params: { name: 'Ada Lovelace', orderId: `o-${j}`, total: 42.5, items: ['book', 'lamp'] },
            recipient: { kind: 'email', email: `${userId}@example.test`, locale: 'en-GB' },
            requestedAt: at,
          },
          metadata: meta(),
        },
        {
          type: 'NotificationSent',
          data: { notificationId: id, attempt: 1, provider: 'sendgrid', providerMessageId: `sg-${randomUUID()}`, at, locale: 'en-GB' },
          metadata: meta(),
        },
        { type: 'NotificationDelivered', data: { notificationId: id, provider: 'sendgrid', at }, metadata: meta() },
      ],
    });
  }
  await store.appendMulti(batch);
}
await store.append('app-tail', [{ type: 'AppSecretRotated', data: { appId: 'tail', secretHash: 'x', at: new Date().toISOString() }, metadata: meta() }], 'any');
const checkpoint = () => {
  if (backend !== 'sqlite') return;
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
};
checkpoint();
const hotBefore = await hot.bytes();
console.log(
  `archive bench: ${fmt(count)} notifications (3 events each + the eventId index), store ${backend}, written in ${fmt((Date.now() - t0) / 1000, 1)} s; hot log ${fmt(hotBefore / 1024 / 1024, 1)} MB`,
);

const result = await archiveFinishedNotifications({ hot, dir: path.join(dir, 'archive'), olderThanMs: 0, now: Date.now() + 60_000 });
checkpoint();
const hotAfter = await hot.bytes();
const segments = fs.readdirSync(segmentsDir(path.join(dir, 'archive'))).reduce((n, f) => n + fs.statSync(path.join(segmentsDir(path.join(dir, 'archive')), f)).size, 0);
console.log(
  `pass: moved ${fmt(result.moved)} notifications, ${fmt(result.events)} events in ${fmt(result.ms / 1000, 1)} s (${fmt((result.moved * 1000) / result.ms)}/s); ` +
    `hot log ${fmt(hotBefore / 1024 / 1024, 1)} -> ${fmt(hotAfter / 1024 / 1024, 1)} MB (the eventId index stays); ` +
    `archive ${fmt(result.archiveBytes / 1024 / 1024, 1)} MB = ${fmt(result.archiveBytes / result.moved)} B/notification (segments alone ${fmt(segments / result.moved)} B)`,
);

// Reads through: random archived notifications, the first touching a block inflate it.
const latencies: number[] = [];
for (let i = 0; i < 300; i += 1) {
  const id = ids[Math.floor(Math.random() * ids.length)]!;
  const s = performance.now();
  const events = await store.readStream(`notification-${id}`);
  latencies.push(performance.now() - s);
  if (events.length !== 3 || !events[0]!.archived) throw new Error(`notification ${id} read ${events.length} events`);
}
console.log(
  `read-through of an archived notification: p50 ${fmt(pct(latencies, 50), 2)} ms, p99 ${fmt(pct(latencies, 99), 2)} ms, max ${fmt(Math.max(...latencies), 1)} ms (blocks of 1,000 notifications, 8 kept inflated)`,
);
console.log(
  `archive-bench: notifications=${count} pass=${Math.round((result.moved * 1000) / result.ms)}/s hot_before=${hotBefore} hot_after=${hotAfter} ` +
    `archive_per_notification=${Math.round(result.archiveBytes / result.moved)} segments_per_notification=${Math.round(segments / result.moved)}`,
);
await hot.close();
await store.close();
await vault.close();
await drop?.();
if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
else console.log(dir);
