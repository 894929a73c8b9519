import { startPrivateBroker, type PrivateBroker } from './broker.ts';
import { onCleanup } from './cleanup.ts';
import { until } from './net.ts';

export interface PrivateCluster {
  nodes: PrivateBroker[];
  /** AMQP_URL for the platform: every node, comma-separated. */
  url: string;
  /** RABBITMQ_MANAGEMENT_URL: every node's management API, comma-separated. */
  managementUrl: string;
  /** Which node leads each quorum queue whose name starts with `prefix` (asked of a node that runs). */
  leaders(prefix: string, vhost?: string): Promise<Map<string, PrivateBroker>>;
  /** The node leading most of the prefix's quorum queues. */
  busiestLeader(prefix: string, vhost?: string): Promise<PrivateBroker>;
  /** Stops every node and removes its files. */
  remove(): Promise<void>;
}

/**
 * `size` private nodes (management enabled) joined into one cluster: started in parallel, then
 * each one after the first `stop_app; join_cluster <first>; start_app`. Nothing shared with the
 * machine's broker; all of it removed by `remove` or, whatever happens, by the suite's cleanup.
 */
export async function startPrivateCluster(ports: Set<number>, size = 3): Promise<PrivateCluster> {
  const started = await Promise.allSettled(Array.from({ length: size }, (_, i) => startPrivateBroker(ports, { label: `c${i + 1}`, management: true })));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const removeAll = async () => {
    await Promise.all(nodes.map((n) => n.remove().catch(() => {})));
  };
  const unregister = onCleanup('private cluster', removeAll);
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [first, ...rest] = nodes as [PrivateBroker, ...PrivateBroker[]];
    for (const n of rest) {
      await n.ctl('stop_app');
      await n.ctl('join_cluster', first.node);
      await n.startApp();
    }
    const all = new Set(nodes.map((n) => n.node));
    const joined = await until(
      async () => {
        const status = JSON.parse(await first.ctl('cluster_status', '--formatter', 'json')) as { running_nodes?: string[] };
        return (status.running_nodes ?? []).filter((r) => all.has(r)).length === size;
      },
      60_000,
      250,
    );
    if (!joined) throw new Error(`the ${size} private nodes did not all show as running in one cluster within 60 s`);
  } catch (e) {
    unregister();
    await removeAll();
    throw e;
  }
  const byName = new Map(nodes.map((n) => [n.node, n]));
  const leaders = async (prefix: string, vhost = '/') => {
    let last: unknown;
    // Ask each node in turn: the one that leads may be the one that is down.
    for (const n of nodes) {
      try {
        const rows = JSON.parse(await n.ctl('list_queues', '-p', vhost, '--formatter', 'json', 'name', 'type', 'leader')) as Array<{
          name: string;
          type?: string;
          leader?: string;
        }>;
        const out = new Map<string, PrivateBroker>();
        for (const r of rows) {
          const node = r.leader ? byName.get(r.leader) : undefined;
          if (r.name.startsWith(prefix) && r.type === 'quorum' && node) out.set(r.name, node);
        }
        return out;
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  };
  return {
    nodes,
    url: nodes.map((n) => n.url).join(','),
    managementUrl: nodes.map((n) => n.managementUrl!).join(','),
    leaders,
    async busiestLeader(prefix, vhost) {
      const counts = new Map<PrivateBroker, number>();
      for (const n of (await leaders(prefix, vhost)).values()) counts.set(n, (counts.get(n) ?? 0) + 1);
      const top = [...counts].sort((a, b) => b[1] - a[1])[0];
      if (!top) throw new Error(`no quorum queue with prefix ${prefix} has a leader`);
      return top[0];
    },
    async remove() {
      unregister();
      await removeAll();
    },
  };
}
