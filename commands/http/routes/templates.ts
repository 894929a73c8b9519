import { Router } from 'express';
import type { TemplateContent } from '../../../domain/events.ts';
import type { EventStore } from '../../../infra/eventStore/port.ts';
import { publishTemplate } from '../../templates.ts';
import { appIdOf, locals } from '../locals.ts';
import { idSchema, templateBodySchema } from '../schemas.ts';
import { parse } from '../validate.ts';

export function templatesRouter(store: EventStore, now: () => Date): Router {
  const router = Router();
  router.put('/v1/templates/:templateId', async (req, res) => {
    const templateId = parse(idSchema, req.params.templateId, 'templateId');
    const content = parse(templateBodySchema, req.body) as TemplateContent;
    const ctx = { appId: appIdOf(res), requestId: locals(res).requestId, now: now() };
    const { version, requiredParams } = await publishTemplate(store, ctx, templateId, content);
    res.status(200).json({ templateId, version, requiredParams });
  });
  return router;
}
