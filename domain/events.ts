/**
 * Every event in the log, as one discriminated union per stream. The `type` string equals
 * the TypeScript type name, and these names are part of the pinned contract.
 */

export const CHANNELS = ['ios', 'android', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Preferences speak of `push` (covers ios + android), `sms`, `email`. */
export const PREF_CHANNELS = ['push', 'sms', 'email'] as const;
export type PrefChannel = (typeof PREF_CHANNELS)[number];
export const PLATFORMS = ['ios', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function prefChannelOf(channel: Channel): PrefChannel {
  switch (channel) {
    case 'ios':
    case 'android':
      return 'push';
    case 'sms':
      return 'sms';
    case 'email':
      return 'email';
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

/** Carried by every event; `traceparent` links the log to the OpenTelemetry trace. */
export interface EventMetadata {
  correlationId: string;
  causationId: string;
  appId: string;
  traceparent?: string;
}

/** Who a notification goes to, resolved at request time so a replay needs no other stream. */
export type Recipient =
  | { kind: 'email'; email: string; locale?: string }
  | { kind: 'sms'; phone: string; locale?: string }
  | { kind: 'push'; platform: Platform; tokens: string[]; locale?: string };

export const SUPPRESS_REASONS = ['opted_out', 'rate_limited', 'no_contact', 'quiet_hours', 'app_revoked'] as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[number];

export const FAILURE_REASONS = ['permanent', 'exhausted', 'token_invalid', 'poison', 'bounced', 'undeliverable', 'delivery_limit'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type Params = Record<string, unknown>;

// ---- notification-<id> ----------------------------------------------------------------
export interface NotificationRequested {
  type: 'NotificationRequested';
  data: {
    notificationId: string;
    appId: string;
    eventId: string;
    userId: string;
    channel: Channel;
    templateId: string;
    templateVersion: number;
    params: Params;
    recipient: Recipient;
    category?: string;
    /** ISO time; absent means "now". Set by the caller or by quiet-hours deferral. */
    scheduleAt?: string;
    deferredBy?: 'quiet_hours';
    requestedAt: string;
  };
}
export interface NotificationSuppressed {
  type: 'NotificationSuppressed';
  data: {
    notificationId: string;
    appId: string;
    eventId: string;
    userId: string;
    channel: Channel;
    templateId: string;
    category?: string;
    reason: SuppressReason;
    detail?: string;
    at: string;
  };
}
export interface NotificationSent {
  type: 'NotificationSent';
  data: {
    notificationId: string;
    attempt: number;
    provider: string;
    providerMessageId: string;
    at: string;
    /** SMS segment count, when the channel has segments. */
    segments?: number;
  };
}
export interface NotificationAttemptFailed {
  type: 'NotificationAttemptFailed';
  data: {
    notificationId: string;
    attempt: number;
    provider: string;
    code: string;
    message: string;
    at: string;
    retryInMs?: number;
  };
}
export interface NotificationFailed {
  type: 'NotificationFailed';
  data: {
    notificationId: string;
    attempt?: number;
    provider?: string;
    reason: FailureReason;
    code: string;
    message: string;
    at: string;
  };
}
export interface NotificationDelivered {
  type: 'NotificationDelivered';
  data: { notificationId: string; provider: string; at: string };
}
export interface NotificationOpened {
  type: 'NotificationOpened';
  data: { notificationId: string; at: string };
}
export interface NotificationClicked {
  type: 'NotificationClicked';
  data: { notificationId: string; url: string; at: string };
}
export type NotificationEvent =
  | NotificationRequested
  | NotificationSuppressed
  | NotificationSent
  | NotificationAttemptFailed
  | NotificationFailed
  | NotificationDelivered
  | NotificationOpened
  | NotificationClicked;

// ---- user-<userId> ---------------------------------------------------------------------
export interface Contact {
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
}
/** `null` clears a field; an absent key leaves it as it was. */
export type ContactChanges = { [K in keyof Contact]?: Contact[K] | null };
export type ChannelPrefs = Partial<Record<PrefChannel, boolean>>;
export interface Preferences {
  channels: ChannelPrefs;
  categories: Record<string, ChannelPrefs>;
  /** Local "HH:MM" in the user's timezone; notifications inside the window are deferred. */
  quietHours?: { start: string; end: string };
}
export interface UserRegistered {
  type: 'UserRegistered';
  data: { userId: string; contact: Contact; at: string };
}
export interface ContactChanged {
  type: 'ContactChanged';
  data: { userId: string; changes: ContactChanges; at: string };
}
export interface DeviceRegistered {
  type: 'DeviceRegistered';
  data: { userId: string; token: string; platform: Platform; at: string };
}
export interface DeviceRemoved {
  type: 'DeviceRemoved';
  data: { userId: string; token: string; platform: Platform; reason: 'user' | 'token_invalid'; at: string };
}
export interface PreferencesChanged {
  type: 'PreferencesChanged';
  data: { userId: string; preferences: Preferences; at: string };
}
export type UserEvent = UserRegistered | ContactChanged | DeviceRegistered | DeviceRemoved | PreferencesChanged;

// ---- template-<templateId> -------------------------------------------------------------
export interface TemplateContent {
  email?: { subject: string; html: string; text?: string };
  sms?: { text: string };
  push?: { title: string; body: string };
}
export interface TemplatePublished {
  type: 'TemplatePublished';
  data: {
    templateId: string;
    appId: string;
    version: number;
    content: TemplateContent;
    /** Top-level params the template reads; a request missing one is rejected. */
    requiredParams: string[];
    at: string;
  };
}
export type TemplateEvent = TemplatePublished;

// ---- app-<appKey> ----------------------------------------------------------------------
export interface AppRegistered {
  type: 'AppRegistered';
  data: { appId: string; name: string; secretHash: string; at: string };
}
export interface AppSecretRotated {
  type: 'AppSecretRotated';
  data: { appId: string; secretHash: string; at: string };
}
export interface AppRevoked {
  type: 'AppRevoked';
  data: { appId: string; at: string };
}
export type AppEvent = AppRegistered | AppSecretRotated | AppRevoked;

export type DomainEvent = NotificationEvent | UserEvent | TemplateEvent | AppEvent;
export type DomainEventType = DomainEvent['type'];

export const NOTIFICATION_EVENT_TYPES = [
  'NotificationRequested',
  'NotificationSuppressed',
  'NotificationSent',
  'NotificationAttemptFailed',
  'NotificationFailed',
  'NotificationDelivered',
  'NotificationOpened',
  'NotificationClicked',
] as const satisfies readonly NotificationEvent['type'][];
