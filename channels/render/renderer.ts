import type { NotificationRequested, TemplatePublished } from '../../domain/events.ts';
import { templateStream } from '../../commands/templates.ts';
import { compileTemplate, engineFor, LOCALE_GLOBAL, TemplateSyntaxError, type CompiledParts, type CompiledTemplate, type TemplateField } from '../../domain/templateDialect.ts';
import { chooseVariant, DEFAULT_VARIANT } from '../../domain/templateLocale.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { LruMap } from '../../infra/lru.ts';
import type { RenderedContent } from '../port.ts';
import { addFooter, htmlToText, rewriteLinks, rewriteTextLinks, unsubscribeHeaders, unsubscribeUrl, type TrackingContext } from './email.ts';
import { fitPush, fitWebPush } from './push.ts';
import { smsSegments } from './sms.ts';

export { apnsPayload, fcmPayload, webPushPayload, pushPayloadBytes, APNS_MAX_PAYLOAD_BYTES, FCM_MAX_PAYLOAD_BYTES, WEB_PUSH_MAX_PAYLOAD_BYTES } from './push.ts';
export { smsEncoding, smsSegments } from './sms.ts';

export type TemplateData = TemplatePublished['data'];
/** Template ids are per app: the app is part of what names a template. */
export type LoadTemplate = (appId: string, templateId: string, version: number) => Promise<TemplateData>;

/** Rendering can never succeed on a retry: the sender treats this as a permanent failure. */
export class RenderError extends Error {
  readonly code: 'template_not_found' | 'channel_missing' | 'render_failed';
  constructor(code: RenderError['code'], message: string) {
    super(message);
    this.name = 'RenderError';
    this.code = code;
  }
}

export interface RendererOptions {
  loadTemplate: LoadTemplate;
  publicUrl: string;
  trackingSecret: string;
  /** Parsed templates kept in memory; (id, version) is immutable so entries never go stale. */
  cacheSize?: number;
  /** The issue time written into tracking links (they expire). */
  now?: () => Date;
}

export interface Renderer {
  render(request: NotificationRequested['data']): Promise<RenderedContent>;
}

export function createRenderer(options: RendererOptions): Renderer {
  const cacheSize = options.cacheSize ?? 1000;
  const cache = new LruMap<string, Promise<{ data: TemplateData; compiled: CompiledTemplate }>>(cacheSize);
  const publicUrl = options.publicUrl.replace(/\/$/, '');

  function compiledFor(appId: string, templateId: string, version: number): Promise<{ data: TemplateData; compiled: CompiledTemplate }> {
    const key = `${appId}\u0000${templateId}\u0000${version}`;
    const hit = cache.get(key);
    if (hit) return hit;
    // A template stored before the dialect refused something (e.g. {% include %}) can never render: permanent.
    const loading = options.loadTemplate(appId, templateId, version).then((t) => {
      try {
        return { data: t, compiled: compileTemplate(t.content) };
      } catch (e) {
        if (e instanceof TemplateSyntaxError) throw new RenderError('render_failed', `${e.field}: template does not parse`);
        throw e;
      }
    });
    // A failed load must not stay cached: the next attempt may find the template.
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
    return loading;
  }

  async function runField(compiled: CompiledParts, field: TemplateField, params: Record<string, unknown>, locale: string | undefined): Promise<string> {
    const tpl = compiled[field];
    if (!tpl) throw new RenderError('channel_missing', `template has no ${field}`);
    try {
      // The recipient's locale reaches the date and number filters as a render global, never as a param.
      return String(await engineFor(field).render(tpl, params, locale ? { globals: { [LOCALE_GLOBAL]: locale } } : {}));
    } catch (e) {
      throw new RenderError('render_failed', `${field}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return {
    async render(request) {
      const template = await compiledFor(request.appId, request.templateId, request.templateVersion);
      const params = request.params ?? {};
      const channel = request.channel;
      // The user's locale (resolved at request time, so a re-render picks the same), then its language, then the default.
      const userLocale = request.recipient.locale;
      const variant = chooseVariant(template.data.content, channel === 'email' ? 'email' : channel === 'sms' ? 'sms' : 'push', userLocale);
      const compiled: CompiledParts = variant === DEFAULT_VARIANT ? template.compiled : (template.compiled.locales[variant] ?? template.compiled);
      const locale = { locale: variant };
      const run = (p: CompiledParts, field: TemplateField, ps: Record<string, unknown>) => runField(p, field, ps, userLocale);
      switch (channel) {
        case 'email': {
          const issuedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
          const ctx: TrackingContext = { notificationId: request.notificationId, publicUrl, trackingSecret: options.trackingSecret, issuedAt };
          const subject = (await run(compiled, 'email.subject', params)).replace(/[\r\n]+/g, ' ').trim();
          const html = addFooter(rewriteLinks(await run(compiled, 'email.html', params), ctx), ctx);
          const text = compiled['email.text']
            ? `${rewriteTextLinks(await run(compiled, 'email.text', params), ctx)}\n\nUnsubscribe: ${unsubscribeUrl(ctx)}`
            : htmlToText(html);
          return { channel, subject, html, text, headers: unsubscribeHeaders(unsubscribeUrl(ctx)), ...locale };
        }
        case 'sms': {
          const text = await run(compiled, 'sms.text', params);
          return { channel, text, segments: smsSegments(text), ...locale };
        }
        case 'ios':
        case 'android': {
          const title = await run(compiled, 'push.title', params);
          const body = await run(compiled, 'push.body', params);
          try {
            return { ...fitPush(channel, { channel, title, body, data: { notificationId: request.notificationId } }), ...locale };
          } catch (e) {
            throw new RenderError('render_failed', e instanceof Error ? e.message : String(e));
          }
        }
        case 'web': {
          const title = await run(compiled, 'push.title', params);
          const body = await run(compiled, 'push.body', params);
          const url = compiled['push.url'] ? (await run(compiled, 'push.url', params)).trim() : undefined;
          const icon = compiled['push.icon'] ? (await run(compiled, 'push.icon', params)).trim() : undefined;
          try {
            return fitWebPush({ channel, title, body, ...(url && { url }), ...(icon && { icon }), data: { notificationId: request.notificationId } });
          } catch (e) {
            throw new RenderError('render_failed', e instanceof Error ? e.message : String(e));
          }
        }
        case 'inapp': {
          const title = await run(compiled, 'inapp.title', params);
          const body = await run(compiled, 'inapp.body', params);
          const url = compiled['inapp.url'] ? (await run(compiled, 'inapp.url', params)).trim() : undefined;
          return { channel, title, body, ...(url && { url }) };
        }
        default: {
          const never: never = channel;
          throw new RenderError('channel_missing', `unknown channel ${String(never)}`);
        }
      }
    },
  };
}

/** Reads the app's template stream (commands/templates.ts templateStream) and picks the requested version. */
export function templateLoaderFromEventStore(eventStore: Pick<EventStore, 'readStream'>): LoadTemplate {
  return async (appId, templateId, version) => {
    const events = await eventStore.readStream(await templateStream(eventStore, appId, templateId));
    for (const event of events) {
      if (event.type === 'TemplatePublished' && event.data.version === version) return event.data;
    }
    throw new RenderError('template_not_found', `template ${templateId} version ${version} not found`);
  };
}
