import type { Alerter } from '../infra/alerts.ts';
import type { Metrics } from '../infra/metrics.ts';

/** Platform health as JSON (GET /v1/ops/status): what /metrics says, read back from this process's registry. */
export interface OpsStatus {
  at: string;
  queues: Array<{ queue: string; ready: number; unacked?: number }>;
  lag: { dispatcher?: number; projections: Record<string, number> };
  alerts: Array<{ kind: string; subject: string; since: string; detail?: Record<string, unknown> }>;
  /** The counts are all apps' together: absent from what an app credential is shown (api/routes/ops.ts). */
  channels: Array<{ channel: string; state: 'ok' | 'failing'; sent?: number; failed?: number; parked?: number }>;
}

type Sample = { value: number; labels: Partial<Record<string, string | number>> };

async function samples(metric: { get(): Promise<{ values: Sample[] }> }): Promise<Sample[]> {
  return (await metric.get()).values;
}

const label = (s: Sample, name: string): string | undefined => (s.labels[name] === undefined ? undefined : String(s.labels[name]));

/**
 * Queue depth and lag are sampled by the monitors role and delivery counts by the senders: in a
 * process without them those parts are empty. The channel state is "failing" while a
 * channel_failing or channel_failure_rate alert is raised for it (the in-process circuit signal).
 */
export function createOpsStatus(deps: { metrics: Metrics; alerter: Alerter; channels: readonly string[]; now?: () => Date }): () => Promise<OpsStatus> {
  const now = deps.now ?? (() => new Date());
  return async () => {
    const queues = new Map<string, { queue: string; ready: number; unacked?: number }>();
    for (const s of await samples(deps.metrics.queueDepth)) {
      const queue = label(s, 'queue');
      const state = label(s, 'state');
      if (!queue) continue;
      const q = queues.get(queue) ?? { queue, ready: 0 };
      if (state === 'ready') q.ready = s.value;
      if (state === 'unacked') q.unacked = s.value;
      queues.set(queue, q);
    }
    const dispatcher = (await samples(deps.metrics.dispatcherLag))[0]?.value;
    const projections: Record<string, number> = {};
    for (const s of await samples(deps.metrics.projectionLag)) {
      const name = label(s, 'projection');
      if (name) projections[name] = s.value;
    }
    const counts = await samples(deps.metrics.notifications);
    const parked = await samples(deps.metrics.parked);
    const alerts = deps.alerter.active();
    const failing = new Set(alerts.filter((a) => a.kind === 'channel_failing' || a.kind === 'channel_failure_rate').map((a) => a.subject));
    const sum = (list: Sample[], channel: string, status?: string) =>
      list.filter((s) => label(s, 'channel') === channel && (status === undefined || label(s, 'status') === status)).reduce((n, s) => n + s.value, 0);
    return {
      at: now().toISOString(),
      queues: [...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)),
      lag: { ...(dispatcher !== undefined ? { dispatcher } : {}), projections },
      alerts: alerts.map((a) => ({ kind: a.kind, subject: a.subject, since: a.since, detail: a.detail })),
      channels: deps.channels.map((channel) => ({
        channel,
        state: failing.has(channel) ? 'failing' : 'ok',
        sent: sum(counts, channel, 'sent'),
        failed: sum(counts, channel, 'failed'),
        parked: sum(parked, channel),
      })),
    };
  };
}
