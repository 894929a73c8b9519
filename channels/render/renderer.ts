import { Liquid, type Template } from 'liquidjs';
import type { NotificationRequested, TemplateContent, TemplatePublished } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { RenderedContent } from '../port.ts';
import { addFooter, htmlToText, rewriteLinks, rewriteTextLinks, unsubscribeUrl, type TrackingContext } from './email.ts';
import { fitPush } from './push.ts';
import { smsSegments } from './sms.ts';

export { apnsPayload, fcmPayload, pushPayloadBytes, APNS_MAX_PAYLOAD_BYTES, FCM_MAX_PAYLOAD_BYTES } from './push.ts';
export { smsEncoding, smsSegments } from './sms.ts';

export type TemplateData = TemplatePublished['data'];
export type LoadTemplate = (templateId: string, version: number) => Promise<TemplateData>;

/** Rendering can never succeed on a retry: the sender treats this as a permanent failure. */
export class RenderError extends Error {
  readonly code: 'template_not_found' | 'channel_missing' | 'render_failed';
  constructor(code: RenderError['code'], message: string) {
    super(message);
    this.name = 'RenderError';
    this.code = code;
  }
}

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

type Field = 'email.subject' | 'email.html' | 'email.text' | 'sms.text' | 'push.title' | 'push.body';

function fieldsOf(content: TemplateContent): Array<[Field, string]> {
  const out: Array<[Field, string]> = [];
  if (content.email) {
    out.push(['email.subject', content.email.subject], ['email.html', content.email.html]);
    if (content.email.text !== undefined) out.push(['email.text', content.email.text]);
  }
  if (content.sms) out.push(['sms.text', content.sms.text]);
  if (content.push) out.push(['push.title', content.push.title], ['push.body', content.push.body]);
  return out;
}

function engineFor(field: Field): Liquid {
  return field === 'email.html' ? htmlEngine : textEngine;
}

function parseField(field: Field, source: string): Template[] {
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

type Compiled = Partial<Record<Field, Template[]>>;

function compile(content: TemplateContent): Compiled {
  const compiled: Compiled = {};
  for (const [field, source] of fieldsOf(content)) compiled[field] = parseField(field, source);
  return compiled;
}

export interface RendererOptions {
  loadTemplate: LoadTemplate;
  publicUrl: string;
  trackingSecret: string;
  /** Parsed templates kept in memory; (id, version) is immutable so entries never go stale. */
  cacheSize?: number;
}

export interface Renderer {
  render(request: NotificationRequested['data']): Promise<RenderedContent>;
}

export function createRenderer(options: RendererOptions): Renderer {
  const cacheSize = options.cacheSize ?? 1000;
  const cache = new Map<string, Promise<Compiled>>();
  const publicUrl = options.publicUrl.replace(/\/$/, '');

  function compiledFor(templateId: string, version: number): Promise<Compiled> {
    const key = `${templateId}\u0000${version}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const loading = options.loadTemplate(templateId, version).then((t) => compile(t.content));
    // A failed load must not stay cached: the next attempt may find the template.
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return loading;
  }

  async function run(compiled: Compiled, field: Field, params: Record<string, unknown>): Promise<string> {
    const tpl = compiled[field];
    if (!tpl) throw new RenderError('channel_missing', `template has no ${field}`);
    try {
      return String(await engineFor(field).render(tpl, params));
    } catch (e) {
      throw new RenderError('render_failed', `${field}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  return {
    async render(request) {
      const compiled = await compiledFor(request.templateId, request.templateVersion);
      const params = request.params ?? {};
      const channel = request.channel;
      switch (channel) {
        case 'email': {
          const ctx: TrackingContext = { notificationId: request.notificationId, publicUrl, trackingSecret: options.trackingSecret };
          const subject = (await run(compiled, 'email.subject', params)).replace(/[\r\n]+/g, ' ').trim();
          const html = addFooter(rewriteLinks(await run(compiled, 'email.html', params), ctx), ctx);
          const text = compiled['email.text']
            ? `${rewriteTextLinks(await run(compiled, 'email.text', params), ctx)}\n\nUnsubscribe: ${unsubscribeUrl(ctx)}`
            : htmlToText(html);
          return { channel, subject, html, text };
        }
        case 'sms': {
          const text = await run(compiled, 'sms.text', params);
          return { channel, text, segments: smsSegments(text) };
        }
        case 'ios':
        case 'android': {
          const title = await run(compiled, 'push.title', params);
          const body = await run(compiled, 'push.body', params);
          try {
            return fitPush(channel, { channel, title, body, data: { notificationId: request.notificationId } });
          } catch (e) {
            throw new RenderError('render_failed', e instanceof Error ? e.message : String(e));
          }
        }
        default: {
          const never: never = channel;
          throw new RenderError('channel_missing', `unknown channel ${String(never)}`);
        }
      }
    },
  };
}

/** Reads `template-<id>` and picks the requested version. */
export function templateLoaderFromEventStore(eventStore: Pick<EventStore, 'readStream'>): LoadTemplate {
  return async (templateId, version) => {
    const events = await eventStore.readStream(streams.template(templateId));
    for (const event of events) {
      if (event.type === 'TemplatePublished' && event.data.version === version) return event.data;
    }
    throw new RenderError('template_not_found', `template ${templateId} version ${version} not found`);
  };
}
