import { describe, expect, it } from 'vitest';
import type { TemplateContent } from './events.ts';
import { chooseVariant } from './templateLocale.ts';

const content: TemplateContent = {
  email: { subject: 'Hello', html: '<p>Hello</p>' },
  sms: { text: 'Hello' },
  locales: {
    de: { email: { subject: 'Hallo', html: '<p>Hallo</p>' }, sms: { text: 'Hallo' } },
    'de-CH': { email: { subject: 'Grüezi', html: '<p>Grüezi</p>' } },
    'pt-BR': { sms: { text: 'Olá' } },
  },
};

describe('chooseVariant: the user locale, then its language, then the default', () => {
  it('picks the exact locale, case-insensitively', () => {
    expect(chooseVariant(content, 'email', 'de')).toBe('de');
    expect(chooseVariant(content, 'email', 'de-CH')).toBe('de-CH');
    expect(chooseVariant(content, 'email', 'de-ch')).toBe('de-CH');
    expect(chooseVariant(content, 'sms', 'pt-BR')).toBe('pt-BR');
  });
  it('falls back to the language: de-AT gets de; de-CH SMS (not translated there) gets de', () => {
    expect(chooseVariant(content, 'email', 'de-AT')).toBe('de');
    expect(chooseVariant(content, 'sms', 'de-CH')).toBe('de');
  });
  it('falls back to the default: fr, no locale, a region-only match, or a translation without the part', () => {
    expect(chooseVariant(content, 'email', 'fr')).toBe('default');
    expect(chooseVariant(content, 'email', undefined)).toBe('default');
    expect(chooseVariant(content, 'email', 'pt-BR')).toBe('default');
    expect(chooseVariant(content, 'email', 'pt')).toBe('default');
    expect(chooseVariant({ email: content.email! }, 'email', 'de')).toBe('default');
  });
});
