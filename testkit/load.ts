import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO } from './procs.ts';
import { http, pool, sleep } from './net.ts';

const run = promisify(execFile);

export interface Accepted {
  id: string;
  channel: string;
  status: string;
}

export interface LoadResult {
  accepted: Map<string, Accepted>;
  requests: number;
  /** requests that never got a 202 within their retry bound (their notifications may or may not exist) */
  unconfirmed: number;
  /** HTTP attempts answered with something other than 202 (or no answer): retried with the same eventId */
  retriedAttempts: number;
}

/** `notify apps create`, through the CLI on the scenario's data dir. */
export async function createApp(env: Record<string, string>): Promise<{ appKey: string; appSecret: string }> {
  const { stdout } = await run(process.execPath, ['bin/notify.js', 'apps', 'create', 'faults'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    timeout: 60_000,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as { appKey: string; appSecret: string };
}

export const basicAuth = (c: { appKey: string; appSecret: string }) => `Basic ${Buffer.from(`${c.appKey}:${c.appSecret}`).toString('base64')}`;

const hex = (i: number, n: number) =>
  i
    .toString(16)
    .padStart(8, '0')
    .repeat(Math.ceil(n / 8))
    .slice(0, n);

/** Every user is reachable on every channel: an email, a phone, one iPhone and one Android device. */
export async function registerUsers(api: string, auth: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `faults-user-${i}`);
  await pool(ids, 4, async (userId) => {
    const i = Number(userId.split('-').pop());
    const steps: Array<[string, string, unknown]> = [
      ['PUT', `/v1/users/${userId}`, { email: `faults.user${i}@example.com`, phone: `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`, locale: 'en', timezone: 'UTC' }],
      ['POST', `/v1/users/${userId}/devices`, { token: `${hex(i, 56)}${'ab12cd34'}`, platform: 'ios' }],
      ['POST', `/v1/users/${userId}/devices`, { token: `faults:${hex(i, 8)}${'x'.repeat(120)}`, platform: 'android' }],
    ];
    for (const [method, path, body] of steps) {
      const r = await http(method, `${api}${path}`, { auth, body });
      if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
  });
  const t = await http('PUT', `${api}/v1/templates/faults`, {
    auth,
    body: {
      email: { subject: 'Fault run {{ n }}', html: '<p>Message {{ n }}</p>', text: 'Message {{ n }}' },
      sms: { text: 'Fault run message {{ n }}' },
      push: { title: 'Fault run', body: 'Message {{ n }}' },
    },
  });
  if (t.status < 200 || t.status > 299) throw new Error(`PUT /v1/templates/faults answered ${t.status}: ${JSON.stringify(t.body)}`);
  return ids;
}

/** Recipients per request: mostly small, some large, so requests of very different sizes interleave. */
const SIZES = [1, 1, 2, 3, 5, 1, 8, 13, 1, 2, 25, 1, 4, 50];

/** One answer to a send attempt: when it was sent and answered (ms since the epoch), its status (0: none) and Retry-After. */
export interface SendAnswer {
  sentAt: number;
  at: number;
  status: number;
  retryAfter?: string;
  /** The JSON error code of a refusal (`store_unavailable`, `internal`). */
  error?: string;
}

/**
 * Sends until `target` notifications are accepted, paced evenly over `durationMs`; each user in a
 * request yields 4 notifications (ios, android, sms, email). A request that fails (API killed, store
 * locked) is retried with the same eventId, which the API deduplicates, for at most `retryMs`.
 * At most `concurrency` (16) requests are in flight: past what the API takes, the schedule slips
 * and requests wait here instead of piling onto the API. `stop()` true: no new request or retry
 * starts (a benchmark's window is over); `onAccepted` hears of each 202's notifications as they come.
 */
export async function sendLoad(options: {
  api: string;
  auth: string;
  users: string[];
  target: number;
  durationMs: number;
  tag: string;
  retryMs: number;
  /** Every attempt's answer as it comes (fault scenarios tell what the API said during an outage). */
  onAnswer?: (answer: SendAnswer) => void;
  concurrency?: number;
  stop?: () => boolean;
  onAccepted?: (notifications: number) => void;
}): Promise<LoadResult> {
  const plan: Array<{ eventId: string; userIds: string[]; n: number }> = [];
  let planned = 0;
  let cursor = 0;
  for (let i = 0; planned < options.target && i < 100_000; i++) {
    const size = Math.min(SIZES[i % SIZES.length]!, Math.ceil((options.target - planned) / 4), options.users.length);
    const userIds = Array.from({ length: size }, (_, k) => options.users[(cursor + k) % options.users.length]!);
    cursor += size;
    plan.push({ eventId: `${options.tag}-${i}`, userIds, n: i });
    planned += size * 4;
  }
  const result: LoadResult = { accepted: new Map(), requests: plan.length, unconfirmed: 0, retriedAttempts: 0 };
  const start = Date.now();
  const gap = options.durationMs / plan.length;
  const stopped = options.stop ?? (() => false);
  await pool(
    plan.map((p, i) => ({ ...p, at: start + i * gap })),
    options.concurrency ?? 16,
    async (p) => {
      const wait = p.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (stopped()) return;
      const deadline = Date.now() + options.retryMs;
      for (let attempt = 0; attempt < 500 && !stopped(); attempt++) {
        const sentAt = Date.now();
        const r = await http('POST', `${options.api}/v1/notifications`, {
          auth: options.auth,
          body: { eventId: p.eventId, userIds: p.userIds, templateId: 'faults', params: { n: String(p.n) } },
          timeoutMs: 20_000,
        });
        const error = (r.body as { error?: unknown } | undefined)?.error;
        options.onAnswer?.({
          sentAt,
          at: Date.now(),
          status: r.status,
          ...(r.retryAfter !== undefined && { retryAfter: r.retryAfter }),
          ...(typeof error === 'string' && { error }),
        });
        if (r.status === 202) {
          const notifications = (r.body as { notifications: Accepted[] }).notifications;
          for (const n of notifications) result.accepted.set(n.id, { id: n.id, channel: n.channel, status: n.status });
          options.onAccepted?.(notifications.length);
          return;
        }
        result.retriedAttempts += 1;
        // 4xx other than 408/429 would be a bug in the suite's request: no point retrying it
        if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
          process.stderr.write(`faults: request ${p.eventId} refused ${r.status}: ${JSON.stringify(r.body)}\n`);
          break;
        }
        if (Date.now() > deadline) break;
        await sleep(Math.min(2000, 200 * (attempt + 1)));
      }
      result.unconfirmed += 1;
    },
  );
  return result;
}
