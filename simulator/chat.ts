import { randomUUID } from 'node:crypto';
import { applyFault, header, jsonBody, pick, type ProviderContext, type SimRequest, type SimResponse } from './wire.ts';

/**
 * The simulator as a chat webhook host (Slack, Microsoft Teams, Discord incoming webhooks): it
 * hands out webhook URLs (POST /_sim/chat/webhooks) and records what is posted to them. Slack's
 * `text`, Teams' MessageCard `text` and Discord's `content` are all accepted, as each service
 * answers its own format; the listed message carries the text and which format it came in.
 */

const fail = (status: number, error: string): SimResponse => ({ status, body: error });

function textOf(body: unknown): { text: string; format: 'slack' | 'teams' | 'discord' } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.content === 'string') return { text: b.content, format: 'discord' };
  if (typeof b.text !== 'string') return undefined;
  return { text: b.text, format: b['@type'] === 'MessageCard' ? 'teams' : 'slack' };
}

export async function handleChat(req: SimRequest, ctx: ProviderContext, id: string, origin: string): Promise<SimResponse> {
  if (req.method !== 'POST') return fail(405, 'method_not_allowed');
  const url = `${origin}/chat/webhooks/${id}`;
  // A webhook nobody made, or one revoked by a fault's `tokens`: the 404 Slack answers (`no_service`).
  if (!ctx.chatWebhooks.has(id)) return fail(404, 'no_service');
  const fault = await applyFault(ctx, 'chat', url, {
    failure: (status) => ({ status, ...(status === 429 && { headers: { 'retry-after': '1' } }), body: status === 429 ? 'rate_limited' : 'injected fault' }),
    invalid: () => fail(404, 'no_service'),
  });
  if (fault) return fault;
  if (!(header(req, 'content-type') ?? '').startsWith('application/json')) return fail(400, 'invalid_payload');
  const message = textOf(jsonBody(req));
  if (!message || message.text === '') return fail(400, 'no_text');
  const messageId = randomUUID();
  ctx.state.record({
    channel: 'chat',
    provider: 'chat',
    recipient: url,
    content: { text: message.text, format: message.format, payload: jsonBody(req) as Record<string, unknown> },
    providerMessageId: messageId,
    meta: { headers: pick(req.headers, ['content-type', 'user-agent']), auth: { scheme: 'webhook-url' } },
  });
  // Slack answers 200 "ok", Discord 204, Teams 200 "1": every client reads the status only.
  return { status: 200, body: 'ok' };
}
