import type { TemplateContent, TemplateEvent } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import { templateDecider, latestVersion, templateVersion, type TemplateState } from '../domain/template.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';
import { analyzeTemplateContent } from './templateAnalysis.ts';

/**
 * Publishes a template version. The required params are computed here, once, from the content,
 * so a notification request can be refused at the edge when one is missing.
 * Throws TemplateSyntaxError (the HTTP edge answers 400 naming the field) before anything is appended.
 */
export async function publishTemplate(store: EventStore, ctx: CommandContext, templateId: string, content: TemplateContent) {
  const { requiredParams } = analyzeTemplateContent(content);
  const result = await handleCommand(
    store,
    templateDecider,
    streams.template(templateId),
    { type: 'PublishTemplate', data: { templateId, appId: ctx.appId, content, requiredParams, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  const latest = latestVersion(result.state);
  return { version: latest?.version ?? 0, requiredParams: latest?.requiredParams ?? requiredParams };
}

/** The template as this app sees it (latest, or one version): another app's template does not exist for it. */
export async function loadTemplateForApp(store: EventStore, appId: string, templateId: string, version?: number) {
  const { state } = await loadState<TemplateState, TemplateEvent>(store, templateDecider, streams.template(templateId), { cached: true });
  if (state.appId !== appId) return undefined;
  return version === undefined ? latestVersion(state) : templateVersion(state, version);
}
