import type { TemplateContent, TemplateEvent } from '../domain/events.ts';
import { legacyTemplateStream, streams } from '../domain/streams.ts';
import { templateDecider, latestVersion, templateVersion, type TemplateState } from '../domain/template.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { analyzeTemplateContent } from './templateAnalysis.ts';
import { InputError } from './inputError.ts';
import { fieldsOf, variantsOf } from '../domain/templateDialect.ts';
import { DEFAULT_VARIANT } from '../domain/templateLocale.ts';
import { RenderBudgetError, type RenderPool } from '../infra/render/pool.ts';

/** Owner of each legacy template stream looked at, per log (no legacy stream is ever created again, so answers never go stale). */
const legacyOwners = new WeakMap<object, Map<string, string | null>>();

/**
 * The stream of (app, template id). Templates published while ids were one namespace for all apps
 * stay in their old stream `template-<id>`, read and written there for the app that owns it, so
 * their versions continue and notifications already requested still render; every other app (and
 * every template made since) has its own `template-<app>-<id>`. No migration step is needed.
 */
export async function templateStream(store: Pick<EventStore, 'readStream'>, appId: string, templateId: string): Promise<string> {
  let owners = legacyOwners.get(store);
  if (!owners) legacyOwners.set(store, (owners = new Map<string, string | null>()));
  let owner = owners.get(templateId);
  if (owner === undefined) {
    const first = (await store.readStream(legacyTemplateStream(templateId)))[0];
    // The id must match too: an id holding a dash (`app_x-bar`) spells some app's own stream (app_x, `bar`).
    owner = first?.type === 'TemplatePublished' && first.data.templateId === templateId ? first.data.appId : null;
    if (owners.size >= 10_000) owners.delete(owners.keys().next().value as string);
    owners.set(templateId, owner);
  }
  return owner === appId ? legacyTemplateStream(templateId) : streams.template(appId, templateId);
}

/**
 * Publishes a template version. The required params are computed here, once, from the content,
 * so a notification request can be refused at the edge when one is missing.
 * Throws TemplateSyntaxError (the HTTP edge answers 400 naming the field) before anything is appended.
 */
export async function publishTemplate(store: EventStore, ctx: CommandContext, templateId: string, content: TemplateContent, pool?: RenderPool) {
  const { requiredParams } = analyzeTemplateContent(content);
  if (pool) await checkRenderBudget(pool, ctx.appId, templateId, content, requiredParams);
  const result = await handleCommand(
    store,
    templateDecider,
    await templateStream(store, ctx.appId, templateId),
    { type: 'PublishTemplate', data: { templateId, appId: ctx.appId, content, requiredParams, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  const latest = latestVersion(result.state);
  return { version: latest?.version ?? 0, requiredParams: latest?.requiredParams ?? requiredParams };
}

/**
 * Every part of every variant rendered once, each within the render budget, against the params'
 * own names (a template carries no sample params): a template that cannot render within it even
 * then is refused, naming the part, before it is stored. Other render failures are not judged
 * here: placeholder params may fail where real ones pass.
 */
async function checkRenderBudget(pool: RenderPool, appId: string, templateId: string, content: TemplateContent, requiredParams: string[]): Promise<void> {
  const params = Object.fromEntries(requiredParams.map((name) => [name, name]));
  for (const [prefix, parts] of variantsOf(content)) {
    const variant = prefix === '' ? DEFAULT_VARIANT : prefix.slice('locales.'.length, -1);
    for (const [field] of fieldsOf(parts)) {
      try {
        await pool.run({ appId, templateId, content, fields: [{ variant, field }], fieldFallback: false, params });
      } catch (e) {
        if (e instanceof RenderBudgetError) throw new InputError(`${prefix}${field}`, `${prefix}${field}: rendering takes longer than the ${e.budgetMs} ms render budget`);
        throw e;
      }
    }
  }
}

/** The template as this app sees it (latest, or one version): another app's template does not exist for it. */
export async function loadTemplateForApp(store: EventStore, appId: string, templateId: string, version?: number) {
  const { state } = await loadState<TemplateState, TemplateEvent>(store, templateDecider, await templateStream(store, appId, templateId), { cached: true });
  if (state.appId !== appId) return undefined;
  return version === undefined ? latestVersion(state) : templateVersion(state, version);
}
