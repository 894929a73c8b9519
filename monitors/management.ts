import type { Logger } from '../infra/logger.ts';
import { amqpVhost, parseAmqpUrls } from '../infra/rabbit/urls.ts';

/**
 * What the broker itself says, through the management plugin's HTTP API, of its queues and its
 * nodes. Only the nodes named in the configuration are asked (RABBITMQ_MANAGEMENT_URL, or each
 * AMQP node on the plugin's port): a CLI on this host could speak for another broker (the one
 * on 5672 while AMQP_URL names a node on another port) and cost an Erlang VM per poll.
 */

export interface QueueCounts {
  ready: number;
  unacked: number;
  consumers: number;
}

/**
 * Reads ready, unacked and consumer counts for every queue of a vhost; AMQP itself only knows
 * "ready". Resolves to undefined when no management API answers (unacked depth is then not reported).
 */
export type QueueStatsSource = () => Promise<Map<string, QueueCounts> | undefined>;

export interface NodeHealth {
  name: string;
  running: boolean;
  /** Nodes this one cannot reach although they run (a network partition). */
  partitions: string[];
  memAlarm: boolean;
  diskAlarm: boolean;
}

interface Endpoint {
  base: string;
  authorization: string;
  label: string;
}

export const DEFAULT_MANAGEMENT_PORT = 15672;

/**
 * RABBITMQ_MANAGEMENT_URL's nodes (comma-separated), or `http://<host>:15672` for each AMQP node on
 * the standard port: a node on another port is not the one 15672 belongs to (on one host, 15672 is
 * the default node's, e.g. the machine's broker next to a private node). A management URL without
 * credentials uses its AMQP node's (same position, else the first).
 */
export function managementEndpoints(amqpUrl: string, managementUrl?: string): Endpoint[] {
  const amqpNodes = parseAmqpUrls(amqpUrl).map((u) => new URL(u));
  const bases = managementUrl
    ? managementUrl
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : amqpNodes.filter((u) => u.port === '' || u.port === (u.protocol === 'amqps:' ? '5671' : '5672')).map((u) => `http://${u.hostname}:${DEFAULT_MANAGEMENT_PORT}`);
  return bases.map((b, i) => {
    const m = new URL(b);
    const a = amqpNodes[i] ?? amqpNodes[0]!;
    const user = decodeURIComponent(m.username || a.username || 'guest');
    const pass = decodeURIComponent(m.password || a.password || 'guest');
    m.username = '';
    m.password = '';
    return { base: m.toString().replace(/\/$/, ''), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`, label: m.host };
  });
}

export interface ManagementClient {
  get<T>(path: string): Promise<T>;
}

/**
 * GETs from the node that answered last; when it does not answer, from the next, once round the
 * list (as connections walk AMQP_URL). A frozen node costs `timeoutMs` before the next is asked.
 */
export function createManagementClient(endpoints: readonly Endpoint[], timeoutMs = 5000): ManagementClient {
  if (endpoints.length === 0) throw new Error('no management API endpoint');
  let current = 0;
  return {
    async get<T>(path: string): Promise<T> {
      let last: unknown;
      for (let i = 0; i < endpoints.length; i++) {
        const at = (current + i) % endpoints.length;
        const e = endpoints[at]!;
        try {
          const res = await fetch(`${e.base}${path}`, { headers: { authorization: e.authorization }, signal: AbortSignal.timeout(timeoutMs) });
          if (!res.ok) throw new Error(`management API at ${e.label} answered ${res.status}`);
          const body = (await res.json()) as T;
          current = at;
          return body;
        } catch (err) {
          last = err;
        }
      }
      throw last instanceof Error ? last : new Error(String(last));
    },
  };
}

export function queueStatsSource(client: ManagementClient, vhost: string): QueueStatsSource {
  const path = `/api/queues/${encodeURIComponent(vhost)}?columns=name,messages_ready,messages_unacknowledged,consumers`;
  return async () => {
    const rows = await client.get<Array<{ name: string; messages_ready?: number | null; messages_unacknowledged?: number | null; consumers?: number | null }>>(path);
    return new Map(rows.map((r) => [r.name, { ready: r.messages_ready ?? 0, unacked: r.messages_unacknowledged ?? 0, consumers: r.consumers ?? 0 }]));
  };
}

export async function clusterNodes(client: ManagementClient): Promise<NodeHealth[]> {
  const rows = await client.get<Array<{ name: string; running?: boolean; partitions?: string[]; mem_alarm?: boolean; disk_free_alarm?: boolean }>>(
    '/api/nodes?columns=name,running,partitions,mem_alarm,disk_free_alarm',
  );
  return rows.map((r) => ({ name: r.name, running: r.running === true, partitions: r.partitions ?? [], memAlarm: r.mem_alarm === true, diskAlarm: r.disk_free_alarm === true }));
}

/**
 * Ready while a majority of the nodes runs (quorum queues keep serving with one of three down),
 * no running node reports a partition (with the default `ignore` handling both sides go on
 * alone), and no node has a memory or disk alarm (it blocks every publisher of the cluster).
 */
export function clusterProblem(nodes: readonly NodeHealth[]): string | undefined {
  const running = nodes.filter((n) => n.running);
  if (running.length * 2 <= nodes.length) return `${running.length} of ${nodes.length} RabbitMQ nodes running: no majority`;
  const split = running.filter((n) => n.partitions.length > 0);
  if (split.length) return `network partition seen by ${split.map((n) => `${n.name} (cannot reach ${n.partitions.join(', ')})`).join('; ')}`;
  const alarmed = running.filter((n) => n.memAlarm || n.diskAlarm);
  if (alarmed.length)
    return `resource alarm (publishers blocked) on ${alarmed.map((n) => `${n.name}: ${[n.memAlarm && 'memory', n.diskAlarm && 'disk'].filter(Boolean).join('+')}`).join('; ')}`;
  return undefined;
}

/**
 * The management API to use, or undefined. Configured (RABBITMQ_MANAGEMENT_URL): always, a node
 * down now may answer later. Derived from AMQP_URL: only if one node answers now; the plugin is
 * optional, and without it depth is ready counts only.
 */
export async function pickManagement(options: { amqpUrl: string; managementUrl?: string; logger: Logger; timeoutMs?: number }): Promise<ManagementClient | undefined> {
  let client: ManagementClient;
  try {
    const endpoints = managementEndpoints(options.amqpUrl, options.managementUrl);
    if (endpoints.length === 0) {
      options.logger.info('queue depth: ready counts only (AMQP_URL names no node on the standard port to find a management API by; set RABBITMQ_MANAGEMENT_URL)');
      return undefined;
    }
    client = createManagementClient(endpoints, options.timeoutMs);
  } catch (e) {
    options.logger.error({ err: e }, 'RABBITMQ_MANAGEMENT_URL is not a comma-separated list of http(s) URLs: management API not used');
    return undefined;
  }
  try {
    await client.get('/api/overview?columns=cluster_name');
    options.logger.info(
      { source: options.managementUrl ? 'RABBITMQ_MANAGEMENT_URL' : `AMQP hosts, port ${DEFAULT_MANAGEMENT_PORT}` },
      'RabbitMQ management API: unacked depth, consumers and node health available',
    );
    return client;
  } catch (e) {
    if (options.managementUrl) {
      options.logger.warn({ err: e }, 'RABBITMQ_MANAGEMENT_URL does not answer yet; asking it every round');
      return client;
    }
    options.logger.info('queue depth: ready counts only (no management API on the AMQP hosts; set RABBITMQ_MANAGEMENT_URL)');
    return undefined;
  }
}

/** The queue source of a management API picked in the background (start-up must not wait for a nicety). */
export function lazyQueueStatsSource(picked: Promise<ManagementClient | undefined>, amqpUrl: string): QueueStatsSource {
  const vhost = amqpVhost(amqpUrl);
  return async () => {
    const client = await picked;
    return client ? queueStatsSource(client, vhost)() : undefined;
  };
}
