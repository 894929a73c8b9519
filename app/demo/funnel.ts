import { CHANNELS, type Channel, type NotificationEvent } from '../../domain/events.ts';
import { categoryOf } from '../../domain/streams.ts';
import type { RecordedEvent } from '../../infra/eventStore/port.ts';

export interface FunnelRow {
  requested: number;
  sent: number;
  failed: number;
  suppressed: number;
  /** Attempts that failed and were tried again (AttemptFailed events). */
  retried: number;
  pending: number;
  /** Of the sent: the provider's receipt said delivered; the recipient opened it, clicked in it. */
  delivered: number;
  opened: number;
  clicked: number;
}

/**
 * The delivery funnel per channel, folded straight from the log (the source of truth), so the
 * demo's figures cannot disagree with what was recorded.
 */
export function createFunnel() {
  type Engagement = 'delivered' | 'opened' | 'clicked';
  const state = new Map<string, { channel: Channel; status: 'pending' | 'sent' | 'failed' | 'suppressed'; attempted: boolean; reached: Set<Engagement> }>();
  const retried: Record<Channel, number> = { ios: 0, android: 0, web: 0, sms: 0, email: 0, inapp: 0, chat: 0 };
  const pendingOutcomes = new Map<string, Array<'sent' | 'failed' | 'retried' | Engagement>>();

  function settle(id: string, outcome: 'sent' | 'failed' | 'retried' | Engagement) {
    const s = state.get(id);
    if (!s) {
      // Seen before its request (should not happen in log order, but never lose it).
      pendingOutcomes.set(id, [...(pendingOutcomes.get(id) ?? []), outcome]);
      return;
    }
    if (outcome === 'delivered' || outcome === 'opened' || outcome === 'clicked') {
      s.reached.add(outcome);
      return;
    }
    s.attempted = true;
    if (outcome === 'retried') retried[s.channel] += 1;
    else if (s.status === 'pending') s.status = outcome;
  }

  return {
    apply(e: RecordedEvent): void {
      if (categoryOf(e.streamId) !== 'notification') return;
      const n = e as RecordedEvent & NotificationEvent;
      switch (n.type) {
        case 'NotificationRequested':
        case 'NotificationSuppressed': {
          const id = n.data.notificationId;
          if (!state.has(id))
            state.set(id, { channel: n.data.channel, status: n.type === 'NotificationSuppressed' ? 'suppressed' : 'pending', attempted: false, reached: new Set() });
          else if (n.type === 'NotificationSuppressed') state.get(id)!.status = 'suppressed';
          for (const o of pendingOutcomes.get(id) ?? []) settle(id, o);
          pendingOutcomes.delete(id);
          return;
        }
        case 'NotificationSent':
          return settle(n.data.notificationId, 'sent');
        case 'NotificationFailed':
          return settle(n.data.notificationId, 'failed');
        case 'NotificationAttemptFailed':
          return settle(n.data.notificationId, 'retried');
        case 'NotificationDelivered':
          return settle(n.data.notificationId, 'delivered');
        case 'NotificationOpened':
          return settle(n.data.notificationId, 'opened');
        case 'NotificationClicked':
          return settle(n.data.notificationId, 'clicked');
        case 'NotificationRedriven':
        case 'NotificationConverted':
        // Canceled and digested notifications were never attempted: they stay out of the send funnel.
        case 'NotificationCanceled':
        case 'NotificationDigested':
          return;
        default: {
          const never: never = n;
          throw new Error(`unhandled notification event ${String((never as { type: string }).type)}`);
        }
      }
    },
    rows(): Record<Channel, FunnelRow> {
      const rows = Object.fromEntries(
        CHANNELS.map((c) => [c, { requested: 0, sent: 0, failed: 0, suppressed: 0, retried: retried[c], pending: 0, delivered: 0, opened: 0, clicked: 0 }]),
      ) as Record<Channel, FunnelRow>;
      for (const { channel, status, reached } of state.values()) {
        rows[channel].requested += 1;
        rows[channel][status] += 1;
        for (const r of reached) rows[channel][r] += 1;
      }
      return rows;
    },
    total(): number {
      return state.size;
    },
    /** Notifications of a channel still waiting for their first provider attempt. */
    unattempted(channel: Channel): number {
      let n = 0;
      for (const s of state.values()) if (s.channel === channel && s.status === 'pending' && !s.attempted) n += 1;
      return n;
    },
    settled(): number {
      let n = 0;
      for (const s of state.values()) if (s.status !== 'pending') n += 1;
      return n;
    },
  };
}

export function formatFunnel(rows: Record<Channel, FunnelRow>): string {
  const cols = ['requested', 'sent', 'failed', 'suppressed', 'retried', 'pending', 'delivered', 'opened', 'clicked'] as const;
  const header = ['channel'.padEnd(9), ...cols.map((c) => c.padStart(10))].join(' ');
  const lines = CHANNELS.map((ch) => [ch.padEnd(9), ...cols.map((c) => String(rows[ch][c]).padStart(10))].join(' '));
  const total = ['total'.padEnd(9), ...cols.map((c) => String(CHANNELS.reduce((n, ch) => n + rows[ch][c], 0)).padStart(10))].join(' ');
  return [header, ...lines, total].join('\n');
}
