import { http, sleep } from './net.ts';

/** What the suite reads of a `GET /_sim/messages` entry. */
interface SimMessage {
  seq: number;
  channel: string;
  recipient: string;
  content: Record<string, unknown>;
}

/**
 * The notification id a provider request carried, as the simulator recorded it: SendGrid
 * `custom_args.notificationId`, APNs/FCM `data.notificationId`, and for Twilio the
 * `notificationId` query parameter of the status callback URL.
 */
export function notificationIdOf(m: SimMessage): string | undefined {
  const c = m.content;
  switch (m.channel) {
    case 'email': {
      const args = c.customArgs as Record<string, unknown> | undefined;
      return typeof args?.notificationId === 'string' ? args.notificationId : undefined;
    }
    case 'ios':
    case 'android': {
      const data = c.data as Record<string, unknown> | undefined;
      return typeof data?.notificationId === 'string' ? data.notificationId : undefined;
    }
    case 'sms': {
      if (typeof c.statusCallback !== 'string') return undefined;
      try {
        return new URL(c.statusCallback).searchParams.get('notificationId') ?? undefined;
      } catch {
        return undefined;
      }
    }
    default:
      return undefined;
  }
}

export interface SimLedger {
  /** notification id -> recipient -> copies received */
  copies: Map<string, Map<string, number>>;
  /** messages whose notification id could not be read */
  unmatched: number;
  total: number;
}

/**
 * Follows the simulator's message list while the run goes on. The simulator keeps messages in
 * memory, so a restarted simulator starts from seq 0 with nothing: the collector notices
 * (`last` below what it has read) and starts over, and the suite collects before it restarts one.
 */
export function simCollector(baseUrl: () => string) {
  const ledger: SimLedger = { copies: new Map(), unmatched: 0, total: 0 };
  let since = 0;
  let running = false;
  let loop: Promise<void> | undefined;

  // One read at a time: two overlapping reads from the same `since` would count messages twice.
  let chain: Promise<boolean> = Promise.resolve(true);
  const collect = (): Promise<boolean> => {
    chain = chain.then(collectOnce, collectOnce);
    return chain;
  };

  async function collectOnce(): Promise<boolean> {
    for (let page = 0; page < 200; page++) {
      const r = await http('GET', `${baseUrl()}/_sim/messages?since=${since}&limit=5000`, { timeoutMs: 10_000 });
      if (r.status !== 200) return false;
      const body = r.body as { messages: SimMessage[]; last: number };
      if (body.last < since) {
        // a new simulator process: its sequence starts again
        since = 0;
        continue;
      }
      for (const m of body.messages) {
        since = Math.max(since, m.seq);
        ledger.total += 1;
        const id = notificationIdOf(m);
        if (id === undefined) {
          ledger.unmatched += 1;
          continue;
        }
        const byRecipient = ledger.copies.get(id) ?? new Map<string, number>();
        byRecipient.set(m.recipient, (byRecipient.get(m.recipient) ?? 0) + 1);
        ledger.copies.set(id, byRecipient);
      }
      if (body.messages.length < 5000) return true;
    }
    return true;
  }

  return {
    ledger,
    collect,
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          await collect();
          await sleep(1000);
        }
      })();
    },
    /** A restarted simulator: read from its first message. */
    reset(): Promise<boolean> {
      chain = chain.then(
        () => ((since = 0), true),
        () => ((since = 0), true),
      );
      return chain;
    },
    async stop() {
      running = false;
      await loop;
      await collect();
    },
  };
}
