import { isValidPhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { CHANNELS, FAILURE_REASONS, PREF_CHANNELS } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../../domain/notification.ts';
import { isHhMm, isTimeZone } from '../../domain/quietHours.ts';
import { USER_NOTIFICATIONS_MAX_LIMIT } from '../../projections/userNotifications.ts';

/**
 * Every request shape, checked at the edge. Objects are strict: an unknown key is a 400 naming
 * it, so a typo ("emial") is caught instead of silently ignored.
 */
export const MAX_RECIPIENTS = 1000;

export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~:@+-]*$/, 'must be 1-128 characters of letters, digits and ._~:@+- (starting with a letter or digit)');

export const categorySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters of letters, digits and _.-');

export const emailSchema = z.email().max(254);

/** E.164 only ("+" then up to 15 digits) and a number libphonenumber knows to be valid. */
export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number such as +14155550123')
  .refine((v) => isValidPhoneNumber(v), 'is not a valid phone number');

const localeSchema = z
  .string()
  .max(35)
  .refine((v) => {
    try {
      return Intl.getCanonicalLocales(v).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 language tag such as en-US');

const timezoneSchema = z.string().max(64).refine(isTimeZone, 'must be an IANA timezone such as Europe/Paris');

export const userBodySchema = z.strictObject({
  email: emailSchema.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  locale: localeSchema.nullable().optional(),
  timezone: timezoneSchema.nullable().optional(),
  /** The chat channel's incoming webhook; the outbound-URL rule is checked by the route (it knows the listed origins). null clears it. */
  chat: z
    .strictObject({
      webhookUrl: z
        .string()
        .max(2048)
        .refine((u) => !/\s/.test(u), 'must not contain whitespace'),
    })
    .nullable()
    .optional(),
});

export const APNS_TOKEN = /^[0-9a-fA-F]{64}$/;
export const FCM_TOKEN = /^[A-Za-z0-9_:-]{100,4096}$/;

export function tokenMatchesPlatform(token: string, platform: 'ios' | 'android'): boolean {
  return platform === 'ios' ? APNS_TOKEN.test(token) : FCM_TOKEN.test(token);
}

const mobileDeviceSchema = z.strictObject({ token: z.string().max(4096), platform: z.enum(['ios', 'android']) }).superRefine((v, ctx) => {
  if (!tokenMatchesPlatform(v.token, v.platform)) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: v.platform === 'ios' ? 'an APNs device token is 64 hex characters' : 'an FCM registration token is 100-4096 characters of A-Z a-z 0-9 _ : -',
    });
  }
});

/** A browser's PushSubscription.toJSON() (expirationTime allowed, ignored): the push service's https endpoint and the RFC 8291 keys. */
const webSubscriptionSchema = z.object({
  endpoint: z
    .url({ protocol: /^https$/ })
    .max(2048)
    .refine((u) => !/[\s]/.test(u), 'must not contain whitespace'),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    // An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url.
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, 'must be a base64url P-256 public key (65 bytes)'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{22,24}={0,2}$/, 'must be a base64url 16-byte secret'),
  }),
});

const webDeviceSchema = z.strictObject({ platform: z.literal('web'), subscription: webSubscriptionSchema });

export const deviceBodySchema = z.discriminatedUnion('platform', [mobileDeviceSchema, webDeviceSchema]);

/** The id `POST .../devices` answers with (domain/user.ts deviceId). */
export const DEVICE_ID = /^dev_[0-9a-f]{32}$/;

const channelPrefsSchema = z.strictObject({
  push: z.boolean().optional(),
  sms: z.boolean().optional(),
  email: z.boolean().optional(),
  inapp: z.boolean().optional(),
  chat: z.boolean().optional(),
});

const quietHoursSchema = z
  .strictObject({
    start: z.string().refine(isHhMm, 'must be HH:MM (24-hour)'),
    end: z.string().refine(isHhMm, 'must be HH:MM (24-hour)'),
  })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });

export const preferencesBodySchema = z.strictObject({
  channels: channelPrefsSchema.optional(),
  categories: z
    .record(categorySchema, channelPrefsSchema)
    .refine((r) => Object.keys(r).length <= 200, 'at most 200 categories')
    .optional(),
  /** Extension to the pinned contract: a local window in the user's timezone; null clears it. */
  quietHours: quietHoursSchema.nullable().optional(),
});

const text = (max: number) => z.string().min(1).max(max);

const templateParts = {
  email: z.strictObject({ subject: text(998), html: text(500_000), text: text(500_000).optional() }).optional(),
  sms: z.strictObject({ text: text(1600) }).optional(),
  push: z.strictObject({ title: text(256), body: text(4096), url: text(2048).optional(), icon: text(2048).optional() }).optional(),
  inapp: z.strictObject({ title: text(256), body: text(10_000), url: text(2048).optional() }).optional(),
  chat: z.strictObject({ text: text(40_000) }).optional(),
};

export const templateBodySchema = z
  .strictObject({
    ...templateParts,
    /** Translations: per BCP 47 locale, the parts in that language (keys are stored in canonical form, e.g. de-AT). */
    locales: z
      .record(localeSchema, z.strictObject(templateParts))
      .refine((r) => Object.keys(r).length <= 100, 'at most 100 locales')
      .transform((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [Intl.getCanonicalLocales(k)[0]!, v])))
      .optional(),
  })
  .refine(
    (t) => t.email !== undefined || t.sms !== undefined || t.push !== undefined || t.inapp !== undefined || t.chat !== undefined,
    'a template needs email, sms, push, inapp or chat content',
  )
  .superRefine((t, ctx) => {
    // A translation never adds a channel: the default parts decide which channels a template serves.
    for (const [locale, parts] of Object.entries(t.locales ?? {})) {
      for (const part of ['email', 'sms', 'push', 'inapp', 'chat'] as const) {
        if (parts[part] !== undefined && t[part] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['locales', locale, part], message: `the default parts have no ${part}: add it there first` });
        }
      }
    }
  });

export const templateQuerySchema = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a positive integer')
    .transform(Number)
    .optional(),
});

// Control characters in ids and keys end up in logs and headers: refused.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]+$/u;
export const eventIdSchema = z.string().min(1).max(200).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

export const cancelByEventBodySchema = z.strictObject({ eventId: eventIdSchema });

export const notificationBodySchema = z
  .strictObject({
    eventId: eventIdSchema,
    userId: idSchema.optional(),
    userIds: z.array(idSchema).min(1).max(MAX_RECIPIENTS).optional(),
    /** Every subscriber of the app's topic (PUT /v1/topics/:topicId/subscribers). */
    topic: idSchema.optional(),
    templateId: idSchema,
    params: z.record(z.string(), z.unknown()).optional(),
    channels: z.array(z.enum(PREF_CHANNELS)).min(1).max(PREF_CHANNELS.length).optional(),
    category: categorySchema.optional(),
    scheduleAt: z.iso.datetime({ offset: true }).optional(),
    /** Gather requests of one (user, channel, key) inside a window into one message (`digest.events`, `digest.count`). */
    digest: z
      .strictObject({
        key: z.string().min(1).max(128).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
        windowSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * 86_400),
      })
      .optional(),
    /** Channels tried next, in order, when this one fails, has no contact, or (afterSeconds) is not opened or clicked in time. */
    fallback: z
      .array(
        z.strictObject({
          channel: z.enum(PREF_CHANNELS),
          afterSeconds: z
            .number()
            .int()
            .min(1)
            .max(30 * 86_400)
            .optional(),
        }),
      )
      .min(1)
      .max(3)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.digest !== undefined && v.fallback !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['fallback'], message: 'a digest member has no fallback of its own: give digest or fallback, not both' });
    }
    if (v.digest !== undefined && v.scheduleAt !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['digest'], message: 'a digest window starts at the request: give digest or scheduleAt, not both' });
    }
    if ([v.userId, v.userIds, v.topic].filter((r) => r !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give exactly one of userId, userIds or topic' });
    }
  });

/** PUT /v1/topics/:topicId/subscribers: at most MAX_RECIPIENTS per call, like a userIds send. */
export const topicSubscribersBodySchema = z.strictObject({ userIds: z.array(idSchema).min(1).max(MAX_RECIPIENTS) });

export const topicSubscribersQuerySchema = z.strictObject({ cursor: z.string().min(1).max(400).optional() });

export const analyticsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  channel: z.enum(CHANNELS).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

const limitMessage = `must be an integer from 1 to ${USER_NOTIFICATIONS_MAX_LIMIT}`;

/** GET /v1/users/:userId/notifications; the cursor is checked where it is decoded (projections). */
export const userNotificationsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,6}$/, limitMessage)
    .transform(Number)
    .refine((n) => n >= 1 && n <= USER_NOTIFICATIONS_MAX_LIMIT, limitMessage)
    .optional(),
  cursor: z.string().min(1).max(1024).optional(),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
});

export const NOTIFICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---- operators and analysts: why, conversions, redrive, time series ---------------------------------

export const whyQuerySchema = z.strictObject({
  userId: idSchema,
  eventId: z.string().min(1).max(200).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
  /** Narrows the question to one preference channel ("why no sms?"). */
  channel: z.enum(PREF_CHANNELS).optional(),
});

export const conversionBodySchema = z.strictObject({
  /** Conversions are recorded once per name; absent means "conversion". */
  name: categorySchema.optional(),
  value: z.number().finite().optional(),
});

export const redriveBodySchema = z
  .strictObject({
    /** Only failed notifications are redriven. */
    status: z.literal('failed'),
    channel: z.enum(CHANNELS).optional(),
    reason: z.enum(FAILURE_REASONS).optional(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    dryRun: z.boolean().optional(),
    /** An explicit redrive id; by default it is derived from the request, so the same request twice is one redrive. */
    id: idSchema.optional(),
  })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'must be after from', path: ['to'] });

export const ANALYTICS_INTERVALS = ['hour', 'day'] as const;
export const ANALYTICS_GROUPS = ['channel', 'template', 'provider', 'status'] as const;

export const timeseriesQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  interval: z.enum(ANALYTICS_INTERVALS).optional(),
  groupBy: z.enum(ANALYTICS_GROUPS).optional(),
  channel: z.enum(CHANNELS).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
