import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.ts';
import { HOST, freePort, portOpen, until } from './net.ts';

const run = promisify(execFile);

export interface PrivateBroker {
  url: string;
  node: string;
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** SIGKILL to the node's Erlang VM: no clean shutdown, queues recover from their files on restart. */
  kill9(): Promise<void>;
  /** Starts the node again on the same name, ports and data dir. */
  restart(): Promise<void>;
  /** Stops the node and removes its files. */
  remove(): Promise<void>;
}

/**
 * A RabbitMQ node of the suite's own (name, ports, data and log dirs), so the broker can be
 * stopped and killed without touching the shared one. Same recipe as the private node of
 * tests/helpers/rabbit.ts, plus kill -9 and restart; kept here so the suite uses no test code.
 */
export async function startPrivateBroker(ports: Set<number>): Promise<PrivateBroker> {
  const port = await freePort(ports);
  const distPort = await freePort(ports);
  const node = `notifyfaults${randomBytes(3).toString('hex')}@localhost`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-faults-rmq-'));
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = ${HOST}:${port}\n`);
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  fs.writeFileSync(path.join(dir, 'env.conf'), '');
  // The server scripts drop to the rabbitmq user when run as root: it must own the node's files.
  if (process.getuid?.() === 0) await run('chown', ['-R', 'rabbitmq:rabbitmq', dir]).catch(() => {});
  fs.chmodSync(dir, 0o755);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: path.join(dir, 'pid'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'env.conf'),
  };
  const ctl = (...args: string[]) => run('rabbitmqctl', ['-n', node, '-q', ...args], { env, timeout: 60_000 });
  const vmPid = async (): Promise<number | undefined> => {
    let fromFile = 0;
    try {
      fromFile = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim());
    } catch {
      // no pid file: ask the node
    }
    if (Number.isInteger(fromFile) && fromFile > 0) return fromFile;
    const { stdout } = await ctl('eval', 'os:getpid().');
    const n = Number(stdout.replace(/\D/g, ''));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const boot = async () => {
    await run('rabbitmq-server', ['-detached'], { env, timeout: 30_000 });
    // `await_startup` right after -detached fails at once: poll the AMQP port instead.
    if (!(await until(() => portOpen(port), 90_000, 250))) throw new Error(`private RabbitMQ node ${node} did not open port ${port} within 90 s`);
  };
  const killSync = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await ctl('stop').catch(() => killSync());
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onCleanup(`broker ${node}`, remove, () => {
    killSync();
    try {
      execFileSync('rm', ['-rf', dir]);
    } catch {
      // best effort on exit
    }
  });
  await boot();
  return {
    url: `amqp://guest:guest@${HOST}:${port}`,
    node,
    async stopApp() {
      await ctl('stop_app');
    },
    async startApp() {
      await ctl('start_app');
      if (!(await until(() => portOpen(port), 60_000, 100))) throw new Error('private RabbitMQ listener did not come back after start_app');
    },
    async kill9() {
      const pid = await vmPid();
      if (pid === undefined) throw new Error('cannot find the private node pid');
      process.kill(pid, 'SIGKILL');
      await until(async () => !(await portOpen(port)), 10_000, 100);
    },
    async restart() {
      await boot();
    },
    async remove() {
      unregister();
      await remove();
    },
  };
}
