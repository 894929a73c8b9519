import { Router } from 'express';
import { z } from 'zod';
import type { TemplateParts } from '../../domain/events.ts';
import { compileTemplate, engineFor, LOCALE_GLOBAL, type TemplateField } from '../../domain/templateDialect.ts';
import { chooseVariant, DEFAULT_VARIANT } from '../../domain/templateLocale.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { loadTemplateForApp } from '../../commands/templates.ts';
import { HttpError } from '../edge/errors.ts';
import { appIdOf } from '../edge/locals.ts';
import { idSchema } from '../edge/schemas.ts';
import { parse } from '../edge/validate.ts';

export const previewBodySchema = z.strictObject({
  params: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().min(1).optional(),
  /** A recipient's locale (BCP 47): each part renders the variant the senders would choose for it. */
  locale: z.string().min(1).max(35).optional(),
});

/**
 * A part that cannot be rendered with these params (a missing variable, a render limit) is the
 * caller's input, not a server fault: 422 naming the template, version and part. Only the first line
 * of Liquid's message is kept: the rest quotes the template source, which stays out of answers and logs.
 */
async function renderPart(templateId: string, version: number, field: TemplateField, render: () => Promise<unknown>): Promise<string> {
  try {
    return String(await render());
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
    throw new HttpError(422, 'render_failed', `template ${templateId} v${version}: ${field} could not be rendered: ${reason}`, { field });
  }
}

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
    const { locales, ...parts } = compileTemplate(found.content);
    const rendered: Record<string, Record<string, string>> = {};
    const variants: Record<string, string> = {};
    const missing = found.requiredParams.filter((p) => !Object.hasOwn(body.params ?? {}, p));
    for (const [field, parsed] of Object.entries(parts) as Array<[TemplateField, NonNullable<(typeof parts)[TemplateField]>]>) {
      const [part, key] = field.split('.') as [keyof TemplateParts, string];
      // The same choice the senders make: the locale, then its language, then the default parts.
      const variant = chooseVariant(found.content, part, body.locale);
      variants[part] = variant;
      const source = variant === DEFAULT_VARIANT ? parsed : (locales[variant]?.[field] ?? parsed);
      (rendered[part] ??= {})[key] = await renderPart(templateId, found.version, field, () =>
        engineFor(field).render(source, body.params ?? {}, body.locale ? { globals: { [LOCALE_GLOBAL]: body.locale } } : {}),
      );
    }
    res.status(200).json({ templateId, version: found.version, missingParams: missing, rendered, variants });
  });
  return router;
}
