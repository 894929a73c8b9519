import type { ProviderStatus, ProviderStatusResult } from '../../../commands/providerStatus.ts';
import type { Channel } from '../../../domain/events.ts';
import type { Logger } from '../../../infra/logger.ts';

/** A provider's call to its webhook, as the HTTP edge hands it over. */
export interface ReceiptRequest {
  /** The URL the provider called as it signed it: the public base URL, then the path and query received. */
  url: string;
  query: Readonly<Record<string, unknown>>;
  header(name: string): string | undefined;
  /** The body as received (handlers that read `raw`); empty otherwise. */
  raw: Buffer;
  /** The urlencoded fields (handlers that read `form`); empty otherwise. */
  form: Readonly<Record<string, unknown>>;
}

/** Refusals render as the API's one error body; anything else is the provider's own answer. */
export type ReceiptAnswer = { status: number; body?: unknown } | { refused: { status: 400 | 401 | 403 | 404 | 409; code: string; message: string; field?: string } };

export interface ReceiptContext {
  now(): Date;
  /** Whether a string is a notification id at all (the API's format). */
  isNotificationId(id: string): boolean;
  /** Applies one verified receipt (commands/providerStatus.ts), and only to a notification of one of `channels`. */
  record(notificationId: string, status: ProviderStatus, channels: readonly Channel[]): Promise<ProviderStatusResult>;
}

/** One provider's webhook: verifies the signature, parses the provider's format, records, answers. */
export interface ReceiptsHandler {
  /** How the edge parses the body first: the raw bytes (a signature over them) or an urlencoded form. */
  readonly body: 'raw' | 'form';
  handle(req: ReceiptRequest, ctx: ReceiptContext): Promise<ReceiptAnswer>;
}

/** A provider's receipts as its registry entry holds them; `Secrets` are what it verifies with (app/config.ts). */
export interface Receipts<Secrets> {
  /** Its webhook is POST /webhooks/<path>. */
  readonly path: string;
  create(secrets: Secrets, logger: Logger): ReceiptsHandler;
}
