import { createClient, type Client } from '../client/index.ts';

/**
 * The CLI's and the demo's client of the public HTTP API: the typed client of app/client
 * (generated from the OpenAPI document). Errors carry the API's own JSON answer so the CLI can show it.
 */
export { ApiError } from '../client/index.ts';

export type ApiClient = Client;

export function createApiClient(options: { baseUrl: string; appKey: string; appSecret: string; timeoutMs?: number }): ApiClient {
  return createClient(options);
}

/** App credentials from flags first, then NOTIFY_APP_KEY / NOTIFY_APP_SECRET (as app/config.ts read them). */
export function credentialsFrom(flags: { appKey?: string; appSecret?: string }, env: { appKey?: string; appSecret?: string }): { appKey: string; appSecret: string } {
  const appKey = flags.appKey ?? env.appKey;
  const appSecret = flags.appSecret ?? env.appSecret;
  if (!appKey || !appSecret) {
    throw new Error('app credentials missing: pass --app-key and --app-secret or set NOTIFY_APP_KEY and NOTIFY_APP_SECRET (create an app with `notify apps create <name>`)');
  }
  return { appKey, appSecret };
}

/** `--params` must be one JSON object; anything else is refused before a request is made. */
export function parseParams(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(`--params is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('--params must be a JSON object, e.g. \'{"name":"Ada"}\'');
  return value as Record<string, unknown>;
}
