import { prefChannelOf, type NotificationEvent } from './events.ts';
import { decideDelivery, recipientOf, type DeliveryDecision, type DeliveryFacts } from './policy.ts';
import { quietHoursRelease } from './quietHours.ts';
import type { CountedRateWindow } from './rateWindows.ts';

/**
 * "Why did (or didn't) this user get it?": the delivery policy replayed on the facts as they were,
 * every check reported (not only the one that decided), in the policy's own order.
 */
export const WHY_CHECKS = [
  'user',
  'channel_preference',
  'category_preference',
  'contact',
  'rate_window',
  'quiet_hours',
  'schedule',
  'template',
  'event',
  'request',
  'recurring_schedule',
] as const;
export type WhyCheck = (typeof WHY_CHECKS)[number];

export interface WhyReason {
  check: WhyCheck;
  /** false: this check stops (or defers) delivery. */
  passed: boolean;
  detail: string;
  /** The facts the check read (counts, limits, timezone...), for the auditor. */
  facts?: Record<string, string | number | boolean | null>;
}

export interface Explained {
  decision: DeliveryDecision;
  reasons: WhyReason[];
}

/** Like decideDelivery, plus the reasons. `rate` undefined: the counts of that time are not known (reported, not guessed). */
export function explainDelivery(facts: Omit<DeliveryFacts, 'rate'> & { rate: readonly CountedRateWindow[] | undefined }): Explained {
  const { user, channel, category } = facts;
  const decision = decideDelivery({ ...facts, rate: facts.rate ?? [] });
  const pc = prefChannelOf(channel);
  const reasons: WhyReason[] = [];
  reasons.push({ check: 'user', passed: user.exists, detail: user.exists ? 'user known' : 'unknown user' });
  const channelOff = user.preferences.channels[pc] === false;
  reasons.push({
    check: 'channel_preference',
    passed: !channelOff,
    detail: channelOff ? `channel ${pc} off` : `channel ${pc} on`,
    facts: { channel: pc, value: user.preferences.channels[pc] ?? null },
  });
  if (category !== undefined) {
    const value = user.preferences.categories[category]?.[pc];
    reasons.push({
      check: 'category_preference',
      passed: value !== false,
      detail: value === false ? `category ${category} off for ${pc}` : `category ${category} on for ${pc}`,
      facts: { category, channel: pc, value: value ?? null },
    });
  }
  const recipient = user.exists ? recipientOf(user, channel) : undefined;
  reasons.push({
    check: 'contact',
    passed: recipient !== undefined,
    detail: recipient
      ? `${recipient.kind === 'push' ? `${recipient.tokens.length} ${channel} device(s)` : channel} on file`
      : `no ${pc === 'push' ? `${channel} device` : channel} on file`,
  });
  if (facts.rate === undefined) {
    reasons.push({ check: 'rate_window', passed: true, detail: 'counts of that time unavailable (no projection store)' });
  }
  for (const w of facts.rate ?? []) {
    reasons.push({
      check: 'rate_window',
      passed: w.count < w.limit,
      detail: `${w.scope}: ${w.count} of ${w.limit} per ${w.windowMs / 1000}s`,
      facts: { scope: w.scope, count: w.count, limit: w.limit, windowMs: w.windowMs, since: w.since.toISOString() },
    });
  }
  const due = facts.scheduleAt ?? facts.now;
  const quiet = user.preferences.quietHours;
  const timezone = user.contact.timezone ?? 'UTC';
  const release = quiet ? quietHoursRelease(due, quiet, timezone) : undefined;
  reasons.push({
    check: 'quiet_hours',
    passed: release === undefined,
    detail: !quiet
      ? 'no quiet hours'
      : release
        ? `due inside ${quiet.start}-${quiet.end} ${timezone}: deferred to ${release.toISOString()}`
        : `due outside ${quiet.start}-${quiet.end} ${timezone}`,
    facts: { timezone, start: quiet?.start ?? null, end: quiet?.end ?? null, due: due.toISOString(), until: release?.toISOString() ?? null },
  });
  reasons.push({
    check: 'schedule',
    passed: true,
    detail: facts.scheduleAt ? `scheduled for ${facts.scheduleAt.toISOString()}` : 'send now',
    facts: { scheduleAt: facts.scheduleAt?.toISOString() ?? null },
  });
  return { decision, reasons };
}

/** One provider answer, classified as the sender classified it. */
export interface WhyAttempt {
  attempt: number | null;
  at: string;
  provider: string | null;
  result: 'sent' | 'retry' | 'failed';
  classification: 'ok' | 'retryable' | 'permanent' | 'token_invalid' | 'none';
  code: string | null;
  message: string | null;
  reason?: string;
  retryInMs?: number;
  providerMessageId?: string;
}

export function attemptsOf(events: readonly NotificationEvent[]): WhyAttempt[] {
  const out: WhyAttempt[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'NotificationSent':
        out.push({
          attempt: e.data.attempt,
          at: e.data.at,
          provider: e.data.provider,
          result: 'sent',
          classification: 'ok',
          code: null,
          message: null,
          providerMessageId: e.data.providerMessageId,
        });
        break;
      case 'NotificationAttemptFailed':
        out.push({
          attempt: e.data.attempt,
          at: e.data.at,
          provider: e.data.provider,
          result: 'retry',
          classification: 'retryable',
          code: e.data.code,
          message: e.data.message,
          ...(e.data.retryInMs !== undefined && { retryInMs: e.data.retryInMs }),
        });
        break;
      case 'NotificationFailed':
        out.push({
          attempt: e.data.attempt ?? null,
          at: e.data.at,
          provider: e.data.provider ?? null,
          result: 'failed',
          classification: classify(e.data.reason),
          code: e.data.code,
          message: e.data.message,
          reason: e.data.reason,
        });
        break;
      case 'NotificationRequested':
      case 'NotificationSuppressed':
      case 'NotificationDelivered':
      case 'NotificationOpened':
      case 'NotificationClicked':
      case 'NotificationRedriven':
      case 'NotificationConverted':
      case 'NotificationCanceled':
      case 'NotificationDigested':
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
  }
  return out;
}

function classify(reason: Extract<NotificationEvent, { type: 'NotificationFailed' }>['data']['reason']): WhyAttempt['classification'] {
  switch (reason) {
    case 'permanent':
    case 'bounced':
    case 'undeliverable':
      return 'permanent';
    // Exhausted: the last answer was retryable and the budget ran out.
    case 'exhausted':
      return 'retryable';
    case 'token_invalid':
      return 'token_invalid';
    case 'poison':
      return 'none';
    // The broker's delivery limit ran out while handling kept failing: no provider answer to classify.
    case 'delivery_limit':
      return 'none';
    default: {
      const never: never = reason;
      return never;
    }
  }
}
