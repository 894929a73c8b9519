import { createHmac, randomBytes, sign } from 'node:crypto';
import type { SimCredentials } from './credentials.ts';
import type { SimMessage } from './state.ts';

/**
 * What the simulated providers send back after a message, as the real ones do: SendGrid's signed
 * event webhook (`delivered`), Twilio's signed status callback (`delivered`), and the recipient's
 * mail client loading the open pixel and following a link (the platform's own open and click
 * tracking; SendGrid's `open`/`click` events are left out, the platform ignores them).
 */
export interface ReceiptOptions {
  /**
   * The platform's base URL. SendGrid events are posted to `<url>/webhooks/sendgrid`; Twilio
   * callbacks and the tracking links go to this origin with their own path and query (they name
   * PUBLIC_URL, which may be a proxy in front of it), and are signed as named.
   */
  url: string;
  /** Share (0..1) of delivered SendGrid emails whose open pixel is loaded. */
  openRate: number;
  /** Share (0..1) of opened emails whose first tracked link is followed. */
  clickRate: number;
  /** Each receipt waits a random 0..delayMs first, as a provider's would (default 200). */
  delayMs?: number;
  /** Attempts after the first while the platform answers 5xx or 409 (the receipt outran the send) or is away (default 8: about 12 s in all). */
  retries?: number;
}

export type ReceiptKind = 'delivered' | 'open' | 'click';

/** One receipt, as `GET /_sim/receipts` lists it. */
export interface SimReceipt {
  seq: number;
  kind: ReceiptKind;
  channel: 'email' | 'sms';
  provider: string;
  /** seq of the message in `GET /_sim/messages` it is about */
  messageSeq: number;
  notificationId?: string;
  state: 'pending' | 'accepted' | 'refused';
  attempts: number;
  /** The platform's last HTTP status (absent while none answered). */
  status?: number;
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 2000;
const MAX_KEPT = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** X-Twilio-Signature: HMAC-SHA1 of the URL followed by each form field's name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The open pixel (a 1x1 image) and the first tracked link of the platform's HTML, unsubscribe excluded. */
export function trackingLinks(html: string, unsubscribe: string | undefined): { pixel?: string; click?: string } {
  const decode = (u: string) => u.replace(/&amp;/g, '&');
  const pixel = [...html.matchAll(/<img\b[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => /\bwidth\s*=\s*["']?1\b/i.test(tag) && /\bheight\s*=\s*["']?1\b/i.test(tag))
    .map((tag) => /\bsrc\s*=\s*(["'])(.*?)\1/i.exec(tag)?.[2])
    .find((src) => src !== undefined);
  if (pixel === undefined) return {};
  // Only links on the pixel's origin: the platform's own tracking links, never a third party's page.
  const origin = new URL(decode(pixel)).origin;
  const click = [...html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1/gis)]
    .map((m) => decode(m[2]!))
    .find((href) => URL.canParse(href) && new URL(href).origin === origin && href !== unsubscribe);
  return { pixel: decode(pixel), ...(click !== undefined && { click }) };
}

export class Receipts {
  private readonly credentials: SimCredentials;
  private options: ReceiptOptions | undefined;
  private readonly list: SimReceipt[] = [];
  private seq = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(credentials: SimCredentials, options?: ReceiptOptions) {
    this.credentials = credentials;
    this.options = options;
  }

  /** Where receipts go from now on; undefined: none are sent. */
  configure(options: ReceiptOptions | undefined): void {
    this.options = options;
  }

  get config(): ReceiptOptions | undefined {
    return this.options;
  }

  /** Receipts with seq > since, oldest first. */
  since(since: number): { receipts: SimReceipt[]; last: number; pending: number } {
    return { receipts: this.list.filter((r) => r.seq > since), last: this.seq, pending: this.list.filter((r) => r.state === 'pending').length };
  }

  /** Called for every accepted message; schedules its receipts without holding up the provider's answer. */
  onMessage(message: SimMessage): void {
    const options = this.options;
    if (!options || this.stopped) return;
    if (message.provider === 'sendgrid') this.track(this.email(message, options));
    else if (message.provider === 'twilio' || message.provider === 'twilio-secondary') this.track(this.sms(message, options));
  }

  /** Waits for the receipts under way (tests), or drops them (stop). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
  }

  private track(work: Promise<void>): void {
    const p = work.catch(() => {}).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private add(kind: ReceiptKind, message: SimMessage, notificationId: string | undefined): SimReceipt {
    this.seq += 1;
    const receipt: SimReceipt = {
      seq: this.seq,
      kind,
      channel: message.channel === 'sms' ? 'sms' : 'email',
      provider: message.provider,
      messageSeq: message.seq,
      ...(notificationId !== undefined && { notificationId }),
      state: 'pending',
      attempts: 0,
    };
    this.list.push(receipt);
    if (this.list.length > MAX_KEPT) this.list.splice(0, this.list.length - MAX_KEPT);
    return receipt;
  }

  /** Sends until the platform takes it or refuses it for good; a 409 means the receipt outran the send. */
  private async deliver(receipt: SimReceipt, options: ReceiptOptions, request: () => Promise<Response>): Promise<boolean> {
    const retries = options.retries ?? 8;
    await sleep(Math.random() * (options.delayMs ?? 200));
    for (let attempt = 0; attempt <= retries && !this.stopped; attempt++) {
      if (attempt > 0) await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));
      receipt.attempts += 1;
      try {
        const res = await request();
        await res.arrayBuffer().catch(() => undefined);
        receipt.status = res.status;
        if (res.status < 400) {
          receipt.state = 'accepted';
          return true;
        }
        if (res.status !== 409 && res.status < 500) break;
      } catch {
        // The platform is away (restarting): tried again like a 5xx.
      }
    }
    receipt.state = 'refused';
    return false;
  }

  private target(named: string, base: string): string {
    const u = new URL(named);
    return new URL(`${u.pathname}${u.search}`, base).toString();
  }

  private async email(message: SimMessage, options: ReceiptOptions): Promise<void> {
    const content = message.content as { html?: string; customArgs?: Record<string, string>; headers?: Record<string, string> };
    const notificationId = content.customArgs?.notificationId;
    const receipt = this.add('delivered', message, notificationId);
    const event = {
      email: message.recipient,
      timestamp: Math.floor(Date.now() / 1000),
      event: 'delivered',
      response: '250 OK',
      sg_event_id: randomBytes(16).toString('base64url'),
      sg_message_id: message.providerMessageId,
      ...content.customArgs,
    };
    const body = JSON.stringify([event]);
    const url = new URL('webhooks/sendgrid', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
    const delivered = await this.deliver(receipt, options, () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), this.credentials.sendgrid.webhookKey).toString('base64');
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp },
        body,
      });
    });
    if (!delivered || !content.html || Math.random() >= options.openRate) return;
    const unsubscribe = /^<(.*)>$/.exec(content.headers?.['List-Unsubscribe'] ?? '')?.[1];
    const links = trackingLinks(content.html, unsubscribe);
    if (!links.pixel) return;
    const get = (link: string) => () => fetch(this.target(link, options.url), { redirect: 'manual', headers: { 'user-agent': 'notify-simulator (mail client)' } });
    const opened = await this.deliver(this.add('open', message, notificationId), options, get(links.pixel));
    if (!opened || !links.click || Math.random() >= options.clickRate) return;
    await this.deliver(this.add('click', message, notificationId), options, get(links.click));
  }

  private async sms(message: SimMessage, options: ReceiptOptions): Promise<void> {
    const content = message.content as { statusCallback?: string; from?: string; messagingServiceSid?: string };
    if (!content.statusCallback || !URL.canParse(content.statusCallback)) return;
    const callback = content.statusCallback;
    const account = message.provider === 'twilio-secondary' ? this.credentials.twilioSecondary : this.credentials.twilio;
    const params: Record<string, string> = {
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: message.providerMessageId,
      SmsSid: message.providerMessageId,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      To: message.recipient,
      ...(content.from !== undefined && { From: content.from }),
      ...(content.messagingServiceSid !== undefined && { MessagingServiceSid: content.messagingServiceSid }),
    };
    const notificationId = new URL(callback).searchParams.get('notificationId') ?? undefined;
    const body = new URLSearchParams(params).toString();
    await this.deliver(this.add('delivered', message, notificationId), options, () =>
      fetch(this.target(callback, options.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(account.authToken, callback, params) },
        body,
      }),
    );
  }
}
