import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.ts';
import { HOST, freePort, portOpen, until } from './net.ts';

const run = promisify(execFile);

/** Debian's server binaries (postgresql-15); PG_BIN overrides. */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/notify` (trust, no password). */
  url: string;
  port: number;
  /** `pg_ctl stop -m <mode>`: `immediate` is a crash (no checkpoint, every session cut at once). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again on the same port and data dir; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (immediate) and removes its files. */
  remove(): Promise<void>;
}

/** Whether this machine can run a private cluster (the binaries are there). */
export function privatePostgresUnavailable(): string | undefined {
  return fs.existsSync(path.join(PG_BIN, 'initdb')) ? undefined : `no PostgreSQL server binaries in ${PG_BIN} (set PG_BIN)`;
}

/**
 * A PostgreSQL cluster of the caller's own (port, data dir, socket dir), so it can be stopped and
 * crashed without touching the shared server. The server refuses to run as root: as root every
 * command runs as the `postgres` user, who owns the files.
 */
export async function startPrivatePostgres(ports: Set<number>): Promise<PrivatePostgres> {
  const port = await freePort(ports);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o755);
  const pg = (bin: string, args: string[], timeout = 60_000) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args], { timeout, cwd: dir }) : run(path.join(PG_BIN, bin), args, { timeout, cwd: dir });
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -c listen_addresses=${HOST} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  const start = async () => {
    await pg('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', opts]);
    if (!(await until(() => portOpen(port), 30_000, 100))) throw new Error(`private PostgreSQL did not open port ${port}`);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pg('pg_ctl', ['stop', '-D', data, '-m', mode, '-w', '-t', '60']).catch(() => undefined);
  };
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await stop('immediate');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onCleanup(`postgres ${dir}`, remove);
  await start();
  await pg('createdb', ['-h', HOST, '-p', String(port), '-U', 'postgres', 'notify']);
  return {
    url: `postgres://postgres@${HOST}:${port}/notify`,
    port,
    stop,
    start,
    async remove() {
      unregister();
      await remove();
    },
  };
}
