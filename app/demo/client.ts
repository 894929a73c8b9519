/**
 * A small client of the public HTTP API (docs/api.md), used by `notify send`,
 * `notify status` and the demo. Errors carry the API's own JSON answer so the CLI can show it.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export interface ApiClient {
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createApiClient(options: { baseUrl: string; appKey: string; appSecret: string; timeoutMs?: number }): ApiClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const auth = `Basic ${Buffer.from(`${options.appKey}:${options.appSecret}`).toString('base64')}`;
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (e) {
        throw new Error(`cannot reach the API at ${base} (${e instanceof Error ? e.message : String(e)}): is \`notify serve\` running?`, { cause: e });
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      if (!res.ok) throw new ApiError(method, path, res.status, parsed);
      return parsed as T;
    },
  };
}

/** App credentials from flags first, then NOTIFY_APP_KEY / NOTIFY_APP_SECRET (as app/config.ts read them). */
export function credentialsFrom(
  flags: { appKey?: string; appSecret?: string },
  env: { appKey?: string; appSecret?: string },
): { appKey: string; appSecret: string } {
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
    throw new Error(`--params is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('--params must be a JSON object, e.g. \'{"name":"Ada"}\'');
  return value as Record<string, unknown>;
}
