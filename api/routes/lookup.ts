import { Router } from 'express';
import type { EventNotification } from '../../projections/operatorQueries.ts';
import type { TemplateListItem } from '../../projections/templates.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf } from '../edge/locals.ts';
import { eventIdSchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

export interface LookupDeps {
  /** The app's templates, latest version each (the `templates` read model). */
  templates?: (appId: string) => Promise<{ items: TemplateListItem[]; truncated: boolean }>;
  /** The notifications one of the app's events produced, for any user (the `notifications` read model). */
  eventNotifications?: (appId: string, eventId: string) => Promise<EventNotification[]>;
}

const unavailable = (what: string) => new HttpError(503, 'unavailable', `${what} needs the projection store, which this API process was started without`);

/**
 * Reads the console looks things up with (not in the pinned table): the template list, and an
 * event's notifications (search by eventId; a fallback shares its source's eventId, so this is
 * also how a notification finds the fallbacks that replaced it). Both follow the log.
 */
export function lookupRouter(deps: LookupDeps): Router {
  const router = Router();
  router.get('/templates', async (_req, res) => {
    if (!deps.templates) throw unavailable('listing templates');
    res.status(200).json(await deps.templates(appIdOf(res)));
  });
  router.get('/events/:eventId/notifications', async (req, res) => {
    const eventId = parse(eventIdSchema, req.params.eventId, 'eventId');
    if (!deps.eventNotifications) throw unavailable("finding an event's notifications");
    res.status(200).json({ eventId, items: await deps.eventNotifications(appIdOf(res), eventId) });
  });
  return router;
}
