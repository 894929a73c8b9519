import type { Channel } from '../domain/events.ts';
import type { Alerter } from '../infra/alerts.ts';
import type { Logger } from '../infra/logger.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import type { RabbitConnection } from '../infra/rabbit/connection.ts';
import { encodeDelivery } from '../infra/rabbit/message.ts';
import { channelNames, HEADERS } from '../infra/rabbit/names.ts';
import { createConfirmPublisher } from '../infra/rabbit/publisher.ts';
import { assertOnConnect, type Topology } from '../infra/rabbit/topology.ts';
import { unfinishedSince } from '../projections/queries.ts';

/**
 * The backstop for "no accepted notification ends unresolved": a notification still pending (or
 * scheduled and due) whose last event is older than `stuckAfterMs` has nothing queued for it any
 * more (every attempt writes an event, and the longest wait between two is one retry delay plus a
 * provider timeout), e.g. a message the broker dead-lettered on its own. It is published again on
 * its channel with the same notification id, as the dispatcher would; the senders' idempotency
 * makes a copy that was in fact still queued harmless. `notification_stuck` is raised while any
 * exists and cleared by the first round that finds none.
 */
export interface Reconciler {
  /** One round now: how many stuck notifications were found (and republished). */
  run(): Promise<number>;
  /** Stuck notifications seen by the last round. */
  stuck(): number;
  stop(): Promise<void>;
}

export function startReconciler(deps: {
  projectionStore: ProjectionStore;
  rabbit: RabbitConnection;
  topology: Topology;
  alerter: Alerter;
  logger: Logger;
  stuckAfterMs: number;
  intervalMs?: number;
  /** Republished at most this many per round (the rest next round). */
  batch?: number;
  /** Rounds are skipped while this says the log is not yet published (dispatcher behind). */
  caughtUp?: () => Promise<boolean>;
  /** notify_notifications_stuck: the count of the last round (Prometheus alerts on it too). */
  stuckGauge?: { set(value: number): void };
  now?: () => number;
}): Reconciler {
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'reconciler' });
  const channels = new Set<Channel>(deps.topology.channels);
  const unregisterTopology = assertOnConnect(deps.rabbit, deps.topology);
  const publisher = createConfirmPublisher(deps.rabbit, { logger: log, maxInFlight: 50 });
  const republishedAt = new Map<string, number>();
  let last = 0;
  let running: Promise<number> | undefined;

  async function round(): Promise<number> {
    if (!deps.rabbit.connected) return last;
    if (deps.caughtUp && !(await deps.caughtUp())) return last;
    const t = now();
    const docs = await unfinishedSince(deps.projectionStore, new Date(t - deps.stuckAfterMs).toISOString(), deps.batch ?? 500);
    // Republished within the bound already: give that copy its time before counting it again.
    for (const [id, at] of republishedAt) if (t - at > deps.stuckAfterMs) republishedAt.delete(id);
    const stuck = docs.filter((d) => d.channel && d.appId && channels.has(d.channel));
    let republished = 0;
    for (const d of stuck) {
      if (republishedAt.has(d.notificationId)) continue;
      const names = channelNames(d.channel!, deps.topology.prefix);
      await publisher.publish(names.exchange, '', encodeDelivery({ notificationId: d.notificationId, channel: d.channel!, appId: d.appId! }), {
        messageId: d.notificationId,
        contentType: 'application/json',
        timestamp: Math.floor(t / 1000),
        headers: { [HEADERS.attempt]: d.attempts + 1 },
      });
      republishedAt.set(d.notificationId, t);
      republished += 1;
    }
    last = stuck.length;
    deps.stuckGauge?.set(last);
    if (last > 0) {
      log.warn({ stuck: last, republished, oldest: stuck[0]?.updatedAt }, 'stuck notifications republished');
      deps.alerter.raise('notification_stuck', 'notifications', { count: last, stuckAfterMs: deps.stuckAfterMs, sample: stuck.slice(0, 5).map((d) => d.notificationId) });
    } else deps.alerter.clear('notification_stuck', 'notifications');
    return last;
  }

  function run(): Promise<number> {
    running ??= round().finally(() => (running = undefined));
    return running;
  }

  const timer = setInterval(() => {
    run().catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, 'reconciler round failed'));
  }, deps.intervalMs ?? 30_000);
  timer.unref();

  return {
    run,
    stuck: () => last,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
      await publisher.close();
      unregisterTopology();
    },
  };
}
