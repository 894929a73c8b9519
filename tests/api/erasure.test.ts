import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED, type Channel } from '../../domain/events.ts';
import { streams, userKey } from '../../domain/streams.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { rebuildReadModel } from '../../projections/rebuild.ts';
import { found, rawDataFiles } from '../helpers/dataFiles.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import type { TestApi } from './helpers.ts';

/**
 * Erasure in an append-only log (crypto-shredding), end to end: two users with distinctive
 * contact data, devices and params are sent to through the whole platform into the simulator;
 * one is erased; the projections are rebuilt; then every raw SQLite file of the data directory
 * (WAL checkpointed first) and every API answer is searched for that user's personal data.
 */
const root = path.resolve(import.meta.dirname, '../..');
const EVE = {
  id: 'er-eve',
  email: 'eve.erase-me@example.com',
  phone: '+14155550177',
  ios: 'e7'.repeat(32),
  android: `fcm:${'EveAndroidToken_'.repeat(8)}`,
  param: 'EVE-SECRET-PARAM-7731',
};
const KEEP = {
  id: 'er-keep',
  email: 'keep.me@example.com',
  phone: '+14155550188',
  ios: 'c4'.repeat(32),
  android: `fcm:${'KeepAndroidTokn_'.repeat(8)}`,
  param: 'KEEP-PARAM-4410',
};
const EVE_STRINGS = [EVE.email, EVE.phone, EVE.ios, EVE.android, EVE.param];
const KEEP_STRINGS = [KEEP.email, KEEP.phone, KEEP.ios, KEEP.android, KEEP.param];

let platform: E2ePlatform | undefined;
let api: TestApi;
let sim: TestSim;
const ids: Record<string, Map<Channel, string>> = {};
let eveKey: Buffer;

beforeAll(async () => {
  platform = await startE2ePlatform('erasure', { projections: true });
  api = platform.api;
  sim = platform.sim;
  expect(
    (
      await api.call('PUT', '/v1/templates/er-all', {
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
    expect((await api.call('POST', `/v1/users/${u.id}/devices`, { token: u.android, platform: 'android' })).status).toBe(201);
    expect((await api.call('PUT', `/v1/users/${u.id}/preferences`, { channels: { email: true }, categories: { news: { sms: false } } })).status).toBe(200);
    const res = await api.call('POST', '/v1/notifications', { eventId: `er-${u.id}`, userId: u.id, templateId: 'er-all', params: { code: u.param } });
    expect(res.status).toBe(202);
    ids[u.id] = new Map((res.body.notifications as Array<{ id: string; channel: Channel }>).map((n) => [n.channel, n.id]));
    expect([...ids[u.id]!.keys()].sort()).toEqual(['android', 'email', 'ios', 'sms']);
  }
  // Through the platform to the simulator: eight messages, each recorded as sent.
  await waitFor('eight messages in the simulator', async () => ((await sim.messages(undefined, last)).messages.length >= 8 ? true : undefined));
  for (const id of [...ids[EVE.id]!.values(), ...ids[KEEP.id]!.values()]) {
    await waitFor(`NotificationSent ${id}`, async () => ((await api.store.readStream(streams.notification(id))).some((e) => e.type === 'NotificationSent') ? true : undefined));
  }
  eveKey = (await api.keyVault.getMany([userKey(api.appKey, EVE.id)])).get(userKey(api.appKey, EVE.id))!.key;
  expect(eveKey).toHaveLength(32);
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

/** Every answer the API gives about the users and their notifications, as text. */
async function apiAnswers(): Promise<string> {
  const out: unknown[] = [];
  for (const u of [EVE, KEEP]) {
    for (const p of [`/v1/users/${u.id}`, `/v1/users/${u.id}/preferences`]) out.push((await api.call('GET', p)).body);
    for (const id of ids[u.id]!.values()) {
      out.push((await api.call('GET', `/v1/notifications/${id}`)).body);
      out.push((await api.call('GET', `/v1/notifications/${id}/events`)).body);
    }
  }
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  out.push((await api.call('GET', `/v1/analytics/summary?from=${from}&to=${to}`)).body);
  return JSON.stringify(out);
}

describe('DELETE /v1/users/:userId (crypto-shredding)', () => {
  it('before erasure the personal data is sealed in the log and still readable through the platform', async () => {
    const db = new Database(path.join(api.dir, 'events.sqlite'), { readonly: true });
    const raw = JSON.stringify(db.prepare('SELECT data FROM events').all());
    db.close();
    for (const s of [...EVE_STRINGS, ...KEEP_STRINGS]) expect(raw).not.toContain(s);
    expect(raw).toContain('enc:v1:');
    const answers = await apiAnswers();
    for (const s of [...EVE_STRINGS, ...KEEP_STRINGS]) expect(answers).toContain(s);
  });

  it('erases one user: 404 everywhere after, nothing of theirs in any file or answer, the other user intact', async () => {
    const erase = await api.call('DELETE', `/v1/users/${EVE.id}`);
    expect(erase.status).toBe(204);
    const stream = await api.store.readStream(streams.user(api.appKey, EVE.id));
    expect(stream.at(-1)?.type).toBe('UserErased');

    // 404 on every route, and it stays erased (a PUT does not bring the user back).
    const after = [
      await api.call('GET', `/v1/users/${EVE.id}`),
      await api.call('GET', `/v1/users/${EVE.id}/preferences`),
      await api.call('PUT', `/v1/users/${EVE.id}/preferences`, { channels: {} }),
      await api.call('POST', `/v1/users/${EVE.id}/devices`, { token: EVE.ios, platform: 'ios' }),
      await api.call('DELETE', `/v1/users/${EVE.id}/devices/${EVE.ios}`),
      await api.call('PUT', `/v1/users/${EVE.id}`, { email: EVE.email }),
      await api.call('DELETE', `/v1/users/${EVE.id}`),
    ];
    expect(after.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    // Notifications to them are suppressed as to an unknown user.
    const again = await api.call('POST', '/v1/notifications', { eventId: 'er-after', userId: EVE.id, templateId: 'er-all', params: { code: EVE.param } });
    const suppressed = again.body.notifications as Array<{ id: string; status: string }>;
    expect(suppressed.length).toBeGreaterThan(0);
    for (const n of suppressed) {
      expect(n.status).toBe('suppressed');
      expect((await api.call('GET', `/v1/notifications/${n.id}`)).body.reason).toBe('no_contact');
    }

    // Rebuilt projections (every read model, from the whole log) after the live ones caught up.
    const head = await api.store.headPosition();
    await waitFor('projections caught up', async () => (Object.values(api.runner!.positions()).every((p) => p >= head) ? true : undefined));
    for (const model of READ_MODELS) await rebuildReadModel({ store: api.projectionStore!, eventStore: api.store, model });

    // Every API answer: nothing of Eve; Keep's data all there; Eve's notifications keep their statuses and timelines.
    const answers = await apiAnswers();
    for (const s of EVE_STRINGS) expect(answers).not.toContain(s);
    for (const s of KEEP_STRINGS) expect(answers).toContain(s);
    for (const [channel, id] of ids[EVE.id]!) {
      const view = (await api.call('GET', `/v1/notifications/${id}`)).body;
      expect(view).toMatchObject({ id, userId: EVE.id, channel, status: 'sent', attempts: 1 });
      const events = (await api.call('GET', `/v1/notifications/${id}/events`)).body.events as Array<{
        type: string;
        data: { params?: object; recipient?: Record<string, unknown> };
      }>;
      expect(events.map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationSent']);
      expect(events[0]!.data.params).toEqual({});
      expect(JSON.stringify(events[0]!.data.recipient)).toContain(ERASED);
    }
    const keep = (await api.call('GET', `/v1/users/${KEEP.id}`)).body;
    expect(keep).toMatchObject({ email: KEEP.email, phone: KEEP.phone });
    expect(keep.devices).toHaveLength(2);

    // A replay of the whole log (the CLI, with its own connection to the key vault).
    const replay = spawnSync(process.execPath, [path.join(root, 'bin/notify.js'), 'replay', '--from', '2000-01-01', '--to', '2999-01-01'], {
      cwd: root,
      env: { ...process.env, NOTIFY_DATA_DIR: api.dir, MONGO_URL: '', EVENTSTORE_URL: '', DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(replay.status, replay.stderr).toBe(0);
    for (const s of EVE_STRINGS) expect(replay.stdout).not.toContain(s);
    for (const s of KEEP_STRINGS) expect(replay.stdout).toContain(s);
    expect(replay.stdout).toContain('"type":"UserErased"');

    // The raw bytes of every file in the data directory: the log, the projections, the dispatcher's
    // state, the key vault (where Eve's key itself must be gone), WAL files checkpointed first.
    const files = rawDataFiles(api.dir);
    expect([...files.keys()].sort()).toEqual(expect.arrayContaining(['events.sqlite', 'projections.sqlite', 'dispatcher.sqlite', 'keys.sqlite']));
    expect(found(files, [...EVE_STRINGS, eveKey])).toEqual([]);
    // The searches can find something: Keep's key is still in the vault file.
    const keepKey = (await api.keyVault.getMany([userKey(api.appKey, KEEP.id)])).get(userKey(api.appKey, KEEP.id))!.key;
    expect(found(files, [keepKey])).toEqual([`keys.sqlite: ${keepKey.toString('hex')}`]);
  }, 120_000);

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths['/v1/users/{userId}']?.delete).toBeDefined();
  });
});
