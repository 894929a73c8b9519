import { z } from 'zod';
import { idSchema, MAX_RECIPIENTS } from './schemas.ts';

/** POST /v1/schedules: one target (userId, userIds or topic), a template, and a cron (checked by domain/cron.ts). */
export const scheduleBodySchema = z
  .strictObject({
    userId: idSchema.optional(),
    userIds: z.array(idSchema).min(1).max(MAX_RECIPIENTS).optional(),
    topic: idSchema.optional(),
    templateId: idSchema,
    params: z.record(z.string(), z.unknown()).optional(),
    cron: z.string().min(1).max(200),
    timezone: z.string().min(1).max(64).optional(),
  })
  .superRefine((v, ctx) => {
    const targets = [v.userId, v.userIds, v.topic].filter((t) => t !== undefined).length;
    if (targets !== 1) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give exactly one of userId, userIds or topic' });
  });

/** Schedule ids are the UUIDs POST /v1/schedules answers with. */
export const SCHEDULE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
