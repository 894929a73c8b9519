import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { SimCredentials } from './credentials.ts';
import type { Channel, FaultDecision, SimState } from './state.ts';
import type { ChatWebhooks } from './chatWebhooks.ts';
import type { WebSubscriptions } from './webSubscriptions.ts';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** serialised as JSON unless a string */
  body?: unknown;
}

export interface ProviderContext {
  state: SimState;
  credentials: SimCredentials;
  /** FCM access tokens the simulated OAuth endpoint handed out */
  issuedTokens: Set<string>;
  /** Web Push subscriptions handed out by POST /_sim/web/subscriptions (the simulator keeps their private keys) */
  webSubscriptions: WebSubscriptions;
  /** Chat webhook URLs handed out by POST /_sim/chat/webhooks */
  chatWebhooks: ChatWebhooks;
  /** `https://localhost:<port>`: the origin the handed-out URLs name */
  origin?: string;
}

export type ProviderHandler = (req: SimRequest, ctx: ProviderContext) => Promise<SimResponse>;

export function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function jsonBody(req: SimRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses a server may send Retry-After with (RFC 9110, RFC 6585): the fault's `retryAfterS` goes on these. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** Applies injected latency, then answers a failure/invalid decision or lets the success through. */
export async function applyFault(
  ctx: ProviderContext,
  channel: Channel,
  recipient: string,
  answers: { failure: (status: number) => SimResponse; invalid: () => SimResponse },
  provider?: string,
): Promise<SimResponse | undefined> {
  const decision: FaultDecision = ctx.state.decide(channel, recipient, provider);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  if (decision.status !== undefined) {
    const answer = answers.failure(decision.status);
    if (decision.retryAfterS === undefined || !RETRY_AFTER_STATUSES.has(decision.status)) return answer;
    // Every emulation answers with the fault's header, whatever its own default (Web Push sends 1 s).
    return { ...answer, headers: { ...answer.headers, 'retry-after': String(decision.retryAfterS) } };
  }
  if (decision.invalid) return answers.invalid();
  return undefined;
}

export function pick(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

const MAX_BODY = 1024 * 1024;

/** undefined when the body is over `limit` (the rest is drained, not kept). */
export function readBody(req: IncomingMessage | Http2ServerRequest, limit = MAX_BODY): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse | Http2ServerResponse, answer: SimResponse): void {
  const isText = typeof answer.body === 'string';
  const payload = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  if (payload !== '') headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
  if (res.headersSent) return void res.end();
  // Both response kinds take (status, headers); @types/node 24 types the union's overloads apart.
  (res as ServerResponse).writeHead(answer.status, headers);
  res.end(payload);
}
