import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../infra/render/pool.ts';
import { apnsPayload, createRenderer, fcmPayload, RenderError, smsEncoding, templateLoaderFromEventStore, type TemplateData } from '../../channels/render/renderer.ts';
import { analyzeTemplate, TemplateSyntaxError } from '../../domain/templateDialect.ts';
import { verifyTrackingToken } from '../../domain/trackingToken.ts';
import type { NotificationRequested, TemplateContent } from '../../domain/events.ts';
import type { RecordedEvent } from '../../infra/eventStore/port.ts';

const SECRET = 'render-secret';
/** The renderer's clock: links carry it as their issue time. */
const NOW = new Date('2026-03-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const PUBLIC = 'https://notify.example.com';

/** Liquid runs in the pool's workers, as in the senders. */
const pool = createRenderPool({ workers: 1, budgetMs: 5000 });
afterAll(() => pool.close());

function rendererFor(content: TemplateContent, calls: { n: number } = { n: 0 }) {
  return createRenderer({
    loadTemplate: async (appId, templateId, version) => {
      calls.n += 1;
      return { templateId, appId, version, content, requiredParams: analyzeTemplate(content).requiredParams, at: '2026-01-01T00:00:00Z' };
    },
    publicUrl: `${PUBLIC}/`,
    trackingSecret: SECRET,
    now: () => NOW,
    pool,
  });
}

function request(channel: NotificationRequested['data']['channel'], params: Record<string, unknown>): NotificationRequested['data'] {
  const recipient: NotificationRequested['data']['recipient'] =
    channel === 'email'
      ? { kind: 'email', email: 'a@example.com' }
      : channel === 'sms'
        ? { kind: 'sms', phone: '+14155550100' }
        : channel === 'inapp'
          ? { kind: 'inapp' }
          : channel === 'chat'
            ? { kind: 'chat', webhookUrl: 'https://hooks.slack.com/services/T/B/x' }
            : { kind: 'push', platform: channel, tokens: ['t'] };
  return {
    notificationId: 'notif-1',
    appId: 'app-1',
    eventId: 'e-1',
    userId: 'u-1',
    channel,
    templateId: 'welcome',
    templateVersion: 1,
    params,
    recipient,
    requestedAt: '2026-01-01T00:00:00Z',
  };
}

const tokenOf = (url: string) => url.slice(`${PUBLIC}/t/`.length);

describe('email rendering', () => {
  const content: TemplateContent = {
    email: {
      subject: 'Hello {{ name }}',
      html: '<html><body><h1>Hi {{ name }}</h1><p><a href="https://shop.example/orders?id={{ order }}&amp;ref=mail">your order</a> <a href="mailto:help@example.com">help</a></p></body></html>',
    },
  };

  it('HTML-escapes hostile params in the HTML part, but not in the subject or text', async () => {
    const out = await rendererFor(content).render(request('email', { name: '<script>alert("x")</script>', order: '42' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
    expect(out.subject).toBe('Hello <script>alert("x")</script>');
    expect(out.text).toContain('Hi <script>alert("x")</script>');
  });

  it('rewrites every http(s) link to a signed click link that verifies to the original URL; leaves mailto alone', async () => {
    const out = await rendererFor(content).render(request('email', { name: 'Ada', order: '42' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    const hrefs = [...out.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toContain('mailto:help@example.com');
    const tracked = hrefs.filter((h) => h.startsWith(`${PUBLIC}/t/`)).map((h) => verifyTrackingToken(tokenOf(h), SECRET, NOW));
    expect(tracked).toContainEqual({ n: 'notif-1', k: 'click', u: 'https://shop.example/orders?id=42&ref=mail', t: T });
    expect(tracked).toContainEqual({ n: 'notif-1', k: 'unsubscribe', t: T });
    expect(out.html).not.toContain('https://shop.example');
    const pixel = /<img src="([^"]+)"/.exec(out.html)?.[1];
    expect(verifyTrackingToken(tokenOf(pixel!), SECRET, NOW)).toEqual({ n: 'notif-1', k: 'open', t: T });
    expect(out.html.indexOf('<img')).toBeLessThan(out.html.indexOf('</body>'));
    // The first signature character (the last one has unused low bits: A and B can decode alike).
    const tampered = hrefs.find((h) => h.startsWith(`${PUBLIC}/t/`))!.replace(/(\/t\/[^.]+\.)(.)/, (_w, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    expect(verifyTrackingToken(tokenOf(tampered), SECRET, NOW)).toBeNull();
  });

  it('neutralises a script URL smuggled into an href through a param', async () => {
    const r = rendererFor({ email: { subject: 's', html: '<a href="{{ link }}">x</a><a href="{{ link2 }}">y</a>' } });
    const out = await r.render(request('email', { link: 'javascript:alert(1)', link2: ' jav\tascript:alert(2)' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    expect(out.html).not.toMatch(/script:/i);
    expect(out.html).toContain('<a href="#">x</a><a href="#">y</a>');
  });

  it('derives a text part from the HTML when the template has none, links included', async () => {
    const out = await rendererFor(content).render(request('email', { name: 'Ada', order: '42' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    expect(out.text).toMatch(/^Hi Ada\n+your order \(https:\/\/notify\.example\.com\/t\/[^)]+\) help \(mailto:help@example\.com\)/);
    expect(out.text).toMatch(/Unsubscribe \(https:\/\/notify\.example\.com\/t\//);
    expect(out.text).not.toMatch(/<[a-z]/i);
  });

  it('renders an authored text part, tracking its links and adding the unsubscribe link', async () => {
    const out = await rendererFor({ email: { ...content.email!, text: 'Hi {{ name }}, see https://shop.example/x' } }).render(request('email', { name: 'Ada', order: '1' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    const [first, unsub] = [...out.text.matchAll(/https:\/\/notify\.example\.com\/t\/(\S+)/g)].map((m) => verifyTrackingToken(m[1]!, SECRET, NOW));
    expect(first).toEqual({ n: 'notif-1', k: 'click', u: 'https://shop.example/x', t: T });
    expect(unsub).toEqual({ n: 'notif-1', k: 'unsubscribe', t: T });
  });

  it('carries RFC 8058 one-click unsubscribe headers naming the signed unsubscribe link', async () => {
    const out = await rendererFor(content).render(request('email', { name: 'Ada', order: '1' }));
    if (out.channel !== 'email') throw new Error('wrong channel');
    expect(out.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(https:\/\/notify\.example\.com\/t\/([^>]+))>$/.exec(out.headers?.['List-Unsubscribe'] ?? '');
    expect(link).not.toBeNull();
    expect(verifyTrackingToken(link![2]!, SECRET, NOW)).toEqual({ n: 'notif-1', k: 'unsubscribe', t: T });
    // Expired after the unsubscribe TTL (60 days by default), not before.
    expect(verifyTrackingToken(link![2]!, SECRET, new Date(NOW.getTime() + 59 * 86_400_000))).not.toBeNull();
    expect(verifyTrackingToken(link![2]!, SECRET, new Date(NOW.getTime() + 61 * 86_400_000))).toBeNull();
  });
});

describe('params and templates', () => {
  it('a missing param is a render error naming the field, never an empty string', async () => {
    const r = rendererFor({ sms: { text: 'Code {{ code }}' } });
    await expect(r.render(request('sms', {}))).rejects.toThrow(RenderError);
    await expect(r.render(request('sms', {}))).rejects.toThrow(/sms\.text.*code/);
  });

  it('a template without a part for the channel is a render error', async () => {
    await expect(rendererFor({ sms: { text: 'x' } }).render(request('email', {}))).rejects.toMatchObject({ code: 'channel_missing' });
  });

  it('analyzeTemplate lists the top-level params of every part and names the field of a syntax error', () => {
    expect(
      analyzeTemplate({ email: { subject: '{{ a }}', html: '{% for i in items %}{{ i.name }}{% endfor %}{{ user.name }}' }, push: { title: '{{ a }}', body: '{{ b | upcase }}' } }),
    ).toEqual({
      requiredParams: ['a', 'b', 'items', 'user'],
    });
    expect(() => analyzeTemplate({ push: { title: 'ok', body: 'Hi {{ name ' } })).toThrow(TemplateSyntaxError);
    try {
      analyzeTemplate({ email: { subject: 'ok', html: '{% if x %}never closed' } });
      throw new Error('expected a syntax error');
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateSyntaxError);
      expect((e as TemplateSyntaxError).field).toBe('email.html');
    }
    expect(() => analyzeTemplate({ sms: { text: '{{ x | no_such_filter }}' } })).toThrow(/sms\.text/);
  });

  it('loads each (template, version) once: published versions are immutable', async () => {
    const calls = { n: 0 };
    const r = rendererFor({ sms: { text: 'Hi {{ n }}' } }, calls);
    await r.render(request('sms', { n: 1 }));
    await r.render(request('sms', { n: 2 }));
    expect(calls.n).toBe(1);
  });

  it("templateLoaderFromEventStore picks the requested version of the app's template stream (template-<app>-<id>), or of the old global one the app owns", async () => {
    const version = (v: number): RecordedEvent => ({
      type: 'TemplatePublished',
      data: { templateId: 'welcome', appId: 'app-1', version: v, content: { sms: { text: `v${v}` } }, requiredParams: [], at: '' } satisfies TemplateData,
      id: `e${v}`,
      streamId: 'template-welcome',
      revision: v - 1,
      position: v,
      metadata: { correlationId: 'c', causationId: 'c', appId: 'app-1' },
      recordedAt: '',
    });
    const asked: string[] = [];
    const load = templateLoaderFromEventStore({ readStream: async (stream) => (asked.push(stream), stream === 'template-app%2D1-welcome' ? [version(1), version(2)] : []) });
    expect((await load('app-1', 'welcome', 2)).content).toEqual({ sms: { text: 'v2' } });
    expect(asked).toEqual(['template-welcome', 'template-app%2D1-welcome']);
    await expect(load('app-1', 'welcome', 3)).rejects.toMatchObject({ code: 'template_not_found' });
    // Another app's template of the same id is not this app's.
    await expect(load('app-2', 'welcome', 1)).rejects.toMatchObject({ code: 'template_not_found' });
    // A template published before ids were per app stays in template-<id>, for the app that owns it only.
    const legacy = templateLoaderFromEventStore({ readStream: async (stream) => (stream === 'template-welcome' ? [version(1)] : []) });
    expect((await legacy('app-1', 'welcome', 1)).content).toEqual({ sms: { text: 'v1' } });
    await expect(legacy('app-2', 'welcome', 1)).rejects.toMatchObject({ code: 'template_not_found' });
    // An id with a dash that spells an app's own stream (app_x's `welcome`) is not that template.
    const own = templateLoaderFromEventStore({
      readStream: async (stream) =>
        stream === 'template-app_x-welcome' ? [{ ...version(1), data: { ...(version(1).data as TemplateData), appId: 'app_x' } } as RecordedEvent] : [],
    });
    await expect(own('app_x', 'app_x-welcome', 1)).rejects.toMatchObject({ code: 'template_not_found' });
  });
});

describe('push payload limits', () => {
  const content: TemplateContent = { push: { title: '{{ title }}', body: '{{ body }}' } };

  it.each(['ios', 'android'] as const)('%s: a long body is cut with an ellipsis so the final JSON payload fits in 4096 bytes', async (channel) => {
    for (const unit of ['a', 'é', '€', '😀', '"\\']) {
      const out = await rendererFor(content).render(request(channel, { title: 'Deal', body: unit.repeat(5000) }));
      if (out.channel !== channel) throw new Error('wrong channel');
      const bytes = Buffer.byteLength(JSON.stringify(channel === 'ios' ? apnsPayload(out) : fcmPayload(out)));
      expect(bytes).toBeLessThanOrEqual(4096);
      expect(bytes).toBeGreaterThan(4096 - 16);
      expect(out.body.endsWith('…')).toBe(true);
      expect(out.body).not.toMatch(/[\ud800-\udbff]…$/);
      expect(out.title).toBe('Deal');
    }
  });

  it('leaves a payload that fits untouched', async () => {
    const out = await rendererFor(content).render(request('ios', { title: 'Deal', body: 'Short' }));
    expect(out).toEqual({ locale: 'default', channel: 'ios', title: 'Deal', body: 'Short', data: { notificationId: 'notif-1' } });
  });

  it('cuts the title too when the title alone is over the limit', async () => {
    const out = await rendererFor(content).render(request('android', { title: 'T'.repeat(6000), body: 'b' }));
    if (out.channel !== 'android') throw new Error('wrong channel');
    expect(Buffer.byteLength(JSON.stringify(fcmPayload(out)))).toBeLessThanOrEqual(4096);
    expect(out.title.endsWith('…')).toBe(true);
  });
});

describe('SMS segments', () => {
  it.each(
    (
      [
        ['a'.repeat(160), 'GSM-7', 1],
        ['a'.repeat(161), 'GSM-7', 2],
        ['a'.repeat(306), 'GSM-7', 2],
        ['a'.repeat(307), 'GSM-7', 3],
        ['€'.repeat(80), 'GSM-7', 1],
        ['€'.repeat(81), 'GSM-7', 2],
        ['ü'.repeat(160), 'GSM-7', 1],
        ['ж'.repeat(70), 'UCS-2', 1],
        ['ж'.repeat(71), 'UCS-2', 2],
        ['ж'.repeat(134), 'UCS-2', 2],
        ['ж'.repeat(135), 'UCS-2', 3],
        ['😀'.repeat(35), 'UCS-2', 1],
        ['😀'.repeat(36), 'UCS-2', 2],
      ] as const
    ).map(([text, encoding, segments]) => ({ label: `${Array.from(text).length} x ${Array.from(text)[0]}`, text, encoding, segments })),
  )('$label -> $encoding, $segments segment(s)', ({ text, encoding, segments }) => {
    expect(smsEncoding(text)).toMatchObject({ encoding, segments });
  });

  it('records the segment count of the rendered text', async () => {
    const out = await rendererFor({ sms: { text: '{{ t }}' } }).render(request('sms', { t: 'x'.repeat(200) }));
    expect(out).toEqual({ locale: 'default', channel: 'sms', text: 'x'.repeat(200), segments: 2 });
  });
});
