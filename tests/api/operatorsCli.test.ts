import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../commands/operatorTotp.ts';
import { found, rawDataFiles } from '../helpers/dataFiles.ts';
import { startTestApi, type TestApi } from './helpers.ts';

/** `notify operators ...` on the stores of a running API: what it prints, and that the console then lets (or no longer lets) the account in. */
const root = path.resolve(import.meta.dirname, '../..');
let api: TestApi;
/** What the CLI printed once and must never store in clear. */
const printed: string[] = [];
const notify = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/notify.js'), 'operators', ...args], {
    cwd: root,
    env: { ...process.env, NOTIFY_DATA_DIR: api.dir, MONGO_URL: '', EVENTSTORE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    ...(input !== undefined && { input }),
  });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
};
const json = (out: string) => JSON.parse(out) as Record<string, any>;
const signIn = (body: Record<string, string>) =>
  fetch(`${api.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  api = await startTestApi({ projections: true });
});
afterAll(async () => {
  await api?.close();
});

describe('notify operators', () => {
  it('create prints one JSON line with a generated password (once); the console lets the account in with it', async () => {
    const r = notify(['create', 'Root@Example.com', '--role', 'admin']);
    expect(r.status, r.err).toBe(0);
    expect(r.out.split('\n')).toHaveLength(1);
    const created = json(r.out);
    expect(created).toEqual({
      operatorId: expect.stringMatching(/^op_[0-9a-f]{24}$/),
      email: 'root@example.com',
      role: 'admin',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });
    const res = await signIn({ email: 'root@example.com', password: created.password });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ operator: { role: 'admin' } });

    const withTotp = notify(['create', 'second@example.com', '--role', 'viewer', '--password-stdin', '--totp'], 'a password from stdin\n');
    expect(withTotp.status, withTotp.err).toBe(0);
    const second = json(withTotp.out);
    expect(second.password).toBeUndefined();
    const secret = new URL(second.totpUri).searchParams.get('secret')!;
    expect((await signIn({ email: 'second@example.com', password: 'a password from stdin' })).status).toBe(401);
    expect((await signIn({ email: 'second@example.com', password: 'a password from stdin', totp: totpCode(secret, Date.now()) })).status).toBe(200);

    printed.push(created.password, 'a password from stdin', secret);
  });

  it('list, role, disable, enable and password act on the log at once; errors go to stderr with exit 1', async () => {
    const made = json(notify(['create', 'ops@example.com', '--role', 'viewer']).out);
    expect(json(notify(['role', 'ops@example.com', 'operator']).out)).toEqual({ email: 'ops@example.com', role: 'operator' });
    const list = JSON.parse(notify(['list']).out) as Array<Record<string, unknown>>;
    expect(list.find((o) => o.email === 'ops@example.com')).toMatchObject({ operatorId: made.operatorId, role: 'operator', status: 'active', totp: false });
    expect(JSON.stringify(list)).not.toMatch(/scrypt|password/i);

    expect(json(notify(['disable', 'ops@example.com']).out)).toEqual({ email: 'ops@example.com', status: 'disabled' });
    expect((await signIn({ email: 'ops@example.com', password: made.password })).status).toBe(401);
    const enabled = notify(['enable', 'ops@example.com']);
    expect(enabled.out, enabled.err).toBe(JSON.stringify({ email: 'ops@example.com', status: 'active' }));
    const reset = json(notify(['password', 'ops@example.com']).out);
    expect((await signIn({ email: 'ops@example.com', password: made.password })).status).toBe(401);
    expect((await signIn({ email: 'ops@example.com', password: reset.password })).status).toBe(200);

    const dup = notify(['create', 'ops@example.com', '--role', 'viewer']);
    expect(dup.status).toBe(1);
    expect(dup.err).toMatch(/already exists/);
    const unknown = notify(['role', 'nobody@example.com', 'admin']);
    expect(unknown.status).toBe(1);
    expect(unknown.err).toMatch(/no operator with this email/);
    expect(notify(['create', 'x@example.com', '--role', 'root']).status).not.toBe(0);
  });

  // Last: the check opens the files from a second connection in this process, after which this
  // process's own connection to the log stopped seeing other processes' appends (seen here).
  it('no password or TOTP secret it printed is in any data file', () => {
    expect(printed).toHaveLength(3);
    expect(found(rawDataFiles(api.dir), printed)).toEqual([]);
  });
});
