import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/**
 * `channel_failing`: a sender saw a run of consecutive provider failures; `channel_failure_rate`:
 * the monitors saw a channel's failure share over a sliding window cross the configured rate.
 */
export type AlertKind =
  | 'channel_failing'
  | 'channel_failure_rate'
  | 'parking_growing'
  | 'queue_backlog'
  | 'message_parked'
  | 'notification_stuck'
  | 'broker_unreachable'
  | 'dispatcher_lag_rising'
  | 'projection_lag_rising';

export interface AlertDetail {
  [key: string]: unknown;
}

/**
 * Developer alerts: a structured log line, a metric and an optional webhook POST, raised once
 * per incident (kind + subject) and cleared when the condition ends, never once per message.
 */
export interface Alerter {
  raise(kind: AlertKind, subject: string, detail: AlertDetail): void;
  clear(kind: AlertKind, subject: string): void;
  active(): Array<{ kind: AlertKind; subject: string; since: string; detail: AlertDetail }>;
}

export function createAlerter(deps: { logger: Logger; metrics?: Metrics; webhookUrl?: string; now?: () => Date; fetchImpl?: typeof fetch }): Alerter {
  const now = deps.now ?? (() => new Date());
  const doFetch = deps.fetchImpl ?? fetch;
  const open = new Map<string, { kind: AlertKind; subject: string; since: string; detail: AlertDetail }>();
  const key = (kind: AlertKind, subject: string) => `${kind}\u0000${subject}`;

  function notify(state: 'raised' | 'cleared', kind: AlertKind, subject: string, detail: AlertDetail): void {
    if (!deps.webhookUrl) return;
    const body = JSON.stringify({ state, kind, subject, detail, at: now().toISOString() });
    // The webhook is best effort: an alerting outage must never stall delivery.
    doFetch(deps.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) }).catch((e: unknown) =>
      deps.logger.warn({ err: e, kind, subject }, 'alert webhook failed'),
    );
  }

  return {
    raise(kind, subject, detail) {
      const k = key(kind, subject);
      if (open.has(k)) return;
      const alert = { kind, subject, since: now().toISOString(), detail };
      open.set(k, alert);
      deps.metrics?.alerts.set({ kind, subject }, 1);
      deps.metrics?.alertsRaised.inc({ kind, subject });
      deps.logger.error({ alert: { kind, subject, ...detail } }, `ALERT ${kind}: ${subject}`);
      notify('raised', kind, subject, detail);
    },
    clear(kind, subject) {
      const k = key(kind, subject);
      const alert = open.get(k);
      if (!alert) return;
      open.delete(k);
      deps.metrics?.alerts.set({ kind, subject }, 0);
      deps.logger.warn({ alert: { kind, subject, since: alert.since } }, `RESOLVED ${kind}: ${subject}`);
      notify('cleared', kind, subject, alert.detail);
    },
    active() {
      return [...open.values()];
    },
  };
}
