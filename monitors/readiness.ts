import type { ChannelModel } from 'amqplib';
import { connectFirst } from '../infra/rabbit/urls.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import type { ReadinessCheck } from '../infra/ops.ts';
import { clusterNodes, clusterProblem, type ManagementClient } from './management.ts';

/**
 * RabbitMQ is ready when it answers and every exchange and queue of the topology exists (the
 * roles assert it at connect: a missing one means they have not, or someone deleted it).
 * Uses a connection of its own, kept between probes and dropped on any failure.
 */
export function rabbitReadiness(
  amqpUrl: string,
  topology: () => { exchanges: ReadonlyArray<{ name: string }>; queues: ReadonlyArray<{ name: string }> } | undefined,
): ReadinessCheck & { close(): Promise<void> } {
  let conn: ChannelModel | undefined;
  const drop = () => {
    const c = conn;
    conn = undefined;
    void c?.close().catch(() => {});
  };
  return {
    name: 'rabbitmq',
    async check() {
      try {
        if (!conn) {
          const c = await connectFirst(amqpUrl);
          c.on('error', () => {});
          c.on('close', () => {
            if (conn === c) conn = undefined;
          });
          conn = c;
        }
        const ch = await conn.createChannel();
        ch.on('error', () => {});
        let current = '';
        try {
          const t = topology();
          for (const e of t?.exchanges ?? []) {
            current = `exchange ${e.name}`;
            await ch.checkExchange(e.name);
          }
          for (const q of t?.queues ?? []) {
            current = `queue ${q.name}`;
            await ch.checkQueue(q.name);
          }
        } catch (e) {
          throw new Error(`${current} missing: topology not asserted (${e instanceof Error ? e.message : String(e)})`, { cause: e });
        }
        await ch.close().catch(() => {});
      } catch (e) {
        drop();
        throw e;
      }
    },
    async close() {
      const c = conn;
      conn = undefined;
      await c?.close().catch(() => {});
    },
  };
}

/** The projection store answers a read (its checkpoint table is always there). */
export function projectionStoreReadiness(store: Pick<ProjectionStore, 'getCheckpoint'>): ReadinessCheck {
  return { name: 'projectionStore', check: async () => void (await store.getCheckpoint('__readyz')) };
}

/**
 * The cluster as its management API sees it: not ready without a majority of running nodes, with
 * a partition, or with a resource alarm (clusterProblem). One node of three down is ready: the
 * connections fail over and quorum queues keep serving. No management API answering is no verdict
 * (the plugin is optional; the AMQP check above says whether the broker is reachable).
 */
export function rabbitClusterReadiness(client: Promise<ManagementClient | undefined>): ReadinessCheck {
  return {
    name: 'rabbitmqCluster',
    async check() {
      const c = await client;
      if (!c) return;
      let nodes;
      try {
        nodes = await clusterNodes(c);
      } catch {
        return;
      }
      const problem = clusterProblem(nodes);
      if (problem) throw new Error(problem);
    },
  };
}
