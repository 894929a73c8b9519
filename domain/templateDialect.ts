import { filters, Liquid, type FS, type Template } from 'liquidjs';
import type { TemplateContent, TemplateParts } from './events.ts';
import { PREFERENCES_URL_VARIABLE } from './preferencesLink.ts';

/**
 * Our Liquid dialect, in one place: the API checks a template with it at publish time and the
 * senders render with it, so a template accepted by the API is one every sender can parse.
 */

/** A template that does not parse; `field` names the part (e.g. "email.html") for the 400 answer. */
export class TemplateSyntaxError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'TemplateSyntaxError';
    this.field = field;
  }
}

// Limits keep a hostile template (huge loops, giant strings) from stalling a sender.
const LIMITS = { renderLimit: 1000, parseLimit: 200_000, memoryLimit: 20_000_000 };

/**
 * Liquid's default loader reads the server's file system (rooted at the working directory): an
 * `{% include 'key.p8' %}` would mail a server file to whoever the template's app chooses. The
 * engine gets a file system that has no files at all, and the tags that load other templates are
 * refused when a template is parsed (below): the refusal is the same whatever the name, so a
 * publish tells nothing about which files exist. Partials are not offered.
 */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot read files');
  },
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};
const NO_FS_OPTIONS = { fs: NO_FILES, root: [], partials: [], layouts: [], relativeReference: false, dynamicPartials: true };
const COMMON = { strictVariables: true, strictFilters: true, ownPropertyOnly: true, cache: false, ...NO_FS_OPTIONS, ...LIMITS };

/** Tags that load another template by name: none is part of our dialect. */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

function withoutFileTags(engine: Liquid): Liquid {
  for (const name of FILE_TAGS) {
    engine.registerTag(name, {
      parse() {
        // The same words for every name given, existing or not, and nothing read.
        throw new Error(`the {% ${name} %} tag is not supported: a template cannot load other templates or files`);
      },
      render() {
        throw new Error(`the {% ${name} %} tag is not supported`);
      },
    });
  }
  return engine;
}

/** Email HTML: every output is HTML-escaped unless the template says `| raw`. */
const htmlEngine = withoutFileTags(new Liquid({ ...COMMON, outputEscape: 'escape' }));
const textEngine = withoutFileTags(new Liquid(COMMON));

/**
 * Chat text: its markup (Slack mrkdwn, Discord markdown, Teams) is known only from the webhook URL,
 * after rendering, so every output is fenced here and escaped for its target by
 * `escapeChatOutputs`; the template's own text is markup and stays as written. The fence characters
 * (Unicode private use) are dropped from the values, so a param cannot open or close a fence.
 */
export const CHAT_OUTPUT_OPEN = '\uE000';
export const CHAT_OUTPUT_CLOSE = '\uE001';
const FENCES = /[\uE000\uE001]/g;
/** Liquid hands the escape what it would print; String() is its own rendering of it. */
// eslint-disable-next-line @typescript-eslint/no-base-to-string
const chatOutput = (value: unknown): string => `${CHAT_OUTPUT_OPEN}${String(value ?? '').replace(FENCES, '')}${CHAT_OUTPUT_CLOSE}`;
const chatEngine = withoutFileTags(new Liquid({ ...COMMON, outputEscape: chatOutput }));

/** A rendered chat text with each fenced output passed through `escape` and the fences gone. */
export function escapeChatOutputs(rendered: string, escape: (value: string) => string): string {
  let out = '';
  let i = 0;
  while (i < rendered.length) {
    const open = rendered.indexOf(CHAT_OUTPUT_OPEN, i);
    const close = open === -1 ? -1 : rendered.indexOf(CHAT_OUTPUT_CLOSE, open + 1);
    if (open === -1 || close === -1) {
      out += rendered.slice(i).replace(FENCES, '');
      break;
    }
    out += rendered.slice(i, open).replace(FENCES, '') + escape(rendered.slice(open + 1, close));
    i = close + 1;
  }
  return out;
}

/** Where a render passes the recipient's locale to the filters (a render global, not a param). */
export const LOCALE_GLOBAL = '__locale';
const DATE_STYLES = ['short', 'medium', 'long', 'full'] as const;
/** What a filter sees of its render (liquidjs binds `this` to its FilterImpl). */
type FilterImpl = { context: { globals: unknown } };
/** Liquid's own `date` (strftime), kept for formats with `%`. */
const strftime = filters.date as unknown as (this: FilterImpl, value: unknown, format?: string, timezone?: unknown) => unknown;

function localeOf(impl: FilterImpl): string {
  const globals = impl.context.globals as Record<string, unknown>;
  const locale = globals[LOCALE_GLOBAL];
  return typeof locale === 'string' && locale !== '' ? locale : 'en';
}

/**
 * Locale-aware `date` and `number` (Intl, in the recipient's locale). Time zone is UTC unless
 * named, so a re-render by an auditor gives the same text whatever server runs it.
 * `{{ at | date }}`, `{{ at | date: 'long', 'Europe/Berlin' }}`; a strftime format (`'%Y-%m-%d'`)
 * keeps Liquid's own meaning. `{{ n | number }}`, `{{ n | number: 2 }}` (fraction digits),
 * `{{ n | number: 'currency', 'EUR' }}`, `{{ n | number: 'percent' }}`.
 */
function dateFilter(this: FilterImpl, value: unknown, style?: unknown, timeZone?: unknown): unknown {
  if (typeof style === 'string' && style.includes('%')) return strftime.call(this, value, style, timeZone);
  const d = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) return value;
  const dateStyle = (DATE_STYLES as readonly unknown[]).includes(style) ? (style as (typeof DATE_STYLES)[number]) : 'medium';
  try {
    return new Intl.DateTimeFormat(localeOf(this), { dateStyle, timeZone: typeof timeZone === 'string' ? timeZone : 'UTC' }).format(d);
  } catch {
    return new Intl.DateTimeFormat(localeOf(this), { dateStyle, timeZone: 'UTC' }).format(d);
  }
}

function numberFilter(this: FilterImpl, value: unknown, style?: unknown, currency?: unknown): unknown {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(n)) return value;
  const options: Intl.NumberFormatOptions =
    typeof style === 'number'
      ? { minimumFractionDigits: style, maximumFractionDigits: style }
      : style === 'currency' && typeof currency === 'string'
        ? { style: 'currency', currency }
        : style === 'percent'
          ? { style: 'percent' }
          : {};
  try {
    return new Intl.NumberFormat(localeOf(this), options).format(n);
  } catch {
    return new Intl.NumberFormat(localeOf(this)).format(n);
  }
}

for (const engine of [htmlEngine, textEngine]) {
  engine.registerFilter('date', dateFilter);
  engine.registerFilter('number', numberFilter);
}

export type TemplateField =
  'email.subject' | 'email.html' | 'email.text' | 'sms.text' | 'push.title' | 'push.body' | 'push.url' | 'push.icon' | 'inapp.title' | 'inapp.body' | 'inapp.url' | 'chat.text';

export function fieldsOf(content: TemplateParts): Array<[TemplateField, string]> {
  const out: Array<[TemplateField, string]> = [];
  if (content.email) {
    out.push(['email.subject', content.email.subject], ['email.html', content.email.html]);
    if (content.email.text !== undefined) out.push(['email.text', content.email.text]);
  }
  if (content.sms) out.push(['sms.text', content.sms.text]);
  if (content.push) {
    out.push(['push.title', content.push.title], ['push.body', content.push.body]);
    if (content.push.url !== undefined) out.push(['push.url', content.push.url]);
    if (content.push.icon !== undefined) out.push(['push.icon', content.push.icon]);
  }
  if (content.inapp) {
    out.push(['inapp.title', content.inapp.title], ['inapp.body', content.inapp.body]);
    if (content.inapp.url !== undefined) out.push(['inapp.url', content.inapp.url]);
  }
  if (content.chat) out.push(['chat.text', content.chat.text]);
  return out;
}

export function engineFor(field: TemplateField): Liquid {
  return field === 'email.html' ? htmlEngine : field === 'chat.text' ? chatEngine : textEngine;
}

function parseField(field: TemplateField, source: string, prefix = ''): Template[] {
  if (typeof source !== 'string') throw new TemplateSyntaxError(`${prefix}${field}`, 'must be a string');
  try {
    return engineFor(field).parse(source);
  } catch (e) {
    throw new TemplateSyntaxError(`${prefix}${field}`, e instanceof Error ? e.message : String(e));
  }
}

/** Variables the platform fills in at render time (channels/render/renderer.ts): never a param a request must carry. */
export const PLATFORM_VARIABLES: readonly string[] = [PREFERENCES_URL_VARIABLE];

/** Parses every part of every variant (a syntax error names its field) and lists the top-level params any of them reads (the platform's own aside). */
export function analyzeTemplate(content: TemplateContent): { requiredParams: string[] } {
  const names = new Set<string>();
  for (const [prefix, parts] of variantsOf(content)) {
    for (const [field, source] of fieldsOf(parts)) {
      const parsed = parseField(field, source, prefix);
      for (const name of engineFor(field).globalVariablesSync(parsed)) if (!PLATFORM_VARIABLES.includes(name)) names.add(name);
    }
  }
  return { requiredParams: [...names].sort() };
}

export function variantsOf(content: TemplateContent): Array<[string, TemplateParts]> {
  return [['', content], ...Object.entries(content.locales ?? {}).map(([locale, parts]): [string, TemplateParts] => [`locales.${locale}.`, parts])];
}

export type CompiledParts = Partial<Record<TemplateField, Template[]>>;
/** The default parts, and each translation's. */
export interface CompiledTemplate extends CompiledParts {
  locales: Record<string, CompiledParts>;
}

/** Every part parsed once, ready to render with `engineFor(field)`. */
export function compileTemplate(content: TemplateContent): CompiledTemplate {
  const compile = (parts: TemplateParts, prefix: string): CompiledParts => {
    const out: CompiledParts = {};
    for (const [field, source] of fieldsOf(parts)) out[field] = parseField(field, source, prefix);
    return out;
  };
  const locales: Record<string, CompiledParts> = {};
  for (const [locale, parts] of Object.entries(content.locales ?? {})) locales[locale] = compile(parts, `locales.${locale}.`);
  return { ...compile(content, ''), locales };
}
