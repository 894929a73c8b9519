import { Liquid, type Template } from 'liquidjs';
import type { TemplateContent } from './events.ts';

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
const COMMON = { strictVariables: true, strictFilters: true, ownPropertyOnly: true, cache: false, ...LIMITS };
/** Email HTML: every output is HTML-escaped unless the template says `| raw`. */
const htmlEngine = new Liquid({ ...COMMON, outputEscape: 'escape' });
const textEngine = new Liquid(COMMON);

export type TemplateField =
  | 'email.subject' | 'email.html' | 'email.text' | 'sms.text'
  | 'push.title' | 'push.body' | 'push.url' | 'push.icon'
  | 'inapp.title' | 'inapp.body' | 'inapp.url';

function fieldsOf(content: TemplateContent): Array<[TemplateField, string]> {
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
  return out;
}

export function engineFor(field: TemplateField): Liquid {
  return field === 'email.html' ? htmlEngine : textEngine;
}

function parseField(field: TemplateField, source: string): Template[] {
  if (typeof source !== 'string') throw new TemplateSyntaxError(field, 'must be a string');
  try {
    return engineFor(field).parse(source);
  } catch (e) {
    throw new TemplateSyntaxError(field, e instanceof Error ? e.message : String(e));
  }
}

/** Parses every part (a syntax error names its field) and lists the top-level params it reads. */
export function analyzeTemplate(content: TemplateContent): { requiredParams: string[] } {
  const names = new Set<string>();
  for (const [field, source] of fieldsOf(content)) {
    const parsed = parseField(field, source);
    for (const name of engineFor(field).globalVariablesSync(parsed)) names.add(name);
  }
  return { requiredParams: [...names].sort() };
}

export type CompiledTemplate = Partial<Record<TemplateField, Template[]>>;

/** Every part parsed once, ready to render with `engineFor(field)`. */
export function compileTemplate(content: TemplateContent): CompiledTemplate {
  const compiled: CompiledTemplate = {};
  for (const [field, source] of fieldsOf(content)) compiled[field] = parseField(field, source);
  return compiled;
}
