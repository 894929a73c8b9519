import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createAppAuthenticator, hashSecret, revokeApp, rotateAppSecret, verifySecret } from '../../commands/apps.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { basic, startTestApi, type TestApi } from './helpers.ts';

const run = promisify(execFile);
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const status = async (auth: string) => (await fetch(`${api.url}/v1/users/nobody/preferences`, { headers: { authorization: auth } })).status;

describe('app secrets', () => {
  it('are stored only as a salted scrypt hash that verifies the secret and nothing else', async () => {
    const events = await api.store.readStream(`app-${api.appKey}`);
    expect(JSON.stringify(events)).not.toContain(api.appSecret);
    const hash = await hashSecret('s3cret');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toBe(await hashSecret('s3cret'));
    expect(await verifySecret('s3cret', hash)).toBe(true);
    expect(await verifySecret('s3cret!', hash)).toBe(false);
    expect(await verifySecret('s3cret', 'garbage')).toBe(false);
  });

  it('a rotated secret stops working at once and the new one works', async () => {
    const creds = await createApp(api.store, 'rotating');
    expect(await status(basic(creds.appKey, creds.appSecret))).toBe(404);
    const next = await rotateAppSecret(api.store, creds.appKey);
    expect(await status(basic(creds.appKey, creds.appSecret))).toBe(401);
    expect(await status(basic(next.appKey, next.appSecret))).toBe(404);
  });

  it('a revoked app stops working at once, and cannot be rotated back', async () => {
    const creds = await createApp(api.store, 'revoked');
    expect(await status(basic(creds.appKey, creds.appSecret))).toBe(404);
    await revokeApp(api.store, creds.appKey);
    expect(await status(basic(creds.appKey, creds.appSecret))).toBe(401);
    await expect(rotateAppSecret(api.store, creds.appKey)).rejects.toMatchObject({ code: 'app_revoked' });
  });

  it('pays scrypt once per (app, revision, secret), not once per request', async () => {
    let calls = 0;
    const auth = createAppAuthenticator(api.store, { verify: async (s, h) => (calls++, verifySecret(s, h)) });
    for (let i = 0; i < 5; i++) expect((await auth.authenticate(api.appKey, api.appSecret)).ok).toBe(true);
    expect(calls).toBe(1);
    expect(await auth.authenticate(api.appKey, 'wrong')).toEqual({ ok: false, reason: 'bad_secret' });
    expect(await auth.authenticate('app_ffffffffffffffffffffffff', 'x')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('slows down secret guessing per app key (429) without slowing callers already verified', async () => {
    const auth = createAppAuthenticator(api.store, { verifyRatePerSec: 0.001, verifyBurst: 3 });
    expect((await auth.authenticate(api.appKey, api.appSecret)).ok).toBe(true);
    // Only failures count (the correct secret above spent nothing): three wrong guesses, then 429s.
    expect(await auth.authenticate(api.appKey, 'guess-1')).toEqual({ ok: false, reason: 'bad_secret' });
    expect(await auth.authenticate(api.appKey, 'guess-2')).toEqual({ ok: false, reason: 'bad_secret' });
    expect(await auth.authenticate(api.appKey, 'guess-3')).toEqual({ ok: false, reason: 'bad_secret' });
    expect(await auth.authenticate(api.appKey, 'guess-4')).toMatchObject({ ok: false, reason: 'throttled' });
    expect((await auth.authenticate(api.appKey, api.appSecret)).ok).toBe(true);
  });
});

describe('notify apps create', () => {
  it('prints exactly one JSON line with credentials the API accepts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-cli-'));
    try {
      const bin = path.resolve(import.meta.dirname, '../../bin/notify.js');
      const { stdout } = await run(process.execPath, [bin, 'apps', 'create', 'billing'], { env: { ...process.env, NOTIFY_DATA_DIR: dir } });
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const creds = JSON.parse(lines[0]!) as { appKey: string; appSecret: string };
      expect(Object.keys(creds).sort()).toEqual(['appKey', 'appSecret']);
      const store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
      try {
        const result = await createAppAuthenticator(store).authenticate(creds.appKey, creds.appSecret);
        expect(result).toMatchObject({ ok: true, name: 'billing' });
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notify apps create beside a running platform', () => {
  it('warns when the platform answering at NOTIFY_API_URL keeps its apps elsewhere, and not with its data dir', async () => {
    const platform = await startTestApi();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-cli-'));
    const bin = path.resolve(import.meta.dirname, '../../bin/notify.js');
    const env = { ...process.env, NOTIFY_API_URL: platform.url, NOTIFY_DATA_DIR: elsewhere };
    try {
      // As during the demo: ./data (here: another dir) is not where the platform reads its apps.
      const wrong = await run(process.execPath, [bin, 'apps', 'create', 'lost'], { env });
      expect(JSON.parse(wrong.stdout) as object).toHaveProperty('appKey');
      expect(wrong.stderr).toContain(`warning: the platform at ${platform.url} does not know this app (401)`);
      expect(wrong.stderr).toContain(`the data dir ${elsewhere}`);
      // --data-dir (what the demo prints) wins over NOTIFY_DATA_DIR: the app works at once, and no warning.
      const right = await run(process.execPath, [bin, 'apps', 'create', 'found', '--data-dir', platform.dir], { env });
      expect(right.stderr).toBe('');
      const creds = JSON.parse(right.stdout) as { appKey: string; appSecret: string };
      const res = await fetch(`${platform.url}/v1/users/u1/preferences`, { headers: { authorization: basic(creds.appKey, creds.appSecret) } });
      expect(res.status).not.toBe(401);
    } finally {
      await platform.close();
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
