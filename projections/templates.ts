import type { TemplateParts } from '../domain/events.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { servingCollection } from './generations.ts';
import type { EventOf, ProjectedDoc, ReadModel } from './readModel.ts';

/**
 * The app's templates, one document per (app, template id) holding its latest version: what the
 * console's template list shows. The content itself stays in the template's stream (GET
 * /v1/templates/:templateId reads it there); listing from the log alone would mean reading every
 * template stream of every app.
 */
export interface TemplateListDoc extends ProjectedDoc {
  appId: string;
  templateId: string;
  version: number;
  /** The default parts (email, sms, push, inapp, chat). */
  parts: Array<keyof TemplateParts>;
  /** The translations' locales (BCP 47), sorted. */
  locales: string[];
  requiredParams: string[];
  publishedAt: string;
}

type Handled = 'TemplatePublished';

const partsOf = (p: TemplateParts) =>
  (Object.keys(p) as Array<keyof TemplateParts | 'locales'>).filter((k): k is keyof TemplateParts => k !== 'locales' && p[k] !== undefined).sort();

function evolve(doc: TemplateListDoc | undefined, event: EventOf<Handled>, id: string): TemplateListDoc | undefined {
  const d = event.data;
  // Versions only grow; an older one applied late (never expected: the log is ordered) leaves the newer.
  if (doc && doc.version >= d.version) return doc;
  return {
    _id: id,
    appId: d.appId,
    templateId: d.templateId,
    version: d.version,
    parts: partsOf(d.content),
    locales: Object.keys(d.content.locales ?? {}).sort(),
    requiredParams: d.requiredParams,
    publishedAt: d.at,
  };
}

export const templates: ReadModel<TemplateListDoc, Handled> = {
  name: 'templates',
  handles: ['TemplatePublished'],
  indexes: [{ keys: { appId: 1, templateId: 1 } }],
  ids: (event) => [`${event.data.appId}\u0000${event.data.templateId}`],
  evolve,
};

export const TEMPLATE_LIST_MAX = 500;

export interface TemplateListItem {
  templateId: string;
  version: number;
  parts: string[];
  locales: string[];
  requiredParams: string[];
  publishedAt: string;
}

/** The app's templates by id, at most TEMPLATE_LIST_MAX (a console list, not an export). */
export async function listTemplates(store: ProjectionStore, appId: string): Promise<{ items: TemplateListItem[]; truncated: boolean }> {
  const c = await servingCollection<TemplateListDoc>(store, templates);
  const docs = await c.find({ appId }, { sort: { templateId: 1 }, limit: TEMPLATE_LIST_MAX + 1 });
  const items = docs
    .slice(0, TEMPLATE_LIST_MAX)
    .map((d) => ({ templateId: d.templateId, version: d.version, parts: d.parts, locales: d.locales, requiredParams: d.requiredParams, publishedAt: d.publishedAt }));
  return { items, truncated: docs.length > TEMPLATE_LIST_MAX };
}
