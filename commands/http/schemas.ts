import { isValidPhoneNumber } from 'libphonenumber-js';
import { z } from 'zod';
import { CHANNELS, PLATFORMS, PREF_CHANNELS } from '../../domain/events.ts';
import { isHhMm, isTimeZone } from '../../domain/quietHours.ts';

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

const categorySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters of letters, digits and _.-');

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
});

export const APNS_TOKEN = /^[0-9a-fA-F]{64}$/;
export const FCM_TOKEN = /^[A-Za-z0-9_:-]{100,4096}$/;

export function tokenMatchesPlatform(token: string, platform: (typeof PLATFORMS)[number]): boolean {
  return platform === 'ios' ? APNS_TOKEN.test(token) : FCM_TOKEN.test(token);
}

export const deviceBodySchema = z
  .strictObject({ token: z.string().max(4096), platform: z.enum(PLATFORMS) })
  .superRefine((v, ctx) => {
    if (!tokenMatchesPlatform(v.token, v.platform)) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: v.platform === 'ios' ? 'an APNs device token is 64 hex characters' : 'an FCM registration token is 100-4096 characters of A-Z a-z 0-9 _ : -',
      });
    }
  });

const channelPrefsSchema = z.strictObject({ push: z.boolean().optional(), sms: z.boolean().optional(), email: z.boolean().optional() });

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
  push: z.strictObject({ title: text(256), body: text(4096) }).optional(),
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
  .refine((t) => t.email !== undefined || t.sms !== undefined || t.push !== undefined, 'a template needs email, sms or push content')
  .superRefine((t, ctx) => {
    // A translation never adds a channel: the default parts decide which channels a template serves.
    for (const [locale, parts] of Object.entries(t.locales ?? {})) {
      for (const part of ['email', 'sms', 'push'] as const) {
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

const eventIdSchema = z.string().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]+$/u, 'must not contain control characters');

export const cancelByEventBodySchema = z.strictObject({ eventId: eventIdSchema });

export const notificationBodySchema = z
  .strictObject({
    eventId: eventIdSchema,
    userId: idSchema.optional(),
    userIds: z.array(idSchema).min(1).max(MAX_RECIPIENTS).optional(),
    templateId: idSchema,
    params: z.record(z.string(), z.unknown()).optional(),
    channels: z.array(z.enum(PREF_CHANNELS)).min(1).max(3).optional(),
    category: categorySchema.optional(),
    scheduleAt: z.iso.datetime({ offset: true }).optional(),
    /** Gather requests of one (user, channel, key) inside a window into one message (`digest.events`, `digest.count`). */
    digest: z
      .strictObject({
        key: z.string().min(1).max(128).regex(/^[^\u0000-\u001f\u007f]+$/u, 'must not contain control characters'),
        windowSeconds: z.number().int().min(1).max(7 * 86_400),
      })
      .optional(),
    /** Channels tried next, in order, when this one fails, has no contact, or (afterSeconds) is not opened or clicked in time. */
    fallback: z
      .array(z.strictObject({ channel: z.enum(PREF_CHANNELS), afterSeconds: z.number().int().min(1).max(30 * 86_400).optional() }))
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
    if ((v.userId === undefined) === (v.userIds === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give exactly one of userId or userIds' });
    }
  });

export const analyticsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  channel: z.enum(CHANNELS).optional(),
});

export const NOTIFICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
