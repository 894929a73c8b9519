import { prefChannelOf, type Channel, type PrefChannel, type Preferences, type Recipient, type SuppressReason, type TemplateContent } from './events.ts';
import { quietHoursRelease } from './quietHours.ts';
import { exceededWindow, type CountedRateWindow } from './rateWindows.ts';
import type { UserState } from './user.ts';

/**
 * Who may be notified on which channel, and when: one decision per user x concrete channel.
 * Time and the rate-window counts arrive as inputs, so the whole policy is a pure function.
 */

/** The preference channels a request covers: those asked for, or every channel the template has content for. */
export function deliveryTargets(content: TemplateContent, requested?: readonly PrefChannel[]): { channels: PrefChannel[] } | { missing: PrefChannel } {
  const available = (['push', 'sms', 'email', 'inapp', 'chat'] as const).filter((c) => content[c] !== undefined);
  const channels = requested ? [...requested] : available;
  const missing = channels.find((c) => !available.includes(c));
  return missing !== undefined ? { missing } : { channels };
}

/** `push` means the platforms the user has devices on; with none, ios and android record why nothing went. */
export function concreteChannels(pc: PrefChannel, user: UserState): Channel[] {
  if (pc !== 'push') return [pc];
  const platforms = new Set(Object.values(user.devices));
  const found = (['ios', 'android', 'web'] as const).filter((p) => platforms.has(p));
  return found.length ? found : ['ios', 'android'];
}

export interface DeliveryFacts {
  /** The user's folded state: contact, devices, preferences (opt-outs, quiet hours). */
  user: UserState;
  channel: Channel;
  category?: string;
  /** The windows of rateWindowsFor(...) with their counts; an empty list limits nothing. */
  rate: readonly CountedRateWindow[];
  now: Date;
  scheduleAt?: Date;
}

export type DeliveryDecision =
  | { kind: 'suppress'; reason: SuppressReason; detail: string }
  | { kind: 'request'; recipient: Recipient; scheduleAt?: Date }
  /** Quiet hours hold the notification back until the window ends; it is never dropped. */
  | { kind: 'defer'; recipient: Recipient; until: Date; reason: 'quiet_hours' };

/** In order: unknown user, opt-out, no contact, rate limit, then quiet hours; the first that applies decides. */
export function decideDelivery(facts: DeliveryFacts): DeliveryDecision {
  const { user, channel, category } = facts;
  if (!user.exists) return { kind: 'suppress', reason: 'no_contact', detail: 'unknown user' };
  const pc = prefChannelOf(channel);
  const optOut = optedOut(user.preferences, pc, category);
  if (optOut) return { kind: 'suppress', ...optOut };
  const recipient = recipientOf(user, channel);
  if (!recipient) return { kind: 'suppress', reason: 'no_contact', detail: `no ${pc === 'push' ? `${channel} device` : channel} on file` };
  const over = exceededWindow(facts.rate);
  if (over) return { kind: 'suppress', reason: 'rate_limited', detail: `${over.scope}: ${over.limit} per ${over.windowMs / 1000}s` };
  const due = facts.scheduleAt ?? facts.now;
  const quiet = user.preferences.quietHours;
  const release = quiet ? quietHoursRelease(due, quiet, user.contact.timezone ?? 'UTC') : undefined;
  if (release) return { kind: 'defer', recipient, until: release, reason: 'quiet_hours' };
  return { kind: 'request', recipient, ...(facts.scheduleAt ? { scheduleAt: facts.scheduleAt } : {}) };
}

/** A channel switched off wins over a category: the user wants nothing on it at all. */
function optedOut(prefs: Preferences, pc: PrefChannel, category: string | undefined): { reason: 'opted_out' | 'category_opt_out'; detail: string } | undefined {
  if (prefs.channels[pc] === false) return { reason: 'opted_out', detail: `channel ${pc} off` };
  if (category !== undefined && prefs.categories[category]?.[pc] === false) return { reason: 'category_opt_out', detail: `category ${category} off for ${pc}` };
  return undefined;
}

export function recipientOf(user: UserState, channel: Channel): Recipient | undefined {
  const locale = user.contact.locale !== undefined ? { locale: user.contact.locale } : {};
  switch (channel) {
    case 'email':
      return user.contact.email ? { kind: 'email', email: user.contact.email, ...locale } : undefined;
    case 'sms':
      return user.contact.phone ? { kind: 'sms', phone: user.contact.phone, ...locale } : undefined;
    case 'ios':
    case 'android':
    case 'web': {
      const tokens = Object.entries(user.devices)
        .filter(([, platform]) => platform === channel)
        .map(([token]) => token);
      if (tokens.length === 0) return undefined;
      if (channel !== 'web') return { kind: 'push', platform: channel, tokens, ...locale };
      const webKeys = Object.fromEntries(tokens.flatMap((t) => (user.webKeys[t] ? [[t, user.webKeys[t]]] : [])));
      return { kind: 'push', platform: channel, tokens, webKeys, ...locale };
    }
    case 'inapp':
      // Every known user has an inbox.
      return { kind: 'inapp', ...locale };
    case 'chat':
      return user.contact.chatWebhookUrl ? { kind: 'chat', webhookUrl: user.contact.chatWebhookUrl, ...locale } : undefined;
    default: {
      const never: never = channel;
      return never;
    }
  }
}
