import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED, type Channel } from '../../domain/events.ts';
import { streams, userKey } from '../../domain/streams.ts';
import { logFollowers } from '../../commands/archive.ts';
import { segmentsDir } from '../../infra/archive/catalog.ts';
import { scanSegment } from '../../infra/archive/segment.ts';
import { zstdDecompressSync } from 'node:zlib';
import { checkpointName, currentGeneration, physicalName } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { rebuildReadModel } from '../../projections/rebuild.ts';
import { found, rawDataFiles } from '../helpers/dataFiles.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import type { TestApi } from '../api/helpers.ts';

/**
 * Retention end to end on the embedded stores: notifications sent through the whole platform into
 * the simulator, then `notify archive --older-than 0s` (the CLI, its own process) moves them out
 * of the hot log. The API still answers for them (`"archived": true`), a repeated request is still
 * a duplicate, a rebuild from archive + hot equals the live read models, and after an erasure no
 * archive block, inflated, holds the user's personal data.
 */
const root = path.resolve(import.meta.dirname, '../..');
const EVE = { id: 'ar-eve', email: 'eve.archived@example.com', phone: '+14155550166', ios: 'e8'.repeat(32), param: 'EVE-ARCHIVED-PARAM-5521' };
const KEEP = { id: 'ar-keep', email: 'keep.archived@example.com', phone: '+14155550199', ios: 'c5'.repeat(32), param: 'KEEP-ARCHIVED-PARAM-9902' };
const EVE_STRINGS = [EVE.email, EVE.phone, EVE.ios, EVE.param];
const KEEP_STRINGS = [KEEP.email, KEEP.phone, KEEP.ios, KEEP.param];

let platform: E2ePlatform | undefined;
let api: TestApi;
let sim: TestSim;
const ids: Record<string, Map<Channel, string>> = {};

const cliWith = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin/notify.js'), ...args], {
    cwd: root,
    env: { ...process.env, NOTIFY_DATA_DIR: api.dir, MONGO_URL: '', EVENTSTORE_URL: '', DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
const cli = (...args: string[]) => cliWith({}, ...args);

/** The inflated text of every block of every segment. */
function archiveText(): string {
  const dir = segmentsDir(path.join(api.dir, 'archive'));
  const texts: string[] = [];
  for (const name of fs.readdirSync(dir)) for (const block of scanSegment(path.join(dir, name))) texts.push(zstdDecompressSync(block.body).toString('utf8'));
  return texts.join('\n');
}

/** Every document of the serving generation of every read model, without its generation-specific name. */
async function readModels(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const model of READ_MODELS) {
    const generation = await currentGeneration(api.projectionStore!, model.name);
    const docs = await api.projectionStore!.collection(physicalName(model.name, generation)).find({});
    out[model.name] = docs.map((d) => JSON.stringify(d)).sort();
  }
  return out;
}

beforeAll(async () => {
  platform = await startE2ePlatform('archive', { projections: true });
  api = platform.api;
  sim = platform.sim;
  expect(
    (
      await api.call('PUT', '/v1/templates/ar-all', {
        email: { subject: 'Code', html: '<p>code {{ code }}</p>' },
        sms: { text: 'code {{ code }}' },
        push: { title: 'Code', body: 'code {{ code }}' },
      })
    ).status,
  ).toBe(200);
  const { last } = await sim.messages();
  for (const u of [EVE, KEEP]) {
    expect((await api.call('PUT', `/v1/users/${u.id}`, { email: u.email, phone: u.phone })).status).toBe(200);
    expect((await api.call('POST', `/v1/users/${u.id}/devices`, { token: u.ios, platform: 'ios' })).status).toBe(201);
    const res = await api.call('POST', '/v1/notifications', { eventId: `ar-${u.id}`, userId: u.id, templateId: 'ar-all', params: { code: u.param } });
    expect(res.status).toBe(202);
    ids[u.id] = new Map((res.body.notifications as Array<{ id: string; channel: Channel }>).map((n) => [n.channel, n.id]));
  }
  await waitFor('six messages in the simulator', async () => ((await sim.messages(undefined, last)).messages.length >= 6 ? true : undefined));
  for (const id of [...ids[EVE.id]!.values(), ...ids[KEEP.id]!.values()]) {
    await waitFor(`NotificationSent ${id}`, async () => ((await api.store.readStream(streams.notification(id))).some((e) => e.type === 'NotificationSent') ? true : undefined));
  }
  // The head of the log is a user's event, not a notification's (a pass never moves the head).
  expect((await api.call('PUT', `/v1/users/${KEEP.id}`, { locale: 'en' })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

describe('retention end to end (embedded stores)', () => {
  let live: Record<string, unknown[]>;

  it('notify archive moves the finished notifications and prints its line; --verify checks the segments', async () => {
    const head = await api.store.headPosition();
    await waitFor('projections caught up', async () => (Object.values(api.runner!.positions()).every((p) => p >= head) ? true : undefined));
    live = await readModels();
    // A pass moves nothing a follower (dispatcher, workflow, read model) has not passed.
    await waitFor('every follower past the head', async () => ((await logFollowers(api.config, api.projectionStore!))[0]!.position >= head ? true : undefined));
    const run = cli('archive', '--older-than', '0s');
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.trim().split('\n').at(-1)!;
    expect(line).toMatch(/^archive: moved=\d+ events=\d+ hot_bytes=\d+ archive_bytes=\d+$/);
    expect(Number(/moved=(\d+)/.exec(line)![1])).toBe(6);
    const verify = cli('archive', '--verify');
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/archive verify: segments=1 blocks=1 events=\d+ problems=0/);
    // The hot log no longer holds them.
    const db = new Database(path.join(api.dir, 'events.sqlite'), { readonly: true });
    const hotNotifications = db.prepare(`SELECT COUNT(*) AS n FROM streams WHERE name LIKE 'notification-%'`).get() as { n: number };
    db.close();
    expect(hotNotifications.n).toBe(0);
  }, 60_000);

  it('notify archive refuses a bad --older-than, and a pass without one while LOG_RETENTION is off', () => {
    const bad = cli('archive', '--older-than', 'soon');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--older-than must be a duration');
    const off = cliWith({ LOG_RETENTION: 'off' }, 'archive');
    expect(off.status).not.toBe(0);
    expect(off.stderr).toContain('LOG_RETENTION is off');
  }, 30_000);

  it('GET /v1/notifications/:id, /events and /why answer as before, with "archived": true', async () => {
    for (const [channel, id] of ids[KEEP.id]!) {
      const view = await api.call('GET', `/v1/notifications/${id}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ id, userId: KEEP.id, channel, archived: true, attempts: 1 });
      expect(['sent', 'delivered']).toContain(view.body.status);
      const events = await api.call('GET', `/v1/notifications/${id}/events`);
      expect(events.body.archived).toBe(true);
      expect(events.body.events[0]).toMatchObject({ type: 'NotificationRequested', data: { params: { code: KEEP.param } } });
      const why = await api.call('GET', `/v1/notifications/${id}/why`);
      expect(why.status).toBe(200);
      expect(why.body).toMatchObject({ id, archived: true, decision: { outcome: 'requested' } });
    }
  });

  it('the same eventId again answers the original ids and sends nothing twice', async () => {
    const before = (await sim.messages()).last;
    const again = await api.call('POST', '/v1/notifications', { eventId: `ar-${KEEP.id}`, userId: KEEP.id, templateId: 'ar-all', params: { code: KEEP.param } });
    expect(again.status).toBe(202);
    expect(new Map((again.body.notifications as Array<{ id: string; channel: Channel }>).map((n) => [n.channel, n.id]))).toEqual(ids[KEEP.id]);
    // A fresh request after it: once it is delivered, the duplicate would have been too.
    const fresh = await api.call('POST', '/v1/notifications', { eventId: 'ar-fresh', userId: KEEP.id, templateId: 'ar-all', channels: ['sms'], params: { code: 'fresh' } });
    expect(fresh.status).toBe(202);
    const after = await waitFor('the fresh sms', async () => {
      const m = (await sim.messages(undefined, before)).messages;
      return m.length >= 1 ? m : undefined;
    });
    expect(after).toHaveLength(1);
  });

  it('a rebuild of every read model from archive + hot equals the live read models', async () => {
    const head = await api.store.headPosition();
    await waitFor('projections caught up', async () => (Object.values(api.runner!.positions()).every((p) => p >= head) ? true : undefined));
    const current = await readModels();
    for (const model of READ_MODELS) await rebuildReadModel({ store: api.projectionStore!, eventStore: api.store, model });
    const rebuilt = await readModels();
    expect(rebuilt).toEqual(current);
    // And the archived notifications are in them (not only in what stayed hot).
    expect(JSON.stringify(rebuilt)).toContain(ids[EVE.id]!.get('email'));
    expect(Object.keys(live)).toEqual(Object.keys(rebuilt));
    for (const model of READ_MODELS)
      expect(await api.projectionStore!.getCheckpoint(checkpointName(model.name, await currentGeneration(api.projectionStore!, model.name)))).toBeGreaterThanOrEqual(head);
  }, 60_000);

  it('notify replay reads the archive first, then the hot log, in global order', () => {
    const replay = cli('replay', '--from', '2000-01-01', '--to', '2999-01-01');
    expect(replay.status, replay.stderr).toBe(0);
    const events = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { position: number; streamId: string; archived?: boolean });
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    const archivedStreams = new Set(events.filter((e) => e.archived).map((e) => e.streamId));
    for (const id of ids[EVE.id]!.values()) expect(archivedStreams).toContain(streams.notification(id));
  });

  it("after DELETE /v1/users/:id no archive block holds the user's email, phone, tokens or params, inflated or not", async () => {
    const inflated = archiveText();
    // Sealed before the erasure too: the archive holds what the hot log held.
    for (const s of [...EVE_STRINGS, ...KEEP_STRINGS]) expect(inflated).not.toContain(s);
    expect(inflated).toContain('enc:v1:');
    const eveKey = (await api.keyVault.getMany([userKey(api.appKey, EVE.id)])).get(userKey(api.appKey, EVE.id))!.key;

    expect((await api.call('DELETE', `/v1/users/${EVE.id}`)).status).toBe(204);
    for (const id of ids[EVE.id]!.values()) {
      const events = (await api.call('GET', `/v1/notifications/${id}/events`)).body as { archived: boolean; events: Array<{ data: { params?: object; recipient?: object } }> };
      expect(events.archived).toBe(true);
      expect(events.events[0]!.data.params).toEqual({});
      expect(JSON.stringify(events.events[0]!.data.recipient)).toContain(ERASED);
    }
    for (const id of ids[KEEP.id]!.values()) expect(JSON.stringify((await api.call('GET', `/v1/notifications/${id}/events`)).body)).toContain(KEEP.param);
    expect(archiveText()).not.toContain(EVE.param);
    const index = new Database(path.join(api.dir, 'archive', 'index.sqlite'));
    index.pragma('wal_checkpoint(TRUNCATE)');
    index.close();
    const files = rawDataFiles(api.dir);
    expect([...files.keys()].some((f) => f.startsWith('archive/segments/'))).toBe(true);
    expect(found(files, [...EVE_STRINGS, eveKey])).toEqual([]);
  }, 60_000);
});
