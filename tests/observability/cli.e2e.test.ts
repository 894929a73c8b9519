import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../commands/apps.ts';
import { createApiClient } from '../../app/demo/client.ts';
import { createWorld, type TestWorld } from './platform.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/notify.js');

let world: TestWorld;
let creds: { appKey: string; appSecret: string };

beforeAll(async () => {
  world = await createWorld('cli');
  // No broker roles: `send` and `status` only need the API and the log.
  const platform = await world.start(['projections', 'api']);
  creds = await createApp(platform.eventStore, 'cli-test');
  const api = createApiClient({ baseUrl: world.apiUrl, ...creds });
  await api.request('PUT', '/v1/users/cli-user', { email: 'cli@example.com' });
  await api.request('PUT', '/v1/templates/cli-template', { email: { subject: 'Hi {{ name }}', html: '<p>Hi {{ name }}</p>' } });
});

afterAll(async () => {
  await world?.close();
});

/** The CLI in this process (its commands only print and throw), so each call costs no Node start-up. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string }> {
  const { buildCli } = await import('../../app/cli/index.ts');
  const saved = { ...process.env };
  Object.assign(process.env, { NOTIFY_API_URL: world.apiUrl, ...env });
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await buildCli()
      .exitOverride()
      .parseAsync(['node', 'notify', ...args]);
    return { stdout };
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
}

describe('notify send / status', () => {
  it('sends one notification through the API with credentials from the environment, then shows its status', async () => {
    const env = { NOTIFY_APP_KEY: creds.appKey, NOTIFY_APP_SECRET: creds.appSecret };
    const sent = await cli(['send', '--user', 'cli-user', '--template', 'cli-template', '--params', '{"name":"Ada"}', '--channels', 'email', '--event-id', 'cli-1'], env);
    const answer = JSON.parse(sent.stdout) as { notifications: Array<{ id: string; userId: string; channel: string }> };
    expect(answer.notifications).toEqual([expect.objectContaining({ userId: 'cli-user', channel: 'email' })]);
    const id = answer.notifications[0]!.id;

    // The same event id again: the same notification, nothing new (deduplication through the CLI).
    const again = JSON.parse(
      (await cli(['send', '--user', 'cli-user', '--template', 'cli-template', '--params', '{"name":"Ada"}', '--channels', 'email', '--event-id', 'cli-1'], env)).stdout,
    ) as typeof answer;
    expect(again.notifications[0]!.id).toBe(id);

    const status = JSON.parse((await cli(['status', id, '--app-key', creds.appKey, '--app-secret', creds.appSecret])).stdout) as {
      id: string;
      channel: string;
      timeline: unknown[];
    };
    expect(status).toMatchObject({ id, channel: 'email' });
    expect(status.timeline.length).toBeGreaterThan(0);
    const events = JSON.parse((await cli(['status', id, '--events'], env)).stdout) as { events: Array<{ type: string }> };
    expect(events.events[0]?.type).toBe('NotificationRequested');
  });

  it('refuses bad input before any request, and reports the API refusal clearly', async () => {
    await expect(cli(['send', '--user', 'u', '--template', 't', '--params', '[1]'], { NOTIFY_APP_KEY: 'k', NOTIFY_APP_SECRET: 's' })).rejects.toThrow(
      '--params must be a JSON object',
    );
    await expect(cli(['send', '--user', 'u', '--template', 't'], { NOTIFY_APP_KEY: '', NOTIFY_APP_SECRET: '' })).rejects.toThrow('app credentials missing');
    // Through the real binary once: the message on stderr and exit code 1.
    await expect(
      run(process.execPath, [bin, 'status', 'no-such-id'], {
        env: { ...process.env, NOTIFY_API_URL: world.apiUrl, NOTIFY_APP_KEY: creds.appKey, NOTIFY_APP_SECRET: creds.appSecret },
        timeout: 60_000,
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('answered 404') });
  });
});
