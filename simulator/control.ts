import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, send } from './wire.ts';
import { CHANNELS, FieldError, parseFault, type Channel, type SimState } from './state.ts';
import type { ChatWebhooks } from './chatWebhooks.ts';
import type { WebSubscriptions } from './webSubscriptions.ts';
import type { Receipts } from './receipts.ts';

function bad(res: ServerResponse, field: string, message: string): void {
  send(res, { status: 400, body: { error: 'invalid_request', field, message: `${field} ${message}` } });
}

function sinceParam(url: URL): number | undefined {
  const raw = url.searchParams.get('since') ?? '0';
  return /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;
}

/** The pinned control API (docs/api.md): messages received, fault injection. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimState,
  web?: { subscriptions: WebSubscriptions; origin: string },
  receipts?: Receipts,
  chat?: { webhooks: ChatWebhooks; origin: string },
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname;
    if (path === '/_sim/chat/webhooks' && req.method === 'POST' && chat) return send(res, { status: 201, body: chat.webhooks.create(chat.origin) });
    if (path === '/_sim/web/subscriptions' && req.method === 'POST' && web) {
      // Optional body { applicationServerKey }: the key a browser's pushManager.subscribe() would be given.
      const raw = await readBody(req, 64 * 1024);
      if (raw === undefined) return bad(res, 'body', 'is too large');
      let key: unknown;
      if (raw.length > 0) {
        try {
          key = (JSON.parse(raw.toString('utf8')) as { applicationServerKey?: unknown } | null)?.applicationServerKey;
        } catch {
          return bad(res, 'body', 'must be valid JSON');
        }
      }
      if (key !== undefined && (typeof key !== 'string' || !/^[A-Za-z0-9_-]{80,100}$/.test(key))) return bad(res, 'applicationServerKey', 'must be a base64url P-256 public key');
      return send(res, { status: 201, body: web.subscriptions.create(web.origin, key as string | undefined) });
    }
    if (path === '/_sim/messages' && req.method === 'GET') {
      const channel = url.searchParams.get('channel');
      if (channel !== null && !(CHANNELS as readonly string[]).includes(channel)) return bad(res, 'channel', `must be one of ${CHANNELS.join(', ')}`);
      const since = sinceParam(url);
      if (since === undefined) return bad(res, 'since', 'must be a non-negative integer');
      const limitRaw = url.searchParams.get('limit');
      const limit = limitRaw === null ? undefined : Number(limitRaw);
      if (limitRaw !== null && (!/^\d+$/.test(limitRaw) || limit === 0)) return bad(res, 'limit', 'must be a positive integer');
      const { messages, last } = state.list((channel ?? undefined) as Channel | undefined, since, limit);
      return send(res, { status: 200, body: { messages, last } });
    }
    if (path === '/_sim/faults') {
      if (req.method === 'GET') return send(res, { status: 200, body: { faults: state.listFaults() } });
      if (req.method === 'DELETE') {
        state.clearFaults();
        return send(res, { status: 204 });
      }
      if (req.method === 'POST') {
        const raw = await readBody(req, 64 * 1024);
        if (raw === undefined) return bad(res, 'body', 'is too large');
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return bad(res, 'body', 'must be valid JSON');
        }
        const fault = parseFault(body);
        state.setFault(fault);
        return send(res, { status: 200, body: { fault } });
      }
      return send(res, { status: 405, body: { error: 'method_not_allowed' } });
    }
    if (path === '/_sim/receipts' && req.method === 'GET' && receipts) {
      const since = sinceParam(url);
      if (since === undefined) return bad(res, 'since', 'must be a non-negative integer');
      const config = receipts.config;
      return send(res, { status: 200, body: { ...receipts.since(since), target: config ? { url: config.url, openRate: config.openRate, clickRate: config.clickRate } : null } });
    }
    if (path === '/_sim/stats' && req.method === 'GET') {
      return send(res, { status: 200, body: { last: state.lastSeq, rejected: state.rejected } });
    }
    if (path === '/_sim/health') return send(res, { status: 200, body: { ok: true } });
    send(res, { status: 404, body: { error: 'not_found' } });
  } catch (e) {
    if (e instanceof FieldError) return bad(res, e.field, e.message);
    send(res, { status: 500, body: { error: e instanceof Error ? e.message : String(e) } });
  }
}
