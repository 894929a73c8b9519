import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../commands/handle.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/** `notify redrive` on the stores of a running API: dry run, the redrive, the same redrive again. */
const root = path.resolve(import.meta.dirname, '../..');
let api: TestApi;
let id: string;
const notify = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin/notify.js'), ...args], {
    cwd: root,
    env: { ...process.env, NOTIFY_DATA_DIR: api.dir, MONGO_URL: '', EVENTSTORE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
  });

beforeAll(async () => {
  api = await startTestApi({ projections: true });
  await api.call('PUT', '/v1/templates/t', { email: { subject: 'S', html: '<p>x</p>' } });
  await api.call('PUT', '/v1/users/u', { email: 'u@example.com' });
  id = (await api.call('POST', '/v1/notifications', { eventId: 'e1', userId: 'u', templateId: 't' })).body.notifications[0].id;
  await handleCommand(
    api.store,
    notificationDecider,
    `notification-${id}`,
    {
      type: 'RecordAttemptOutcome',
      data: { notificationId: id, attempt: 1, provider: 'sendgrid', at: new Date().toISOString(), outcome: { kind: 'failed', reason: 'permanent', code: '400', message: 'bad' } },
    },
    { correlationId: 't', causationId: 't', appId: 'sender' },
  );
  await api.runner!.waitFor(await api.store.headPosition());
});
afterAll(async () => {
  await api?.close();
});

describe('notify redrive', () => {
  it('dry run, redrive, and the same redrive again doing nothing', async () => {
    const window = ['--app', api.appKey, '--from', new Date(Date.now() - 60_000).toISOString(), '--to', new Date(Date.now() + 60_000).toISOString(), '--no-parked'];
    const dry = notify('redrive', ...window, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ matched: 1, redriven: 0, dryRun: true });
    const types = async () => (await api.store.readStream(`notification-${id}`)).map((e) => e.type);
    expect(await types()).not.toContain('NotificationRedriven');

    const run = notify('redrive', ...window);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ matched: 1, redriven: 1, repeated: false });
    expect(run.stderr).toContain('1/1 notifications');
    expect((await types()).at(-1)).toBe('NotificationRedriven');
    expect((await api.call('GET', `/v1/notifications/${id}`)).body.status).toBe('pending');

    const again = notify('redrive', ...window);
    expect(JSON.parse(again.stdout)).toMatchObject({ matched: 1, redriven: 0, repeated: true });
    expect((await types()).filter((t) => t === 'NotificationRedriven')).toHaveLength(1);

    const bad = notify('redrive', '--app', 'nope', '--from', '2026-01-01', '--to', '2026-01-02');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('is not an app key');
  }, 60_000);
});
