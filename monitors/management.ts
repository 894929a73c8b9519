import { amqpVhost, parseAmqpUrls } from '../infra/rabbit/urls.ts';
import { spawn } from 'node:child_process';
import type { Logger } from '../infra/logger.ts';

/**
 * Runs a command in its own process group and resolves its stdout. On the timeout or the abort the
 * whole group is killed: run as root, rabbitmqctl is sh -> su -> sh -> an Erlang VM, and killing
 * the first alone would leave the VM running.
 */
function runGroup(command: string, args: string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<string> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new Error(`${command}: stopped`));
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let why: string | undefined;
    const killGroup = (reason: string) => {
      why = reason;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => killGroup(`no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = () => killGroup('stopped');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${why ?? `exited with ${code ?? signal}`}: ${err.trim().slice(0, 300)}`));
    });
  });
}

export interface QueueCounts {
  ready: number;
  unacked: number;
}

/**
 * Reads ready and unacked counts for every queue of a vhost; AMQP itself only knows "ready".
 * Resolves to undefined when no source is usable here (unacked depth is then not reported).
 */
export type QueueStatsSource = () => Promise<Map<string, QueueCounts> | undefined>;

/**
 * A source that picks the first usable candidate in the background and defers to it: probing
 * rabbitmqctl costs seconds, and start-up must not wait for a nicety.
 */
export function lazyQueueStatsSource(pick: Promise<QueueStatsSource | undefined>): QueueStatsSource {
  return async () => {
    const source = await pick;
    return source ? source() : undefined;
  };
}

/** The management plugin's HTTP API (when the operator has enabled it: RABBITMQ_MANAGEMENT_URL). */
export function managementApiSource(baseUrl: string, amqpUrl: string): QueueStatsSource {
  const u = new URL(parseAmqpUrls(amqpUrl)[0] ?? amqpUrl);
  const vhost = amqpVhost(amqpUrl);
  const mgmt = new URL(baseUrl);
  const user = decodeURIComponent(mgmt.username || u.username || 'guest');
  const pass = decodeURIComponent(mgmt.password || u.password || 'guest');
  mgmt.username = '';
  mgmt.password = '';
  const url = `${mgmt.toString().replace(/\/$/, '')}/api/queues/${encodeURIComponent(vhost)}?columns=name,messages_ready,messages_unacknowledged`;
  return async () => {
    const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`management API answered ${res.status}`);
    const rows = (await res.json()) as Array<{ name: string; messages_ready?: number | null; messages_unacknowledged?: number | null }>;
    return new Map(rows.map((r) => [r.name, { ready: r.messages_ready ?? 0, unacked: r.messages_unacknowledged ?? 0 }]));
  };
}

/**
 * `rabbitmqctl list_queues`, which works on a stock Debian install without the management plugin,
 * but only where the broker runs and for a user that can read its Erlang cookie (root, rabbitmq).
 * It costs an Erlang VM start (~1 s of CPU), so the poller calls it far less often than AMQP.
 */
export function rabbitmqctlSource(amqpUrl: string, command = 'rabbitmqctl', signal?: AbortSignal): QueueStatsSource {
  const vhost = amqpVhost(amqpUrl);
  return async () => {
    // `signal`: the role stopping kills a call in flight, so no Erlang VM outlives the process that started it.
    const stdout = await runGroup(command, ['-q', 'list_queues', '-p', vhost, '--formatter', 'json', 'name', 'messages_ready', 'messages_unacknowledged'], {
      timeoutMs: 15_000,
      ...(signal && { signal }),
    });
    const rows = JSON.parse(stdout) as Array<{ name: string; messages_ready?: number | string; messages_unacknowledged?: number | string }>;
    return new Map(rows.map((r) => [r.name, { ready: Number(r.messages_ready ?? 0) || 0, unacked: Number(r.messages_unacknowledged ?? 0) || 0 }]));
  };
}

/** The first source that answers now, or undefined: unacked depth is then simply not reported. */
export async function pickQueueStatsSource(
  options: { amqpUrl: string; managementUrl?: string; logger: Logger; signal?: AbortSignal },
  candidates: Array<[string, QueueStatsSource]> = defaultCandidates(options),
): Promise<QueueStatsSource | undefined> {
  for (const [name, source] of candidates) {
    try {
      if (!(await source())) continue;
      options.logger.info({ source: name }, 'queue depth: unacked counts available');
      return source;
    } catch (e) {
      options.logger.debug({ source: name, err: e }, 'queue stats source unavailable');
    }
  }
  options.logger.info('queue depth: only ready counts (no management API, rabbitmqctl not usable here)');
  return undefined;
}

function defaultCandidates(options: { amqpUrl: string; managementUrl?: string; signal?: AbortSignal }): Array<[string, QueueStatsSource]> {
  const out: Array<[string, QueueStatsSource]> = [];
  if (options.managementUrl) out.push(['management', managementApiSource(options.managementUrl, options.amqpUrl)]);
  // Only a single local node: with several, a local CLI would speak for one of them at best.
  const nodes = parseAmqpUrls(options.amqpUrl);
  const host = nodes.length === 1 ? new URL(nodes[0]!).hostname : '';
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') out.push(['rabbitmqctl', rabbitmqctlSource(options.amqpUrl, 'rabbitmqctl', options.signal)]);
  return out;
}
