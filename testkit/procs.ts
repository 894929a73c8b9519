import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isInterrupted, onCleanup } from './cleanup.ts';
import { HOST, http, sleep, until } from './net.ts';

export const REPO = path.resolve(import.meta.dirname, '..');

export interface ProcSpec {
  /** e.g. `api`, `senders`, `serve`, `simulator` */
  name: string;
  /** Omitted: plain `serve`, the supervisor running every role in processes of its own. */
  roles?: string;
  env: Record<string, string>;
  /** GET this URL answers 200 when the process is up */
  healthUrl: string;
  logFile: string;
}

export interface Proc {
  name: string;
  /** Unexpected exits (not the suite's own kill or stop). */
  crashes: number;
  /** Restarts after such an exit (a process supervisor would do the same). */
  supervisedRestarts: number;
  start(): Promise<void>;
  /** SIGKILL; resolves once the process is gone (at most 10 s). */
  kill9(): Promise<void>;
  stop(): Promise<void>;
  pid(): number | undefined;
}

const MAX_SUPERVISED_RESTARTS = 20;

/**
 * One `notify serve --roles ...` process, its output appended to a log file, under a small
 * supervisor: if it exits on its own it is counted as a crash and started again after 1 s
 * (bounded), as systemd or Kubernetes would; the suite's own kill -9 is not a crash.
 */
export function platformProcess(spec: ProcSpec): Proc {
  let child: ChildProcess | undefined;
  let expected = true;
  let stopping = false;
  const self: Proc = {
    name: spec.name,
    crashes: 0,
    supervisedRestarts: 0,
    async start() {
      expected = false;
      const out = fs.openSync(spec.logFile, 'a');
      const c = spawn(process.execPath, ['bin/notify.js', 'serve', ...(spec.roles ? ['--roles', spec.roles] : [])], {
        cwd: REPO,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...spec.env },
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      child = c;
      c.once('exit', (code, signal) => {
        if (child === c) child = undefined;
        // Ctrl-C reaches the children too (same process group): that is not a crash.
        if (expected || stopping || isInterrupted()) return;
        self.crashes += 1;
        fs.appendFileSync(spec.logFile, `\n[faults] ${spec.name} exited on its own (code ${code}, signal ${signal})\n`);
        if (self.supervisedRestarts >= MAX_SUPERVISED_RESTARTS) return;
        self.supervisedRestarts += 1;
        void sleep(1000).then(() => (stopping || child ? undefined : self.start().catch(() => {})));
      });
      const up = await until(
        async () => {
          if (child !== c) return false;
          return (await http('GET', spec.healthUrl, { timeoutMs: 2000 })).status === 200;
        },
        90_000,
        300,
      );
      if (!up && child === c) throw new Error(`${spec.name} did not answer ${spec.healthUrl} within 90 s (log: ${spec.logFile})`);
    },
    async kill9() {
      expected = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await Promise.race([gone, sleep(10_000)]);
    },
    async stop() {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      if (!(await Promise.race([gone.then(() => true), sleep(15_000).then(() => false)]))) {
        c.kill('SIGKILL');
        await Promise.race([gone, sleep(5000)]);
      }
    },
    pid() {
      return child?.pid;
    },
  };
  onCleanup(
    `process ${spec.name}`,
    () => self.stop(),
    () => {
      stopping = true;
      child?.kill('SIGKILL');
    },
  );
  return self;
}

export const healthOf = (port: number, pathname = '/healthz') => `http://${HOST}:${port}${pathname}`;

/** The value of notify_role_active{role} on a process's /metrics (`opsUrl` = http://host:OPS_PORT); undefined: not exported or no answer. */
export async function roleActive(opsUrl: string, role: string): Promise<number | undefined> {
  const r = await http('GET', `${opsUrl}/metrics`, { timeoutMs: 2000 });
  if (r.status !== 200 || typeof r.body !== 'string') return undefined;
  const m = new RegExp(`^notify_role_active\\{role="${role}"\\} (\\d+)$`, 'm').exec(r.body);
  return m ? Number(m[1]) : undefined;
}
