import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { segmentsDir } from '../../infra/archive/catalog.ts';
import type { HotLog } from '../../infra/eventStore/hotLog.ts';
import { runArchivePass } from '../../infra/archive/pass.ts';
import { createArchiveReader } from '../../infra/archive/reader.ts';
import { withArchive } from '../../infra/archive/readThrough.ts';
import { verifyArchive } from '../../infra/archive/verify.ts';
import { ConcurrencyError, type EventStore, type NewEvent, type RecordedEvent } from '../../infra/eventStore/port.ts';
import { meta } from '../contracts/eventStore.contract.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { physicalName } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { rebuildReadModel } from '../../projections/rebuild.ts';
import { ARCHIVABLE_PREFIX, finalNotification } from '../../commands/archive.ts';

export interface ArchiveFixture {
  /** A fresh, empty hot log: the raw store and the pass's view of it. */
  open(): Promise<{ raw: EventStore; hot: HotLog; cleanup(): Promise<void> }>;
}

/** An event whose `secretHash` says whether its stream is finished (the suite's stand-in for a final status). */
export const ev = (n: number, final = false): NewEvent => ({
  type: 'AppSecretRotated',
  data: { appId: 'a', secretHash: final ? 'final' : `h${n}`, at: '2026-01-01T00:00:00.000Z' },
  metadata: meta(),
});
export const finished = (events: readonly RecordedEvent[]): boolean => events.some((e) => e.type === 'AppSecretRotated' && e.data.secretHash === 'final');
const plain = (events: readonly RecordedEvent[]) => events.map(({ archived: _a, ...e }) => e);

/** Seven finished notification streams, three unfinished, a user stream each, and a tail holding the head. */
export async function seed(raw: EventStore): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await raw.append(`notification-n${i}`, [ev(0), ev(1, i < 7)], 'no_stream');
    await raw.append(`user-u${i}`, [ev(2)], 'no_stream');
  }
  await raw.append('app-tail', [ev(3)], 'no_stream');
}

/** Notifications as the platform writes them: sent and delivered, suppressed, failed, and one still pending. */
export async function seedNotifications(raw: EventStore, count: number): Promise<void> {
  const base = (i: number) => ({ notificationId: `n${i}`, appId: 'app1', eventId: `e${i}`, userId: `u${i % 3}`, channel: 'email' as const, templateId: 't' });
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();
  for (let i = 0; i < count; i += 1) {
    const requested: NewEvent = {
      type: 'NotificationRequested',
      data: { ...base(i), templateVersion: 1, params: { k: i }, recipient: { kind: 'email', email: `u${i}@example.test` }, requestedAt: at(i) },
      metadata: meta(),
    };
    const events: NewEvent[] =
      i % 4 === 0
        ? [{ type: 'NotificationSuppressed', data: { ...base(i), reason: 'opted_out', at: at(i) }, metadata: meta() }]
        : i % 4 === 1
          ? [
              requested,
              { type: 'NotificationSent', data: { notificationId: `n${i}`, attempt: 1, provider: 'sim', providerMessageId: `m${i}`, at: at(i + 1) }, metadata: meta() },
              { type: 'NotificationDelivered', data: { notificationId: `n${i}`, provider: 'sim', at: at(i + 2) }, metadata: meta() },
            ]
          : i % 4 === 2
            ? [requested, { type: 'NotificationFailed', data: { notificationId: `n${i}`, attempt: 3, reason: 'exhausted', at: at(i + 1) }, metadata: meta() } as NewEvent]
            : [requested];
    await raw.append(`notification-n${i}`, events, 'no_stream');
  }
  await raw.append('app-tail', [ev(9)], 'no_stream');
}

/** Retention on one hot log: the pass, the read-through, appends after a move, verification. */
export function archiveSuite(name: string, fixture: ArchiveFixture): void {
  describe(`archive (${name})`, () => {
    let dir: string;
    let raw: EventStore;
    let hot: HotLog;
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const pass = (o: { streamsPerBlock?: number } = {}) =>
      runArchivePass({ hot, dir, cutoff: Date.now() + 60_000, prefix: 'notification-', eligible: finished, streamsPerBlock: o.streamsPerBlock ?? 3 });

    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-'));
      ({ raw, hot, cleanup } = await fixture.open());
      store = withArchive(raw, createArchiveReader(path.join(dir, 'archive')));
      dir = path.join(dir, 'archive');
    });
    afterEach(async () => {
      await hot.close();
      await store.close();
      await cleanup();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    });

    it('moves finished notification streams only; the log still reads whole, in global order, archived events marked', async () => {
      await seed(raw);
      const before = await store.readAll();
      const head = await store.headPosition();
      const result = await pass();
      expect(result).toMatchObject({ moved: 7, events: 14, blocks: 3 });
      expect(result.archiveBytes).toBeGreaterThan(0);
      expect(await raw.readStream('notification-n0')).toEqual([]);
      expect(await raw.readStream('notification-n8')).toHaveLength(2);
      expect(await raw.readStream('user-u0')).toHaveLength(1);

      const after = await store.readAll();
      expect(plain(after)).toEqual(before);
      expect(after.filter((e) => e.archived).map((e) => e.streamId)).toEqual(before.filter((e) => /notification-n[0-6]$/.test(e.streamId)).map((e) => e.streamId));
      // Pages of the merged log are the same pages.
      const paged: RecordedEvent[] = [];
      for (let page = await store.readAll({ limit: 4 }); page.length > 0; page = await store.readAll({ after: page.at(-1)!.position, limit: 4 })) paged.push(...page);
      expect(plain(paged)).toEqual(before);
      expect(await store.headPosition()).toBe(head);
      const n3 = await store.readStream('notification-n3');
      expect(plain(n3)).toEqual(before.filter((e) => e.streamId === 'notification-n3'));
      expect(n3.every((e) => e.archived)).toBe(true);
      expect(plain(await store.readStream('notification-n3', { fromRevision: 1 }))).toEqual(before.filter((e) => e.streamId === 'notification-n3' && e.revision === 1));

      // A subscription from the start (a rebuild) sees archive and hot in one order.
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ onEvent: (e) => void seen.push(e) });
      await sub.caughtUp;
      await sub.close();
      expect(plain(seen)).toEqual(before);

      // A second pass finds nothing more, and every block checks out.
      expect(await pass()).toMatchObject({ moved: 0, events: 0 });
      expect(verifyArchive(dir)).toMatchObject({ blocks: 3, events: 14, problems: [] });
    });

    it('an append to an archived stream continues its revisions; "no stream" still conflicts (dedup); a later pass moves the rest', async () => {
      await seed(raw);
      await pass();
      await expect(store.append('notification-n1', [ev(9)], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append('notification-n1', [ev(9)], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.append('notification-n1', [ev(9)], 1)).nextRevision).toBe(2);
      expect((await store.append('notification-n1', [], 2)).nextRevision).toBe(2);
      const three = await store.readStream('notification-n1');
      expect(three.map((e) => [e.revision, e.archived ?? false])).toEqual([
        [0, true],
        [1, true],
        [2, false],
      ]);
      // Keep the head off the stream, then move its hot part too: two blocks, one stream.
      await raw.append('app-tail', [ev(4)], 'any');
      expect(await pass()).toMatchObject({ moved: 1, events: 1 });
      expect((await store.readStream('notification-n1')).map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(await raw.readStream('notification-n1')).toEqual([]);
      expect((await store.append('notification-n1', [ev(10)], 2)).nextRevision).toBe(3);
    });

    it('never moves the stream holding the head of the log, nor anything recorded after the cutoff', async () => {
      await raw.append('notification-last', [ev(0, true)], 'no_stream');
      expect(await pass()).toMatchObject({ moved: 0 });
      await raw.append('notification-new', [ev(0, true)], 'no_stream');
      await raw.append('app-tail', [ev(1)], 'no_stream');
      const early = await runArchivePass({ hot, dir, cutoff: Date.now() - 60_000, prefix: 'notification-', eligible: finished });
      expect(early.moved).toBe(0);
      expect(await pass()).toMatchObject({ moved: 2 });
    });

    it('a rebuild of every read model from archive + hot equals one from the whole hot log', async () => {
      await seedNotifications(raw, 24);
      const projections = createSqliteProjectionStore(path.join(path.dirname(dir), 'projections.sqlite'));
      const docs = async () => {
        const out: Record<string, string[]> = {};
        for (const model of READ_MODELS) {
          const r = await rebuildReadModel({ store: projections, eventStore: store, model, batchSize: 7 });
          out[model.name] = (await projections.collection(physicalName(model.name, r.generation)).find({})).map((d) => JSON.stringify(d)).sort();
        }
        return out;
      };
      try {
        const live = await docs();
        const moved = await runArchivePass({ hot, dir, cutoff: Date.now() + 60_000, prefix: ARCHIVABLE_PREFIX, eligible: finalNotification, streamsPerBlock: 5 });
        // Suppressed, delivered and failed move; the pending ones stay.
        expect(moved.moved).toBe(18);
        expect(await raw.readStream('notification-n3')).toHaveLength(1);
        const rebuilt = await docs();
        expect(rebuilt).toEqual(live);
        expect(Object.values(live).flat().length).toBeGreaterThan(20);
      } finally {
        await projections.close();
      }
    });

    it('--verify finds a damaged block', async () => {
      await seed(raw);
      await pass({ streamsPerBlock: 100 });
      const [file] = fs.readdirSync(segmentsDir(dir));
      const full = path.join(segmentsDir(dir), file!);
      const bytes = fs.readFileSync(full);
      bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 0xff;
      fs.writeFileSync(full, bytes);
      expect(verifyArchive(dir).problems).toEqual([expect.stringContaining('checksum mismatch')]);
    });
  });
}
