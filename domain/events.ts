/**
 * Every event in the log, as one discriminated union per stream. The `type` string equals
 * the TypeScript type name, and these names are part of the pinned contract.
 */

export const CHANNELS = ['ios', 'android', 'web', 'sms', 'email', 'inapp', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];
/**
 * Preferences speak of `push` (covers ios + android + web), `sms`, `email`, `inapp`, `chat`. Chat is
 * its own: a team's Slack channel is not a device, and muting push must not mute it.
 */
export const PREF_CHANNELS = ['push', 'sms', 'email', 'inapp', 'chat'] as const;
export type PrefChannel = (typeof PREF_CHANNELS)[number];
/** A device is an APNs token, an FCM token, or a Web Push subscription (its token is the endpoint URL). */
export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** The keys of a Web Push subscription (RFC 8291), base64url as the browser's PushSubscription gives them. */
export interface WebPushKeys {
  p256dh: string;
  auth: string;
}

export function prefChannelOf(channel: Channel): PrefChannel {
  switch (channel) {
    case 'ios':
    case 'android':
    case 'web':
      return 'push';
    case 'sms':
      return 'sms';
    case 'email':
      return 'email';
    case 'inapp':
      return 'inapp';
    case 'chat':
      return 'chat';
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
  /**
   * Set on a request its committing process publishes itself right after the commit (the id it
   * keeps its confirmed watermark under): the dispatcher publishes it only if that process does not
   * confirm it in time (commands/publishOnCommit.ts, domain/publishOnCommit.ts handover).
   */
  committer?: string;
  /** The operator (console account) whose request appended the event; absent for app credentials and the CLI. */
  operatorId?: string;
}

/** Who a notification goes to, resolved at request time so a replay needs no other stream. */
export type Recipient =
  | { kind: 'email'; email: string; locale?: string }
  | { kind: 'sms'; phone: string; locale?: string }
  /** `webKeys`: for platform web, the subscription keys of each token (endpoint), so a replay needs no user stream. */
  | { kind: 'push'; platform: Platform; tokens: string[]; webKeys?: Record<string, WebPushKeys>; locale?: string }
  /** The user's own inbox, served by the platform: nothing to resolve but the user. */
  | { kind: 'inapp'; locale?: string }
  /** An incoming-webhook URL (Slack, Teams, Discord): its host decides the message format. */
  | { kind: 'chat'; webhookUrl: string; locale?: string };

export const SUPPRESS_REASONS = ['opted_out', 'category_opt_out', 'rate_limited', 'no_contact', 'quiet_hours', 'app_revoked'] as const;
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
  } & WorkflowRequestFields;
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
  } & WorkflowSuppressFields;
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
    /**
     * Channel inapp: the rendered item as it was put in the user's inbox. Delivery *is* this
     * record, so the inbox read model is rebuilt from the log like any other.
     */
    inbox?: InboxContent;
    /** The template variant rendered: a key of the template's `locales`, or `default`. */
    locale?: string;
  };
}
export interface InboxContent {
  userId: string;
  title: string;
  body: string;
  url?: string;
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
    /** The template variant rendered: a key of the template's `locales`, or `default`. */
    locale?: string;
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
// Operators and analysts (additive): a failed notification sent again, and what the app reports after a click.
/** A new attempt for a failed (or parked while pending) notification: same id, attempts continue after `fromAttempt`. */
export interface NotificationRedriven {
  type: 'NotificationRedriven';
  data: {
    notificationId: string;
    appId: string;
    channel: Channel;
    redriveId: string;
    previousStatus: 'failed' | 'pending';
    /** The last attempt recorded before the redrive; the retry budget starts again after it. */
    fromAttempt: number;
    at: string;
  };
}
/** Reported by the app (the rate that leads to real app use); once per name per notification. */
export interface NotificationConverted {
  type: 'NotificationConverted';
  data: { notificationId: string; name: string; value?: number; at: string };
}

// ---- workflow (cancel, digest): additive, kept together to ease merging ----------------
/** Optional request fields of the workflow features; absent on every plain request. */
export interface WorkflowRequestFields {
  /** A digest member: not sent alone, gathered into one message per (app, user, channel, key) window. */
  digest?: { key: string; windowSeconds: number };
  /** A digest notification: the members it carries, in the order they joined. */
  digestOf?: string[];
  /** Channels to try next, in order, if this one fails, is suppressed for no contact, or (afterSeconds) is not opened in time. */
  fallback?: FallbackStep[];
  /** A fallback notification: the notification whose outcome requested it. */
  fallbackOf?: string;
  /** An occurrence of a recurring schedule: which schedule, which occurrence (why answers it). */
  scheduledBy?: ScheduledBy;
}
/** The recurring-schedule occurrence a notification was made for. */
export interface ScheduledBy {
  scheduleId: string;
  occurrence: string;
}
export interface FallbackStep {
  channel: PrefChannel;
  afterSeconds?: number;
}
/** A suppression that still has a fallback carries what the next channel's request needs. */
export interface WorkflowSuppressFields {
  fallback?: FallbackStep[];
  fallbackOf?: string;
  scheduledBy?: ScheduledBy;
  /** Only with `fallback`: the request's params and template version, for the next channel. */
  params?: Params;
  templateVersion?: number;
}
export interface NotificationCanceled {
  type: 'NotificationCanceled';
  data: { notificationId: string; appId: string; at: string; by?: OperatorRef };
}
export interface NotificationDigested {
  type: 'NotificationDigested';
  data: { notificationId: string; digestNotificationId: string; at: string };
}

export type NotificationEvent =
  | NotificationRequested
  | NotificationSuppressed
  | NotificationSent
  | NotificationAttemptFailed
  | NotificationFailed
  | NotificationDelivered
  | NotificationOpened
  | NotificationClicked
  | NotificationRedriven
  | NotificationConverted
  | NotificationCanceled
  | NotificationDigested;

// ---- user-<userId> ---------------------------------------------------------------------
export interface Contact {
  email?: string;
  phone?: string;
  /** The chat channel's incoming-webhook URL (PUT /v1/users `chat: { webhookUrl }`). */
  chatWebhookUrl?: string;
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
  /** `reason` webhook_invalid: the sender cleared a chat webhook its host said is gone (404/410), as DeviceRemoved does for a dead token. */
  data: { userId: string; changes: ContactChanges; reason?: 'webhook_invalid'; at: string };
}
export interface DeviceRegistered {
  type: 'DeviceRegistered';
  /** Platform web: `token` is the subscription endpoint and `keys` its encryption keys. */
  data: { userId: string; token: string; platform: Platform; keys?: WebPushKeys; at: string };
}
export interface DeviceRemoved {
  type: 'DeviceRemoved';
  data: { userId: string; token: string; platform: Platform; reason: 'user' | 'token_invalid'; at: string };
}
export interface PreferencesChanged {
  type: 'PreferencesChanged';
  data: { userId: string; preferences: Preferences; at: string };
}
/**
 * The user's personal data was destroyed (crypto-shredding: their data key is gone, so the email,
 * phone, tokens and params in their earlier events read as ERASED). The user id is burned: every
 * later command on it is refused as user_not_found.
 */
export interface UserErased {
  type: 'UserErased';
  data: { userId: string; at: string };
}
export type UserEvent = UserRegistered | ContactChanged | DeviceRegistered | DeviceRemoved | PreferencesChanged | UserErased;

/** What a personal string (email, phone, device token) reads as once its user's data key is destroyed. */
export const ERASED = '[erased]';

/** Whether a recipient was erased after the request: nothing may be sent to it. */
export function recipientErased(r: Recipient): boolean {
  switch (r.kind) {
    case 'email':
      return r.email === ERASED;
    case 'sms':
      return r.phone === ERASED;
    case 'push':
      return r.tokens.some((t) => t === ERASED);
    case 'inapp':
      return false;
    case 'chat':
      return r.webhookUrl === ERASED;
    default: {
      const never: never = r;
      return never;
    }
  }
}

// ---- template-<templateId> -------------------------------------------------------------
export interface TemplateParts {
  email?: { subject: string; html: string; text?: string };
  sms?: { text: string };
  /** ios, android and web; `url` and `icon` are used by web push (the notification's click target and image). */
  push?: { title: string; body: string; url?: string; icon?: string };
  /** The in-app inbox item. */
  inapp?: { title: string; body: string; url?: string };
  /** The chat message; Liquid output is escaped for the target's markup (Slack mrkdwn, Discord markdown, Teams). */
  chat?: { text: string };
}
/** The default parts, and per BCP 47 locale (canonical form) the parts translated for it. */
export interface TemplateContent extends TemplateParts {
  locales?: Record<string, TemplateParts>;
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

// ---- categories-<appId>: one stream per app, its notification categories as end users see them ----
/** A category's title and description for the hosted preference center (PUT replaces both). */
export interface CategoryDefined {
  type: 'CategoryDefined';
  data: { appId: string; name: string; title: string; description?: string; at: string };
}
export type CategoryEvent = CategoryDefined;

/**
 * The operator (a console account, domain/operator.ts) who caused an event, on every event an
 * operator's action appends (the audit page reads it). Absent: the app's own credentials (the /v1
 * API) or the host's CLI did it.
 */
export interface OperatorRef {
  operatorId: string;
  email: string;
}

// ---- app-<appKey> ----------------------------------------------------------------------
export interface AppRegistered {
  type: 'AppRegistered';
  data: { appId: string; name: string; secretHash: string; at: string; by?: OperatorRef };
}
export interface AppSecretRotated {
  type: 'AppSecretRotated';
  data: { appId: string; secretHash: string; at: string; by?: OperatorRef };
}
export interface AppRevoked {
  type: 'AppRevoked';
  data: { appId: string; at: string; by?: OperatorRef };
}
export type AppEvent = AppRegistered | AppSecretRotated | AppRevoked;

// ---- redrive-<redriveId> ---------------------------------------------------------------
/** The first event of a redrive stream (appended with expected "no stream"): a second identical redrive finds it and does nothing. */
export interface RedriveRequested {
  type: 'RedriveRequested';
  data: {
    redriveId: string;
    appId: string;
    filter: { status: 'failed'; channel?: Channel; reason?: FailureReason; from: string; to: string };
    notificationIds: string[];
    at: string;
    /** Who asked, when an operator did (the console); absent for the app's own API call or the CLI. */
    by?: OperatorRef;
  };
}
export type RedriveEvent = RedriveRequested;

// ---- operator-<operatorId>: a console account (domain/operator.ts) ------------------------
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
/** `passwordHash`: scrypt (commands/apps.ts hashSecret), never the password. */
export interface OperatorCreated {
  type: 'OperatorCreated';
  data: { operatorId: string; email: string; role: OperatorRole; passwordHash: string; at: string; by?: OperatorRef };
}
export interface OperatorPasswordChanged {
  type: 'OperatorPasswordChanged';
  data: { operatorId: string; passwordHash: string; at: string; by?: OperatorRef };
}
/** `totpSealed`: the TOTP secret sealed with the operator's key in the key vault (commands/operatorTotp.ts), never in clear. */
export interface OperatorTotpEnabled {
  type: 'OperatorTotpEnabled';
  data: { operatorId: string; totpSealed: string; at: string; by?: OperatorRef };
}
export interface OperatorTotpDisabled {
  type: 'OperatorTotpDisabled';
  data: { operatorId: string; at: string; by?: OperatorRef };
}
export interface OperatorRoleChanged {
  type: 'OperatorRoleChanged';
  data: { operatorId: string; role: OperatorRole; previousRole: OperatorRole; at: string; by?: OperatorRef };
}
export interface OperatorDisabled {
  type: 'OperatorDisabled';
  data: { operatorId: string; at: string; by?: OperatorRef };
}
export interface OperatorEnabled {
  type: 'OperatorEnabled';
  data: { operatorId: string; at: string; by?: OperatorRef };
}
export type OperatorEvent = OperatorCreated | OperatorPasswordChanged | OperatorTotpEnabled | OperatorTotpDisabled | OperatorRoleChanged | OperatorDisabled | OperatorEnabled;

// ---- event-<appId>-<eventId>: the notifications one request's eventId made (cancel by eventId) ----
export interface NotificationsLinked {
  type: 'NotificationsLinked';
  data: { appId: string; eventId: string; notificationIds: string[]; at: string };
}
export type EventIndexEvent = NotificationsLinked;

// ---- digest-<hash(app, user, channel, key)>: one stream per digest key, windows one after another ----
export interface DigestWindowOpened {
  type: 'DigestWindowOpened';
  data: { windowId: string; appId: string; userId: string; channel: Channel; key: string; openedAt: string; closesAt: string };
}
export interface DigestMemberAdded {
  type: 'DigestMemberAdded';
  data: { windowId: string; notificationId: string; at: string };
}
export interface DigestWindowClosed {
  type: 'DigestWindowClosed';
  data: { windowId: string; digestNotificationId: string; members: string[]; at: string };
}
export type DigestEvent = DigestWindowOpened | DigestMemberAdded | DigestWindowClosed;

// ---- schedule-<scheduleId>: one recurring schedule of one app (domain/schedule.ts) ----------
/**
 * Who a schedule's occurrences go to: the users named at creation (`single`: asked as `userId`),
 * or (`topic`, `userIds` empty) the topic's subscribers at each occurrence.
 */
export interface ScheduleTarget {
  userIds: string[];
  single: boolean;
  topic?: string;
}
export interface ScheduleCreated {
  type: 'ScheduleCreated';
  data: {
    scheduleId: string;
    appId: string;
    target: ScheduleTarget;
    templateId: string;
    params: Params;
    cron: string;
    timezone: string;
    /** Where the time zone came from: the request, the user's profile, or UTC when neither had one. */
    timezoneFrom: 'request' | 'user' | 'default';
    createdAt: string;
    /** The first occurrence, as answered to the caller. */
    firstAt: string;
  };
}
/** One occurrence done: its notifications are in the log (or it was refused, with why). */
export interface ScheduleOccurred {
  type: 'ScheduleOccurred';
  data: {
    scheduleId: string;
    occurrence: string;
    eventId: string;
    notifications: number;
    refused?: { code: string; message: string };
    /** Occurrences missed during downtime before this time were skipped (bounded catch-up). */
    skippedBefore?: string;
    at: string;
  };
}
export interface ScheduleDeleted {
  type: 'ScheduleDeleted';
  data: { scheduleId: string; appId: string; at: string };
}
export type ScheduleEvent = ScheduleCreated | ScheduleOccurred | ScheduleDeleted;

// ---- topic-<app>-<topicId>: who is subscribed to one topic of one app ----
/** Users added to a topic: only those not already in it, so a repeated PUT appends nothing. */
export interface TopicSubscribed {
  type: 'TopicSubscribed';
  data: { appId: string; topicId: string; userIds: string[]; at: string };
}
/** `reason` user_erased: the user was erased (DELETE /v1/users/:userId) and left every topic. */
export interface TopicUnsubscribed {
  type: 'TopicUnsubscribed';
  data: { appId: string; topicId: string; userIds: string[]; reason: 'request' | 'user_erased'; at: string };
}
export type TopicEvent = TopicSubscribed | TopicUnsubscribed;

// ---- fanout-<fanoutId>: one topic send (one app, one eventId) and how far it got ----
/** What every subscriber's notification is requested with (a userIds send's fields, minus the recipients). */
export interface FanoutRequest {
  templateId: string;
  params: Params;
  channels?: PrefChannel[];
  category?: string;
  scheduleAt?: string;
  digest?: { key: string; windowSeconds: number };
  fallback?: FallbackStep[];
  /** A recurring schedule's occurrence (the background batches carry it on to each request). */
  scheduledBy?: ScheduledBy;
}
/**
 * A topic send accepted. The recipients are the topic's subscribers as of `topicRevision` (the fold
 * of the topic stream up to it, in code-unit order): the same list on every resumption, however the
 * topic changes meanwhile. `inline`: the request made the notifications itself (at most 1,000);
 * `background`: the workflow role makes them, `batchSize` at a time, recording each batch.
 */
export interface FanoutStarted {
  type: 'FanoutStarted';
  data: {
    fanoutId: string;
    appId: string;
    eventId: string;
    topicId: string;
    topicRevision: number;
    subscribers: number;
    mode: 'inline' | 'background';
    batchSize: number;
    request: FanoutRequest;
    at: string;
  };
}
/** Subscribers [from, to) of the list have their notifications; `notifications` of them were new or existing ones. */
export interface FanoutBatchCompleted {
  type: 'FanoutBatchCompleted';
  data: { fanoutId: string; from: number; to: number; notifications: number; at: string };
}
export interface FanoutCompleted {
  type: 'FanoutCompleted';
  data: { fanoutId: string; subscribers: number; at: string };
}
export type FanoutEvent = FanoutStarted | FanoutBatchCompleted | FanoutCompleted;

export type DomainEvent =
  | NotificationEvent
  | UserEvent
  | TemplateEvent
  | AppEvent
  | RedriveEvent
  | EventIndexEvent
  | DigestEvent
  | CategoryEvent
  | ScheduleEvent
  | TopicEvent
  | FanoutEvent
  | OperatorEvent;
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
  'NotificationRedriven',
  'NotificationConverted',
  'NotificationCanceled',
  'NotificationDigested',
] as const satisfies readonly NotificationEvent['type'][];
