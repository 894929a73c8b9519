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
  port: number;
  /** The management plugin's base URL (credentials guest/guest), when started with `management`. */
  managementUrl?: string;
  /** `rabbitmqctl -n <node> -q ...`, resolving its stdout. */
  ctl(...args: string[]): Promise<string>;
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** SIGKILL to the node's Erlang VM: no clean shutdown, queues recover from their files on restart. */
  kill9(): Promise<void>;
  /** SIGSTOP to the VM: the node neither answers nor closes its sockets (a partition seen from one side). */
  pause(): Promise<void>;
  /** SIGCONT after `pause`. */
  resume(): Promise<void>;
  /** Starts the node again on the same name, ports and data dir. */
  restart(): Promise<void>;
  /** Stops the node and removes its files. */
  remove(): Promise<void>;
}

export interface PrivateBrokerOptions {
  /** Goes into the node name (`notify<label><random>@localhost`), so `ps` tells the suite's nodes apart. */
  label?: string;
  /** Enable the management plugin on a port of its own (costs ~2 s of start-up and ~30 MB). */
  management?: boolean;
  /** The AMQP port, chosen in advance: a test can point a platform at a broker that is not there yet. */
  port?: number;
}

/**
 * A RabbitMQ node of the suite's own (name, ports, data and log dirs), so the broker can be
 * stopped and killed without touching the shared one, for the fault suite, the cluster helper and the
 * tests (tests/helpers/rabbit.ts `startPrivateBroker`).
 * Every node started here runs as the same user, so they share its Erlang cookie and can cluster.
 */
export async function startPrivateBroker(ports: Set<number>, options: PrivateBrokerOptions = {}): Promise<PrivateBroker> {
  if (options.port !== undefined) ports.add(options.port);
  const port = options.port ?? (await freePort(ports));
  const distPort = await freePort(ports);
  const mgmtPort = options.management ? await freePort(ports) : undefined;
  const node = `notify${options.label ?? 'faults'}${randomBytes(3).toString('hex')}@localhost`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-faults-rmq-'));
  const conf = [`listeners.tcp.1 = ${HOST}:${port}`];
  if (mgmtPort !== undefined) conf.push(`management.tcp.ip = ${HOST}`, `management.tcp.port = ${mgmtPort}`);
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), `${conf.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), mgmtPort !== undefined ? '[rabbitmq_management].\n' : '[].\n');
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
  const ctl = async (...args: string[]) => (await run('rabbitmqctl', ['-n', node, '-q', ...args], { env, timeout: 60_000 })).stdout;
  const vmPid = async (): Promise<number | undefined> => {
    let fromFile = 0;
    try {
      fromFile = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim());
    } catch {
      // no pid file: ask the node
    }
    if (Number.isInteger(fromFile) && fromFile > 0) return fromFile;
    const stdout = await ctl('eval', 'os:getpid().');
    const n = Number(stdout.replace(/\D/g, ''));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const signal = async (sig: NodeJS.Signals) => {
    const pid = await vmPid();
    if (pid === undefined) throw new Error(`cannot find the pid of private node ${node}`);
    process.kill(pid, sig);
  };
  const listening = async (what: string, ms: number) => {
    if (!(await until(() => portOpen(port), ms, 100))) throw new Error(`private RabbitMQ node ${node}: port ${port} not open ${what} within ${ms / 1000} s`);
    // The AMQP port opens before the management listener: wait for that too when there is one.
    if (mgmtPort !== undefined && !(await until(() => portOpen(mgmtPort), ms, 100))) throw new Error(`private RabbitMQ node ${node}: management port ${mgmtPort} not open ${what}`);
  };
  const boot = async () => {
    await run('rabbitmq-server', ['-detached'], { env, timeout: 30_000 });
    // `await_startup` right after -detached fails at once: poll the AMQP port instead.
    await listening('after start', 90_000);
  };
  const killSync = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8').trim());
      if (pid > 0) {
        process.kill(pid, 'SIGCONT'); // a paused VM cannot die of SIGKILL any later than a running one, but `stop` needs it awake
        process.kill(pid, 'SIGKILL');
      }
    } catch {
      // already gone
    }
  };
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await signal('SIGCONT').catch(() => {});
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
  try {
    await boot();
  } catch (e) {
    unregister();
    await remove();
    throw e;
  }
  return {
    url: `amqp://guest:guest@${HOST}:${port}`,
    node,
    port,
    ...(mgmtPort !== undefined && { managementUrl: `http://${HOST}:${mgmtPort}` }),
    ctl,
    async stopApp() {
      await ctl('stop_app');
    },
    async startApp() {
      await ctl('start_app');
      await listening('after start_app', 60_000);
    },
    async kill9() {
      await signal('SIGKILL');
      await until(async () => !(await portOpen(port)), 10_000, 100);
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async restart() {
      await boot();
    },
    async remove() {
      unregister();
      await remove();
    },
  };
}
