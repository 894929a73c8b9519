import type { TemplateContent } from '../domain/events.ts';
import { analyzeTemplate, TemplateSyntaxError } from '../domain/templateDialect.ts';
import { InputError } from './inputError.ts';

/**
 * The renderer and the API share one Liquid dialect (domain/templateDialect.ts), so a template
 * accepted here is one the senders can parse. Its syntax error becomes a 400 naming the part.
 */
export function analyzeTemplateContent(content: TemplateContent): { requiredParams: string[] } {
  try {
    return analyzeTemplate(content);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw new InputError(e.field, e.message.split('\n')[0] ?? e.message);
    throw e;
  }
}
