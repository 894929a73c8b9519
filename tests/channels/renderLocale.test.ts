import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../infra/render/pool.ts';
import { createRenderer } from '../../channels/render/renderer.ts';
import type { NotificationRequested, TemplateContent } from '../../domain/events.ts';
import { analyzeTemplate, TemplateSyntaxError } from '../../domain/templateDialect.ts';

/** Liquid runs in the pool's workers, as in the senders. */
const pool = createRenderPool({ workers: 1, budgetMs: 5000 });
afterAll(() => pool.close());

function rendererFor(content: TemplateContent) {
  return createRenderer({
    loadTemplate: async (appId, templateId, version) => ({
      templateId,
      appId,
      version,
      content,
      requiredParams: analyzeTemplate(content).requiredParams,
      at: '2026-01-01T00:00:00Z',
    }),
    publicUrl: 'https://notify.example.com',
    trackingSecret: 's',
    pool,
  });
}
const sms = (params: Record<string, unknown>, locale?: string): NotificationRequested['data'] => ({
  notificationId: 'n-1',
  appId: 'app-1',
  eventId: 'e-1',
  userId: 'u-1',
  channel: 'sms',
  templateId: 't',
  templateVersion: 1,
  params,
  recipient: { kind: 'sms', phone: '+14155550100', ...(locale ? { locale } : {}) },
  requestedAt: '2026-01-01T00:00:00Z',
});

describe('localized templates', () => {
  const content: TemplateContent = {
    sms: { text: 'Order {{ id }}: {{ total | number: "currency", "EUR" }} on {{ at | date: "long" }}' },
    locales: { de: { sms: { text: 'Bestellung {{ id }}: {{ total | number: "currency", "EUR" }} am {{ at | date: "long" }}' } } },
  };
  const params = { id: 7, total: 1234.5, at: '2026-03-01T23:30:00Z' };

  it('renders the variant of the user locale, its language, or the default, with Intl formatting in the user locale; names the variant', async () => {
    const r = rendererFor(content);
    // Intl separates with no-break spaces; compared as plain spaces.
    const render = async (locale?: string) => {
      const out = await r.render(sms(params, locale));
      return { ...out, text: out.channel === 'sms' ? out.text.replace(/[\u00a0\u202f]/g, ' ') : '' };
    };
    expect(await render('de')).toMatchObject({ text: 'Bestellung 7: 1.234,50 € am 1. März 2026', locale: 'de' });
    expect(await render('de-AT')).toMatchObject({ text: 'Bestellung 7: € 1.234,50 am 1. März 2026', locale: 'de' });
    expect(await render('fr')).toMatchObject({ text: 'Order 7: 1 234,50 € on 1 mars 2026', locale: 'default' });
    expect(await render()).toMatchObject({ text: 'Order 7: €1,234.50 on March 1, 2026', locale: 'default' });
  });

  it("date: UTC unless a time zone is named; strftime formats keep Liquid's meaning; number: fraction digits and percent", async () => {
    const r = rendererFor({ sms: { text: '{{ at | date: "short", "Asia/Tokyo" }}|{{ at | date: "%Y-%m-%d" }}|{{ n | number: 2 }}|{{ p | number: "percent" }}|{{ x | number }}' } });
    const out = await r.render(sms({ at: '2026-03-01T23:30:00Z', n: 3, p: 0.25, x: 'n/a' }, 'en-US'));
    expect(out.channel === 'sms' && out.text.replace(/\u202f/g, ' ')).toBe('3/2/26|2026-03-01|3.00|25%|n/a');
  });

  it('a syntax error in a translation names its field', () => {
    expect(() => analyzeTemplate({ sms: { text: 'ok' }, locales: { de: { sms: { text: '{% if %}' } } } })).toThrow(TemplateSyntaxError);
    try {
      analyzeTemplate({ sms: { text: 'ok' }, locales: { de: { sms: { text: '{% if %}' } } } });
    } catch (e) {
      expect((e as TemplateSyntaxError).field).toBe('locales.de.sms.text');
    }
    expect(analyzeTemplate({ sms: { text: '{{ a }}' }, locales: { de: { sms: { text: '{{ b }}' } } } }).requiredParams).toEqual(['a', 'b']);
  });
});
