import type { TemplateContent, TemplateParts } from './events.ts';

/** The variant name recorded when no translation was used. */
export const DEFAULT_VARIANT = 'default';

/**
 * Which variant of a template a user gets for one part (email, sms or push): their locale,
 * then its language, then the default. A translation lacking that part is skipped, so a
 * template can translate email but not SMS. Keys and the user's locale compare in canonical
 * BCP 47 form, case-insensitively ("de-at" is "de-AT").
 */
export function chooseVariant(content: TemplateContent, part: keyof TemplateParts, userLocale: string | undefined): string {
  const locales = content.locales ?? {};
  if (!userLocale) return DEFAULT_VARIANT;
  const has = (key: string) => locales[key]?.[part] !== undefined;
  const byLower = new Map(Object.keys(locales).map((k) => [k.toLowerCase(), k]));
  const exact = byLower.get(userLocale.toLowerCase());
  if (exact !== undefined && has(exact)) return exact;
  const language = userLocale.split('-')[0]!.toLowerCase();
  const lang = byLower.get(language);
  if (lang !== undefined && has(lang)) return lang;
  return DEFAULT_VARIANT;
}

/** The parts of one variant (the default parts for `default`). */
export function variantParts(content: TemplateContent, variant: string): TemplateParts {
  if (variant === DEFAULT_VARIANT) return content;
  return content.locales?.[variant] ?? content;
}
