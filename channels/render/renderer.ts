import { randomUUID } from 'node:crypto';
import type { NotificationRequested, TemplatePublished } from '../../domain/events.ts';
import { templateStream } from '../../commands/templates.ts';
import type { TemplateField } from '../../domain/templateDialect.ts';
import { chooseVariant } from '../../domain/templateLocale.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { LruMap } from '../../infra/lru.ts';
import { RenderBudgetError, type RenderPool } from '../../infra/render/pool.ts';
import type { RenderedContent } from '../port.ts';
import { addFooter, htmlToText, rewriteLinks, rewriteTextLinks, unsubscribeHeaders, unsubscribeUrl, type TrackingContext } from './email.ts';
import { fitPush, fitWebPush } from './push.ts';
import { smsSegments } from './sms.ts';
import { chatTarget, chatText } from './chat.ts';
import { DEFAULT_PREFERENCES_LINK_TTL_DAYS, PREFERENCES_URL_VARIABLE, preferencesUrl } from '../../domain/preferencesLink.ts';

export { apnsPayload, fcmPayload, webPushPayload, pushPayloadBytes, APNS_MAX_PAYLOAD_BYTES, FCM_MAX_PAYLOAD_BYTES, WEB_PUSH_MAX_PAYLOAD_BYTES } from './push.ts';
export { smsEncoding, smsSegments } from './sms.ts';

export type TemplateData = TemplatePublished['data'];
/** Template ids are per app: the app is part of what names a template. */
export type LoadTemplate = (appId: string, templateId: string, version: number) => Promise<TemplateData>;

/** Rendering can never succeed on a retry: the sender treats this as a permanent failure. */
export class RenderError extends Error {
  /** `render_budget`: the render ran past RENDER_BUDGET_MS (infra/render/pool.ts) and was stopped. */
  readonly code: 'template_not_found' | 'channel_missing' | 'render_failed' | 'render_budget';
  constructor(code: RenderError['code'], message: string) {
    super(message);
    this.name = 'RenderError';
    this.code = code;
  }
}

export interface RendererOptions {
  loadTemplate: LoadTemplate;
  /** Where Liquid runs: worker threads with a per-render budget, never the consumer's thread. */
  pool: RenderPool;
  publicUrl: string;
  trackingSecret: string;
  /** Loaded templates kept in memory (the workers keep them parsed); (id, version) is immutable so entries never go stale. */
  cacheSize?: number;
  /** The issue time written into tracking links (they expire). */
  now?: () => Date;
  /** Life of the preference-center link a template places with `{{ preferences_url }}` (PREFERENCES_LINK_TTL_DAYS). */
  preferencesLinkTtlDays?: number;
}

export interface Renderer {
  render(request: NotificationRequested['data']): Promise<RenderedContent>;
}

/** The parts each channel renders; optional ones may be absent from a template. */
const CHANNEL_FIELDS = {
  email: { required: ['email.subject', 'email.html'], optional: ['email.text'] },
  sms: { required: ['sms.text'], optional: [] },
  ios: { required: ['push.title', 'push.body'], optional: [] },
  android: { required: ['push.title', 'push.body'], optional: [] },
  web: { required: ['push.title', 'push.body'], optional: ['push.url', 'push.icon'] },
  inapp: { required: ['inapp.title', 'inapp.body'], optional: ['inapp.url'] },
  chat: { required: ['chat.text'], optional: [] },
} as const satisfies Record<NotificationRequested['data']['channel'], { required: readonly TemplateField[]; optional: readonly TemplateField[] }>;

export function createRenderer(options: RendererOptions): Renderer {
  const cacheSize = options.cacheSize ?? 1000;
  const cache = new LruMap<string, Promise<TemplateData>>(cacheSize);
  const publicUrl = options.publicUrl.replace(/\/$/, '');
  // The workers' parse cache is shared by whoever uses the pool; (id, version) is immutable within one log only.
  const cacheScope = randomUUID();

  function templateFor(appId: string, templateId: string, version: number): Promise<TemplateData> {
    const key = `${appId}\u0000${templateId}\u0000${version}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const loading = options.loadTemplate(appId, templateId, version);
    // A failed load must not stay cached: the next attempt may find the template.
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
    return loading;
  }

  /** The recipient's signed preference-center link, minted per render (a re-render gets a fresh expiry). */
  function preferencesLinkFor(request: NotificationRequested['data']): string {
    const issued = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    const expiresAt = issued + (options.preferencesLinkTtlDays ?? DEFAULT_PREFERENCES_LINK_TTL_DAYS) * 86_400;
    return preferencesUrl(publicUrl, { appId: request.appId, userId: request.userId, expiresAt }, options.trackingSecret);
  }

  /** Every part the channel needs, rendered in one job on the pool (never on this thread). */
  async function renderFields(request: NotificationRequested['data'], template: TemplateData, variant: string): Promise<Partial<Record<TemplateField, string>>> {
    const { required, optional } = CHANNEL_FIELDS[request.channel];
    const fields: TemplateField[] = [...required, ...optional];
    let result;
    try {
      result = await options.pool.run({
        appId: request.appId,
        templateId: `${request.templateId} v${request.templateVersion}`,
        cacheKey: `${cacheScope}\u0000${request.appId}\u0000${request.templateId}\u0000${request.templateVersion}`,
        content: template.content,
        fields: fields.map((field) => ({ variant, field, required: (required as readonly TemplateField[]).includes(field) })),
        fieldFallback: false,
        // The platform's variables win over a param of the same name: the link is always this recipient's own.
        params: { ...(request.params ?? {}), [PREFERENCES_URL_VARIABLE]: preferencesLinkFor(request) },
        // The recipient's locale reaches the date and number filters as a render global, never as a param.
        ...(request.recipient.locale && { locale: request.recipient.locale }),
      });
    } catch (e) {
      if (e instanceof RenderBudgetError) throw new RenderError('render_budget', e.message);
      throw e;
    }
    if (!result.ok && result.kind === 'missing') throw new RenderError('channel_missing', result.message);
    if (!result.ok) {
      // A template stored before the dialect refused something (e.g. {% include %}) can never render: permanent.
      throw new RenderError('render_failed', result.kind === 'syntax' ? `${result.field}: template does not parse` : `${result.field}: ${result.message}`);
    }
    const out: Partial<Record<TemplateField, string>> = {};
    fields.forEach((field, i) => {
      const value = result.values[i];
      if (value !== null && value !== undefined) out[field] = value;
    });
    return out;
  }

  return {
    async render(request) {
      const template = await templateFor(request.appId, request.templateId, request.templateVersion);
      const channel = request.channel;
      // The user's locale (resolved at request time, so a re-render picks the same), then its language, then the default.
      const variant = chooseVariant(template.content, channel === 'email' || channel === 'sms' || channel === 'chat' ? channel : 'push', request.recipient.locale);
      const locale = { locale: variant };
      const f = await renderFields(request, template, variant);
      const text = (field: TemplateField) => f[field] ?? '';
      switch (channel) {
        case 'email': {
          const issuedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
          const ctx: TrackingContext = { notificationId: request.notificationId, publicUrl, trackingSecret: options.trackingSecret, issuedAt };
          const subject = text('email.subject')
            .replace(/[\r\n]+/g, ' ')
            .trim();
          const html = addFooter(rewriteLinks(text('email.html'), ctx), ctx);
          const plain = f['email.text'] !== undefined ? `${rewriteTextLinks(f['email.text'], ctx)}\n\nUnsubscribe: ${unsubscribeUrl(ctx)}` : htmlToText(html);
          return { channel, subject, html, text: plain, headers: unsubscribeHeaders(unsubscribeUrl(ctx)), ...locale };
        }
        case 'sms': {
          const body = text('sms.text');
          return { channel, text: body, segments: smsSegments(body), ...locale };
        }
        case 'ios':
        case 'android': {
          try {
            return { ...fitPush(channel, { channel, title: text('push.title'), body: text('push.body'), data: { notificationId: request.notificationId } }), ...locale };
          } catch (e) {
            throw new RenderError('render_failed', e instanceof Error ? e.message : String(e));
          }
        }
        case 'web': {
          const url = f['push.url']?.trim();
          const icon = f['push.icon']?.trim();
          try {
            return fitWebPush({
              channel,
              title: text('push.title'),
              body: text('push.body'),
              ...(url && { url }),
              ...(icon && { icon }),
              data: { notificationId: request.notificationId },
            });
          } catch (e) {
            throw new RenderError('render_failed', e instanceof Error ? e.message : String(e));
          }
        }
        case 'inapp': {
          const url = f['inapp.url']?.trim();
          return { channel, title: text('inapp.title'), body: text('inapp.body'), ...(url && { url }) };
        }
        case 'chat': {
          // The webhook's host decides the markup; the URL is part of the request, so a re-render escapes the same way.
          const target = chatTarget(request.recipient.kind === 'chat' ? request.recipient.webhookUrl : '');
          return { channel, text: chatText(text('chat.text'), target), ...locale };
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
