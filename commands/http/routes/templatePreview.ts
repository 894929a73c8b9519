import { Router } from 'express';
import { z } from 'zod';
import { compileTemplate, engineFor, type TemplateField } from '../../../domain/templateDialect.ts';
import type { EventStore } from '../../../infra/eventStore/port.ts';
import { loadTemplateForApp } from '../../templates.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf } from '../edge/locals.ts';
import { idSchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

export const previewBodySchema = z.strictObject({
  params: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().min(1).optional(),
});

/**
 * POST /v1/templates/:templateId/preview: every part of a version rendered with the given params,
 * with the same Liquid dialect the senders use (HTML escaped in email.html). Nothing is sent or recorded.
 */
export function templatePreviewRouter(store: EventStore): Router {
  const router = Router();
  router.post('/templates/:templateId/preview', async (req, res) => {
    const templateId = parse(idSchema, req.params.templateId, 'templateId');
    const body = parse(previewBodySchema, req.body ?? {});
    const found = await loadTemplateForApp(store, appIdOf(res), templateId, body.version);
    if (!found) throw new HttpError(404, 'template_not_found', `template ${templateId} does not exist for this app`);
    const compiled = compileTemplate(found.content);
    const rendered: Record<string, Record<string, string>> = {};
    const missing = found.requiredParams.filter((p) => !Object.hasOwn(body.params ?? {}, p));
    for (const [field, parsed] of Object.entries(compiled) as Array<[TemplateField, NonNullable<(typeof compiled)[TemplateField]>]>) {
      const [part, key] = field.split('.') as [string, string];
      (rendered[part] ??= {})[key] = await engineFor(field).render(parsed, body.params ?? {});
    }
    res.status(200).json({ templateId, version: found.version, missingParams: missing, rendered });
  });
  return router;
}
