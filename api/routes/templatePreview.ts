import { randomUUID } from 'node:crypto';
import { PREFERENCES_PATH, PREFERENCES_URL_VARIABLE } from '../../domain/preferencesLink.ts';
import { Router } from 'express';
import { z } from 'zod';
import type { TemplateParts } from '../../domain/events.ts';
import { chatText } from '../../channels/render/chat.ts';
import { fieldsOf } from '../../domain/templateDialect.ts';
import { chooseVariant } from '../../domain/templateLocale.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { RenderBudgetError, type RenderPool } from '../../infra/render/pool.ts';
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
 * A part that cannot be rendered with these params (a missing variable, the render budget) is the
 * caller's input, not a server fault: 422 naming the template, version and part. Only the first line
 * of Liquid's message is kept: the rest quotes the template source, which stays out of answers and logs.
 */
function renderFailed(templateId: string, version: number, field: string | undefined, reason: string): HttpError {
  const line = reason.split('\n')[0]!.slice(0, 200);
  return new HttpError(422, 'render_failed', `template ${templateId} v${version}: ${field ?? 'a part'} could not be rendered: ${line}`, { field: field ?? 'templateId' });
}

/**
 * POST /v1/templates/:templateId/preview: every part of a version rendered with the given params,
 * with the same Liquid dialect the senders use (HTML escaped in email.html). Nothing is sent or recorded.
 * The render runs on the pool (never on this thread) within the render budget (infra/render/pool.ts).
 */
const PREVIEW_PREFERENCES_URL = `https://preferences.invalid${PREFERENCES_PATH}preview`;

export function templatePreviewRouter(store: EventStore, pool: RenderPool): Router {
  const router = Router();
  // The workers' parse cache is shared by whoever uses the pool; (id, version) is immutable within one log only.
  const cacheScope = randomUUID();
  router.post('/templates/:templateId/preview', async (req, res) => {
    const templateId = parse(idSchema, req.params.templateId, 'templateId');
    const body = parse(previewBodySchema, req.body ?? {});
    const appId = appIdOf(res);
    const found = await loadTemplateForApp(store, appId, templateId, body.version);
    if (!found) throw new HttpError(404, 'template_not_found', `template ${templateId} does not exist for this app`);
    const missing = found.requiredParams.filter((p) => !Object.hasOwn(body.params ?? {}, p));
    const variants: Record<string, string> = {};
    // The same choice the senders make: the locale, then its language, then the default parts.
    const fields = fieldsOf(found.content).map(([field]) => {
      const part = field.split('.')[0] as keyof TemplateParts;
      const variant = chooseVariant(found.content, part, body.locale);
      variants[part] = variant;
      return { variant, field };
    });
    let result;
    try {
      result = await pool.run({
        appId,
        templateId: `${templateId} v${found.version}`,
        cacheKey: `${cacheScope}\u0000${appId}\u0000${templateId}\u0000${found.version}`,
        content: found.content,
        fields,
        fieldFallback: true,
        // A preview has no recipient: the preference link shows where the real one goes, with a placeholder token.
        params: { ...(body.params ?? {}), [PREFERENCES_URL_VARIABLE]: PREVIEW_PREFERENCES_URL },
        ...(body.locale && { locale: body.locale }),
      });
    } catch (e) {
      if (e instanceof RenderBudgetError) throw renderFailed(templateId, found.version, e.field, `render limit exceeded (the ${e.budgetMs} ms render budget)`);
      throw e;
    }
    if (!result.ok) throw renderFailed(templateId, found.version, result.field, result.message);
    const rendered: Record<string, Record<string, string>> = {};
    fields.forEach(({ field }, i) => {
      const [part, key] = field.split('.') as [keyof TemplateParts, string];
      const value = result.values[i] ?? '';
      // A preview has no webhook to take the markup from: chat text is shown as Slack (the default target) gets it.
      (rendered[part] ??= {})[key] = field === 'chat.text' ? chatText(value, 'slack') : value;
    });
    res.status(200).json({ templateId, version: found.version, missingParams: missing, rendered, variants });
  });
  return router;
}
