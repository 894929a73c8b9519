import type { AlertKind } from '../infra/alerts.ts';

/** Where an alert kind is evaluated (the rules themselves: monitors/rules.ts, reconciler.ts; channels/sender). */
export type AlertSource = 'monitors' | 'senders';

export interface AlertRule {
  /** The Prometheus alert's name. */
  alert: `Notify${string}`;
  /** Alertmanager routing: `page` wakes someone, `ticket` waits for working hours. */
  severity: 'page' | 'ticket';
  source: AlertSource;
  /** What the incident means, for the alert's summary (Prometheus template: {{ $labels.subject }}). */
  summary: string;
}

/**
 * Every alert kind the platform raises, once: the one definition of an incident. The condition,
 * thresholds and hysteresis live in the in-process rule that raises it; Prometheus does not
 * re-evaluate them over raw metrics but reads the raised alert back (`notify_alert_active`), so
 * one incident is one alert whichever way it is watched. ops/prometheus/alerts.yml is generated
 * from this table (app/alertRulesFile.ts, `npm run ops:alerts`).
 */
export const ALERT_RULES: Readonly<Record<AlertKind, AlertRule>> = {
  channel_failure_rate: {
    alert: 'NotifyChannelFailureRate',
    severity: 'page',
    source: 'monitors',
    summary: '{{ $labels.subject }}: provider failures over the window reached ALERT_FAILURE_RATE',
  },
  channel_failing: {
    alert: 'NotifyChannelFailing',
    severity: 'page',
    source: 'senders',
    summary: '{{ $labels.subject }}: consecutive provider failures',
  },
  parking_growing: {
    alert: 'NotifyParkingGrowing',
    severity: 'ticket',
    source: 'monitors',
    summary: '{{ $labels.subject }} is growing: redrive from the console or `notify redrive`',
  },
  message_parked: {
    alert: 'NotifyMessageParked',
    severity: 'ticket',
    source: 'senders',
    summary: 'messages parked in {{ $labels.subject }}: redrive from the console or `notify redrive`',
  },
  queue_backlog: {
    alert: 'NotifyQueueBacklog',
    severity: 'page',
    source: 'monitors',
    summary: '{{ $labels.subject }}: past ALERT_BACKLOG_THRESHOLD and rising (senders are not keeping up)',
  },
  notification_stuck: {
    alert: 'NotifyNotificationsStuck',
    severity: 'page',
    source: 'monitors',
    summary: 'notifications pending with nothing queued for them (republished by the reconciler)',
  },
  broker_unreachable: {
    alert: 'NotifyBrokerDown',
    severity: 'page',
    source: 'monitors',
    summary: 'RabbitMQ is unreachable from the platform',
  },
  dispatcher_lag_rising: {
    alert: 'NotifyDispatcherLag',
    severity: 'page',
    source: 'monitors',
    summary: 'the dispatcher is past ALERT_LAG_THRESHOLD behind the log and falling further behind',
  },
  projection_lag_rising: {
    alert: 'NotifyProjectionLag',
    severity: 'ticket',
    source: 'monitors',
    summary: 'read model {{ $labels.subject }} is past ALERT_LAG_THRESHOLD behind the log and falling further behind',
  },
};

export interface PrometheusRule {
  alert: string;
  expr: string;
  labels: { severity: AlertRule['severity']; kind: AlertKind };
  annotations: { summary: string; runbook: string };
}

/**
 * The Prometheus rule of each kind: active while the platform has it raised. Summed across the
 * processes of one scrape (the supervisor aggregates its roles' registries), hence `> 0`.
 */
export function prometheusRules(): Array<{ name: string; rules: PrometheusRule[] }> {
  const group = (source: AlertSource): PrometheusRule[] =>
    (Object.entries(ALERT_RULES) as Array<[AlertKind, AlertRule]>)
      .filter(([, r]) => r.source === source)
      .map(([kind, r]) => ({
        alert: r.alert,
        expr: `max by (subject) (notify_alert_active{kind='${kind}'}) > 0`,
        labels: { severity: r.severity, kind },
        annotations: { summary: r.summary, runbook: 'docs/operations.md' },
      }));
  return [
    { name: 'notify-senders', rules: group('senders') },
    { name: 'notify-monitors', rules: group('monitors') },
  ];
}
