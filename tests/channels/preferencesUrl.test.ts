import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../infra/render/pool.ts';
import { createRenderer } from '../../channels/render/renderer.ts';
import { analyzeTemplate } from '../../domain/templateDialect.ts';
import { verifyPreferencesToken } from '../../domain/preferencesLink.ts';
import type { NotificationRequested, TemplateContent } from '../../domain/events.ts';

/** `{{ preferences_url }}`: minted per recipient at render time, never a param, never click-wrapped. */
const SECRET = 'render-secret';
const NOW = new Date('2026-03-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const PUBLIC = 'https://notify.example.com';
const pool = createRenderPool({ workers: 1, budgetMs: 5000 });
afterAll(() => pool.close());

const content: TemplateContent = {
  email: {
    subject: 'Your order',
    html: '<html><body><p>Shipped. <a href="https://shop.example/o">Track</a></p><p><a href="{{ preferences_url }}">Manage your notifications</a></p></body></html>',
    text: 'Shipped. Manage your notifications: {{ preferences_url }}',
  },
  sms: { text: 'Shipped. Settings: {{ preferences_url }}' },
};

function rendererFor(ttlDays?: number) {
  return createRenderer({
    loadTemplate: async (appId, templateId, version) => ({
      templateId,
      appId,
      version,
      content,
      requiredParams: analyzeTemplate(content).requiredParams,
      at: '2026-01-01T00:00:00Z',
    }),
    publicUrl: `${PUBLIC}/`,
    trackingSecret: SECRET,
    now: () => NOW,
    pool,
    ...(ttlDays !== undefined && { preferencesLinkTtlDays: ttlDays }),
  });
}

function request(channel: 'email' | 'sms', userId: string, params: Record<string, unknown> = {}): NotificationRequested['data'] {
  const recipient: NotificationRequested['data']['recipient'] = channel === 'email' ? { kind: 'email', email: 'a@example.com' } : { kind: 'sms', phone: '+14155550100' };
  return {
    notificationId: 'notif-1',
    appId: 'app-1',
    eventId: 'e-1',
    userId,
    channel,
    templateId: 'shipped',
    templateVersion: 1,
    params,
    recipient,
    requestedAt: '2026-01-01T00:00:00Z',
  };
}

const linksIn = (text: string) => [...text.matchAll(/https:\/\/notify\.example\.com\/preferences\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]!);

describe('{{ preferences_url }}', () => {
  it('is not a param a request must carry', () => {
    expect(analyzeTemplate(content).requiredParams).toEqual([]);
    expect(analyzeTemplate({ sms: { text: '{{ name }} {{ preferences_url }}' } }).requiredParams).toEqual(['name']);
  });

  it("renders as the recipient's own signed link (7 days by default), left out of click tracking in HTML and text", async () => {
    const out = await rendererFor().render(request('email', 'u-1'));
    if (out.channel !== 'email') throw new Error('wrong channel');
    const tokens = [...linksIn(out.html), ...linksIn(out.text ?? '')];
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(verifyPreferencesToken(token, SECRET, T)).toEqual({ ok: true, claims: { appId: 'app-1', userId: 'u-1', expiresAt: T + 7 * 86_400 } });
    // The shop link is click-tracked as before; the preference link is not wrapped in /t/.
    expect(out.html).toMatch(/href="https:\/\/notify\.example\.com\/t\/[^"]+">Track/);
    expect(out.html).toContain(`<a href="${PUBLIC}/preferences/${tokens[0]}">Manage your notifications</a>`);
  });

  it('differs per recipient, follows PREFERENCES_LINK_TTL_DAYS, and a param of the same name cannot replace it', async () => {
    const sms = await rendererFor(30).render(request('sms', 'u-2', { preferences_url: 'https://phish.example/' }));
    if (sms.channel !== 'sms') throw new Error('wrong channel');
    expect(sms.text).not.toContain('phish.example');
    const [token] = linksIn(sms.text);
    expect(verifyPreferencesToken(token!, SECRET, T)).toEqual({ ok: true, claims: { appId: 'app-1', userId: 'u-2', expiresAt: T + 30 * 86_400 } });
    expect(verifyPreferencesToken(token!, 'another-secret', T)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
