import { Router } from 'express';
import { z } from 'zod';
import { defineCategory, listCategories } from '../../commands/categories.ts';
import { loadUser } from '../../commands/users.ts';
import { preferencesUrl } from '../../domain/preferencesLink.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { categorySchema, idSchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** PUT /v1/categories/:name: what the preference center shows for a category. */
export const categoryBodySchema = z.strictObject({
  title: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
});

const DAY_S = 86_400;
/** The longest a caller may ask a preference link to live: a link in an old email stays a credential that long. */
export const MAX_PREFERENCES_LINK_SECONDS = 90 * DAY_S;

export const preferencesLinkBodySchema = z.strictObject({
  /** Default PREFERENCES_LINK_TTL_DAYS (7 days). */
  expiresInSeconds: z.number().int().min(60).max(MAX_PREFERENCES_LINK_SECONDS).optional(),
});

export interface PreferenceCenterOptions {
  publicUrl: string;
  /** The tracking secret: it signs these links too (domain/preferencesLink.ts). */
  secret: string;
  ttlDays: number;
}

/** Categories per app, and the signed link to a user's preference page. */
export function preferenceCenterRouter(store: EventStore, options: PreferenceCenterOptions, now: () => Date): Router {
  const router = Router();

  router.put('/categories/:name', async (req, res) => {
    const name = parse(categorySchema, req.params.name, 'name');
    const body = parse(categoryBodySchema, req.body);
    const ctx = contextOf(res, now());
    const definition = await defineCategory(store, ctx, name, {
      title: body.title,
      ...(body.description !== undefined && body.description !== '' && { description: body.description }),
    });
    res.status(200).json({ name, ...definition });
  });

  router.get('/categories', async (_req, res) => {
    res.status(200).json({ items: await listCategories(store, appIdOf(res)) });
  });

  router.post('/users/:userId/preferences-link', async (req, res) => {
    const userId = parse(idSchema, req.params.userId, 'userId');
    const body = parse(preferencesLinkBodySchema, req.body ?? {});
    const appId = appIdOf(res);
    const user = await loadUser(store, appId, userId);
    if (!user.exists) throw new HttpError(404, 'user_not_found', `user ${userId} does not exist`);
    const expiresAt = Math.floor(now().getTime() / 1000) + (body.expiresInSeconds ?? options.ttlDays * DAY_S);
    const url = preferencesUrl(options.publicUrl, { appId, userId, expiresAt }, options.secret);
    res
      .set('Cache-Control', 'no-store')
      .status(200)
      .json({ url, expiresAt: new Date(expiresAt * 1000).toISOString() });
  });

  return router;
}
