import type { Channel, Recipient } from '../domain/events.ts';

/** What a channel's provider is asked to deliver: already rendered, already resolved. */
export type RenderedContent = (
  | { channel: 'email'; subject: string; html: string; text: string; headers?: Record<string, string> }
  | { channel: 'sms'; text: string; segments: number }
  | { channel: 'ios' | 'android'; title: string; body: string; data?: Record<string, string> }
  /** The JSON a service worker receives in its `push` event, fitted to the 4 KB payload limit. */
  | { channel: 'web'; title: string; body: string; url?: string; icon?: string; data?: Record<string, string> }
  | { channel: 'inapp'; title: string; body: string; url?: string }
  /** Escaped for the markup of the webhook's target (channels/render/chat.ts). */
  | { channel: 'chat'; text: string }
) & {
  /** The template variant rendered (a key of its `locales`, or `default`), recorded with the attempt. */
  locale?: string;
};

export interface ProviderMessage {
  notificationId: string;
  channel: Channel;
  recipient: Recipient;
  content: RenderedContent;
  attempt: number;
  appId: string;
  userId: string;
}

/**
 * Every provider answer, classified. Vendor errors never escape an adapter: anything it cannot
 * place is `retryable` (a timeout, a 429, a 5xx, a broken connection) or `permanent`.
 */
export type ProviderResult =
  | {
      kind: 'ok';
      provider: string;
      providerMessageId: string;
      /** Push to several devices: the tokens the provider said are dead, though others got it. */
      invalidTokens?: string[];
    }
  | { kind: 'retryable'; provider: string; code: string; message: string; retryAfterMs?: number }
  | { kind: 'permanent'; provider: string; code: string; message: string }
  | { kind: 'token_invalid'; provider: string; code: string; message: string; tokens: string[] };

export interface SendOptions {
  signal?: AbortSignal;
}

export interface Provider {
  readonly channel: Channel;
  /** e.g. "apns", "fcm", "twilio", "sendgrid", or "simulator:…" */
  readonly name: string;
  /**
   * `signal` aborts when the sender's deadline passes: adapters hand it to their SDK's HTTP client
   * where the SDK allows it (and set their SDK's own request timeout where it does not).
   */
  send(message: ProviderMessage, options?: SendOptions): Promise<ProviderResult>;
  close?(): Promise<void>;
}

export type Providers = Record<Channel, Provider>;
