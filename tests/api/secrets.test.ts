import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { startPlatform } from '../../app/main.ts';
import { createApp } from '../../commands/apps.ts';
import { signTrackingToken } from '../../domain/trackingToken.ts';
import { silentLogger } from '../../infra/logger.ts';
import { freePort } from '../helpers/net.ts';
import { basic } from './helpers.ts';

/** Issue 11: no constant TRACKING_SECRET. */
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-secrets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const SENDGRID = { SENDGRID_API_KEY: 'SG.real-key', SENDGRID_FROM: 'no-reply@example.com' };
const base = (dir: string) => ({ NOTIFY_DATA_DIR: dir, PORT: '0', OPS_PORT: '0', SIM_PORT: '0', SIM_PROVIDER_PORT: '0' });

describe('TRACKING_SECRET', () => {
  it('unset in the embedded mode: a random secret is generated at first start, kept 0600 in a 0700 dir, and reused', async () => {
    const dir = tempDir();
    const first = await startPlatform(loadConfig(base(dir)), silentLogger, { roles: ['api'], channels: ['email'] });
    let secret: string;
    try {
      secret = first.config.trackingSecret;
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      const file = path.join(dir, 'secrets', 'tracking-secret');
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(secret);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    } finally {
      await first.stop();
    }
    const again = await startPlatform(loadConfig(base(dir)), silentLogger, { roles: ['api'], channels: ['email'] });
    try {
      expect(again.config.trackingSecret).toBe(secret);
    } finally {
      await again.stop();
    }
    const other = await startPlatform(loadConfig(base(tempDir())), silentLogger, { roles: ['api'], channels: ['email'] });
    try {
      expect(other.config.trackingSecret).not.toBe(secret);
      expect(other.config.trackingSecret).not.toBe('dev-only-tracking-secret-change-me');
    } finally {
      await other.stop();
    }
  });

  it('a configuration with real provider credentials refuses to start without TRACKING_SECRET and a public PUBLIC_URL', async () => {
    const dir = tempDir();
    const start = (env: Record<string, string>) => startPlatform(loadConfig({ ...base(dir), ...SENDGRID, ...env }), silentLogger, { roles: ['api'], channels: ['email'] });
    await expect(start({ PUBLIC_URL: 'https://notify.example.com' })).rejects.toThrow(/refusing to start: channels email send through real providers.*TRACKING_SECRET is not set/);
    await expect(start({ TRACKING_SECRET: 'f'.repeat(64) })).rejects.toThrow(/PUBLIC_URL must be the public/);
    await expect(start({ TRACKING_SECRET: 'f'.repeat(64), PUBLIC_URL: 'http://localhost:3000' })).rejects.toThrow(/PUBLIC_URL must be the public/);
    await expect(start({ TRACKING_SECRET: 'f'.repeat(64), PUBLIC_URL: 'http://127.0.0.1:3000' })).rejects.toThrow(/PUBLIC_URL must be the public/);
    expect(fs.existsSync(path.join(dir, 'secrets'))).toBe(false);
    const ok = await start({ TRACKING_SECRET: 'f'.repeat(64), PUBLIC_URL: 'https://notify.example.com' });
    try {
      expect(ok.config.trackingSecret).toBe('f'.repeat(64));
    } finally {
      await ok.stop();
    }
  });

  it('a link signed with the former constant default is refused; one signed with the generated secret works', async () => {
    const dir = tempDir();
    const port = await freePort();
    const p = await startPlatform(loadConfig({ ...base(dir), PORT: String(port) }), silentLogger, { roles: ['api'], channels: ['email'] });
    try {
      const { appKey, appSecret } = await createApp(p.eventStore, 'a');
      const call = (method: string, route: string, body: unknown) =>
        fetch(`http://127.0.0.1:${port}${route}`, { method, headers: { authorization: basic(appKey, appSecret), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await call('PUT', '/v1/templates/t', { email: { subject: 's', html: 'h' } });
      await call('PUT', '/v1/users/u', { email: 'u@example.com' });
      const id = ((await (await call('POST', '/v1/notifications', { eventId: 'e', userId: 'u', templateId: 't' })).json()) as { notifications: Array<{ id: string }> })
        .notifications[0]!.id;
      const t = Math.floor(Date.now() / 1000);
      const unsubscribe = (secret: string) => fetch(`http://127.0.0.1:${port}/t/${signTrackingToken({ n: id, k: 'unsubscribe', t }, secret)}`, { method: 'POST' });
      expect((await unsubscribe('dev-only-tracking-secret-change-me')).status).toBe(404);
      expect((await unsubscribe(p.config.trackingSecret)).status).toBe(200);
    } finally {
      await p.stop();
    }
  });
});
