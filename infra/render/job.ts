import type { TemplateContent } from '../../domain/events.ts';
import type { TemplateField } from '../../domain/templateDialect.ts';

/** One render handed to a worker: some parts of one template, with one set of params. */
export interface RenderJob {
  /** Whose queue it waits in: each app waits behind its own renders only. */
  appId: string;
  /** Named in the budget error: the template that took too long. */
  templateId: string;
  /** (id, version) is immutable: the worker keeps the parsed template under this key. Absent: parsed every time. */
  cacheKey?: string;
  content: TemplateContent;
  /** `variant`: a key of `content.locales`, or `default`; a `required` field the template lacks stops the render there. */
  fields: ReadonlyArray<{ variant: string; field: TemplateField; required?: boolean }>;
  /** true: a field a translation lacks renders from the default parts (the preview); false: it is missing. */
  fieldFallback: boolean;
  params: Record<string, unknown>;
  /** The recipient's locale, for the date and number filters. */
  locale?: string;
}

/** One value per field asked (null: the part does not exist), or the first field that failed. */
export type RenderJobResult = { ok: true; values: Array<string | null> } | { ok: false; kind: 'syntax' | 'render' | 'missing'; field: string; message: string };

/** `budgetMs` also goes to Liquid's own render limit, so a loop that yields stops itself before the pool has to kill it. */
export type WorkerRequest = { id: number; job: RenderJob; budgetMs: number };
export type WorkerReply = { id: number; result: RenderJobResult };
