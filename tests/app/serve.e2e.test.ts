import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology } from '../../infra/rabbit/topology.ts';
import { retryPolicy } from '../../channels/retryPolicy.ts';
import { freePort } from '../helpers/net.ts';
import { AMQP_URL, removeTopology, uniquePrefix, waitFor } from '../helpers/rabbit.ts';

/**
 * `notify serve` as the README runs it, supervised on several processes (SERVE_PROCESSES=3: the
 * projections, the simulator, the main process and one more API + senders): a request goes in,
 * the provider simulator gets every message, the supervisor's ops port answers for all of them,
 * and SIGTERM stops the whole tree.
 */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/notify.js');
let dir: string;
let prefix: string;
let env: NodeJS.ProcessEnv;
let serve: ChildProcess;
let exited: Promise<number | null>;
let api: string;
let sim: string;
let ops: string;
let auth: string;

function descendants(pid: number): Array<{ pid: number; args: string }> {
  const parent = new Map<number, number>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: Array<{ pid: number; args: string }> = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      queue.push(child);
      try {
        out.push({ pid: child, args: fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ') });
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method, headers: { authorization: auth, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-e2e-'));
  prefix = uniquePrefix('serve');
  const [port, opsPort, simPort, simProviderPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  env = {
    ...process.env,
    NOTIFY_DATA_DIR: dir,
    RABBIT_PREFIX: prefix,
    PORT: String(port),
    OPS_PORT: String(opsPort),
    SIM_PORT: String(simPort),
    SIM_PROVIDER_PORT: String(simProviderPort),
    SERVE_PROCESSES: '3',
    LOG_LEVEL: 'warn',
    AMQP_URL,
    MONGO_URL: '',
    EVENTSTORE_URL: '',
    DATABASE_URL: '',
  };
  const created = spawnSync(process.execPath, [bin, 'apps', 'create', 'serve-e2e'], { cwd: root, env, encoding: 'utf8' });
  expect(created.status, created.stderr).toBe(0);
  const { appKey, appSecret } = JSON.parse(created.stdout.trim().split('\n').pop()!) as { appKey: string; appSecret: string };
  auth = `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}`;
  serve = spawn(process.execPath, [bin, 'serve'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  exited = new Promise((resolve) => serve.once('exit', (code) => resolve(code)));
  api = `http://127.0.0.1:${port}`;
  sim = `http://127.0.0.1:${simPort}`;
  ops = `http://127.0.0.1:${opsPort}`;
  await waitFor(
    async () => {
      const ok = await Promise.all(
        [`${api}/healthz`, `${ops}/readyz`, `${sim}/_sim/health`].map((u) =>
          fetch(u).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      return ok.every(Boolean);
    },
    90_000,
    'serve ready',
    250,
  );
}, 120_000);

afterAll(async () => {
  if (serve?.pid) {
    try {
      process.kill(-serve.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await removeTopology(buildTopology({ prefix, retry: retryPolicy() })).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('notify serve, supervised', () => {
  it('runs the planned processes: the dispatcher, the workflow, projections and monitors once, API and senders on n - 1', () => {
    const roles = descendants(serve.pid!)
      .map((p) => p.args.match(/--roles (\S+)/)?.[1])
      .filter((r): r is string => r !== undefined);
    const count = (role: string) => roles.flatMap((r) => r.split(',')).filter((r) => r === role).length;
    expect(count('api')).toBe(2);
    expect(count('senders')).toBe(2);
    for (const single of ['dispatcher', 'workflow', 'monitors', 'projections', 'simulator']) expect(count(single), single).toBe(1);
  });

  it('delivers a request to every user through the simulator, and the ops port answers for every process', async () => {
    const since = ((await (await fetch(`${sim}/_sim/messages?since=0&limit=1`)).json()) as { last: number }).last;
    expect((await call('PUT', `${api}/v1/templates/serve-e2e`, { email: { subject: 'Hi {{ n }}', html: '<p>{{ n }}</p>' } })).status).toBeLessThan(300);
    const users = ['s1', 's2', 's3', 's4'];
    for (const u of users) expect((await call('PUT', `${api}/v1/users/${u}`, { email: `${u}@serve.test` })).status).toBeLessThan(300);
    const res = await call('POST', `${api}/v1/notifications`, { eventId: 'serve-1', userIds: users, templateId: 'serve-e2e', params: { n: 1 }, channels: ['email'] });
    expect(res.status).toBe(202);
    let seen: string[] = [];
    await waitFor(
      async () => {
        const page = (await (await fetch(`${sim}/_sim/messages?since=${since}&limit=100`)).json()) as { messages: Array<{ to?: string; recipient?: string }> };
        seen = page.messages.map((m) => JSON.stringify(m)).filter((m) => users.some((u) => m.includes(`${u}@serve.test`)));
        return seen.length >= users.length;
      },
      60_000,
      'every email at the simulator',
      200,
    );
    expect(seen).toHaveLength(users.length);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(metrics).toMatch(/notify_/);
    expect((await fetch(`${ops}/readyz`)).status).toBe(200);
  }, 90_000);

  it('SIGTERM stops every process of the tree', async () => {
    const children = descendants(serve.pid!).map((p) => p.pid);
    expect(children.length).toBeGreaterThanOrEqual(4);
    process.kill(serve.pid!, 'SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code).not.toBe('timeout');
    // A zombie (state Z) has exited: orphans are reparented to PID 1, which in a container may never reap them.
    const alive = children.filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 40_000);
});
