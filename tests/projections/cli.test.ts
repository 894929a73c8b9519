import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { parseIsoTime } from '../../app/cli/projections.ts';
import { currentGeneration } from '../../projections/generations.ts';
import { getNotificationStatus } from '../../projections/queries.ts';
import { streams } from '../../domain/streams.ts';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
const notify = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin/notify.js'), ...args], {
    cwd: root,
    env: { ...process.env, NOTIFY_DATA_DIR: dir, MONGO_URL: '', EVENTSTORE_URL: '' },
    encoding: 'utf8',
  });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proj-cli-'));
  const events = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  const metadata = { correlationId: 'c', causationId: 'c', appId: 'app1' };
  for (const userId of ['u1', 'u2', 'u3']) {
    await events.append(
      streams.user('app1', userId),
      [{ type: 'UserRegistered', data: { userId, contact: { locale: 'fr' }, at: '2026-03-01T10:00:00.000Z' }, metadata }],
      'no_stream',
    );
  }
  await events.close();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('CLI: events, replay, projections rebuild', () => {
  it('parses ISO times strictly', () => {
    expect(parseIsoTime('--from', '2026-03-01')).toBe(Date.parse('2026-03-01'));
    expect(parseIsoTime('--to', '2026-03-01T10:00:00+02:00')).toBe(Date.parse('2026-03-01T08:00:00Z'));
    for (const bad of ['yesterday', '1700000000', '2026-13-01', '2026-03-01 10:00']) expect(() => parseIsoTime('--from', bad)).toThrow(/--from must be an ISO time/);
  });

  it('prints a stream and a time window as JSON lines; bad input is a clear error with exit 1', () => {
    const stream = notify('events', streams.user('app1', 'u2'));
    expect(stream.status).toBe(0);
    expect(
      stream.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).data.userId),
    ).toEqual(['u2']);

    const all = notify('replay', '--from', '2000-01-01', '--to', '2999-01-01T00:00:00Z');
    expect(all.status).toBe(0);
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).position),
    ).toEqual([1, 2, 3]);
    const none = notify('replay', '--from', '2000-01-01', '--to', '2000-01-02');
    expect(none.stdout).toBe('');

    const bad = notify('replay', '--from', 'last week', '--to', '2999-01-01');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--from must be an ISO time');
    const reversed = notify('replay', '--from', '2999-01-01', '--to', '2000-01-01');
    expect(reversed.status).toBe(1);
    expect(reversed.stderr).toContain('--from must be before --to');
  }, 60_000);

  it('rebuilds a named projection into a new generation that serves', async () => {
    const events = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    const requested = {
      type: 'NotificationRequested' as const,
      data: {
        notificationId: 'n1',
        appId: 'app1',
        eventId: 'ev1',
        userId: 'u3',
        channel: 'email' as const,
        templateId: 'welcome',
        templateVersion: 1,
        params: {},
        recipient: { kind: 'email' as const, email: 'u3@example.test' },
        requestedAt: '2026-03-01T10:01:00.000Z',
      },
      metadata: { correlationId: 'c', causationId: 'c', appId: 'app1' },
    };
    await events.append('notification-n1', [requested], 'no_stream');
    await events.close();
    const run = notify('projections', 'rebuild', 'notifications');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ name: 'notifications', generation: 2, position: 4, events: 4 });
    const store = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
    expect(await currentGeneration(store, 'notifications')).toBe(2);
    expect(await getNotificationStatus(store, 'n1')).toMatchObject({ userId: 'u3', appId: 'app1', status: 'pending' });
    await store.close();
    const unknown = notify('projections', 'rebuild', 'nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown projection "nope"');
  }, 60_000);
});
