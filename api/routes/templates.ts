import { Router } from 'express';
import type { TemplateContent } from '../../domain/events.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { RenderPool } from '../../infra/render/pool.ts';
import { loadTemplateForApp, publishTemplate } from '../../commands/templates.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf, contextOf } from '../edge/locals.ts';
import { idSchema, templateBodySchema, templateQuerySchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

/** `pool`: where a publish renders each part once to check it fits the render budget. */
export function templatesRouter(store: EventStore, now: () => Date, pool?: RenderPool): Router {
  const router = Router();
  router.put('/templates/:templateId', async (req, res) => {
    const templateId = parse(idSchema, req.params.templateId, 'templateId');
    const content = parse(templateBodySchema, req.body) as TemplateContent;
    const ctx = contextOf(res, now());
    const { version, requiredParams } = await publishTemplate(store, ctx, templateId, content, pool);
    res.status(200).json({ templateId, version, requiredParams });
  });

  // Not in the pinned table: reading back what was published (?version=n for an older one).
  router.get('/templates/:templateId', async (req, res) => {
    const templateId = parse(idSchema, req.params.templateId, 'templateId');
    const { version } = parse(templateQuerySchema, req.query, 'query');
    const found = await loadTemplateForApp(store, appIdOf(res), templateId, version);
    if (!found) throw new HttpError(404, 'template_not_found', `template ${templateId}${version ? ` v${version}` : ''} does not exist for this app`);
    res.status(200).json({ templateId, version: found.version, content: found.content, requiredParams: found.requiredParams, publishedAt: found.at });
  });
  return router;
}
