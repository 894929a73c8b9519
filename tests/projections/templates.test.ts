import { describe, expect, it } from 'vitest';
import type { DomainEvent, TemplateContent } from '../../domain/events.ts';
import { listTemplates, templates } from '../../projections/templates.ts';
import { at, given } from './fixtures.ts';

const published = (appId: string, templateId: string, version: number, content: TemplateContent, requiredParams: string[] = [], t = 0): DomainEvent => ({
  type: 'TemplatePublished',
  data: { templateId, appId, version, content, requiredParams, at: at(t) },
});

describe('the templates read model', () => {
  it('one document per (app, template id): the latest version, its default parts, locales and params', async () => {
    const { docs } = await given(templates, [
      published('app1', 'welcome', 1, { sms: { text: 'Hi' }, locales: { fr: { sms: { text: 'Salut' } } } }),
      published(
        'app1',
        'welcome',
        2,
        {
          email: { subject: 'Hi {{ name }}', html: '<p>Hi</p>' },
          inapp: { title: 'Hi', body: 'x' },
          locales: { 'pt-BR': { inapp: { title: 'Oi', body: 'x' } }, de: { inapp: { title: 'Hallo', body: 'x' } } },
        },
        ['name'],
        1000,
      ),
      published('app2', 'welcome', 1, { chat: { text: 'Hi' } }),
    ]);
    expect(docs['app1\u0000welcome']).toEqual({
      _id: 'app1\u0000welcome',
      appId: 'app1',
      templateId: 'welcome',
      version: 2,
      parts: ['email', 'inapp'],
      locales: ['de', 'pt-BR'],
      requiredParams: ['name'],
      publishedAt: at(1000),
    });
    expect(docs['app2\u0000welcome']).toMatchObject({ appId: 'app2', version: 1, parts: ['chat'], locales: [] });
  });

  it('an older version applied after a newer one leaves the newer', async () => {
    const { doc } = await given(templates, [published('app1', 't', 3, { sms: { text: 'three' } }), published('app1', 't', 2, { email: { subject: 's', html: 'h' } })]);
    expect(doc('app1\u0000t')).toMatchObject({ version: 3, parts: ['sms'] });
  });

  it("listTemplates: only the app's, by id", async () => {
    const { store } = await given(templates, [
      published('app1', 'b', 1, { sms: { text: 'b' } }),
      published('app2', 'a', 1, { sms: { text: 'a' } }),
      published('app1', 'a', 1, { sms: { text: 'a' } }),
    ]);
    const list = await listTemplates(store, 'app1');
    expect(list).toEqual({ truncated: false, items: [expect.objectContaining({ templateId: 'a' }), expect.objectContaining({ templateId: 'b' })] });
  });
});
