import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyChatStatus } from '../../channels/providers/chat/provider.ts';
import { chatPayload, chatTarget, chatText } from '../../channels/render/chat.ts';
import { streams } from '../../domain/streams.ts';
import { CHAT_OUTPUT_CLOSE, CHAT_OUTPUT_OPEN, engineFor } from '../../domain/templateDialect.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';

/** What the chat engine renders (outputs fenced), as a sender's worker would. */
async function render(source: string, params: Record<string, unknown>): Promise<string> {
  const engine = engineFor('chat.text');
  return String(await engine.render(engine.parse(source), params));
}

describe('chat markup: the webhook host picks the format, outputs are escaped for it', () => {
  it('tells the targets apart by host', () => {
    expect(chatTarget('https://hooks.slack.com/services/T0/B0/x')).toBe('slack');
    expect(chatTarget('https://contoso.webhook.office.com/webhookb2/abc')).toBe('teams');
    expect(chatTarget('https://outlook.office.com/webhook/abc')).toBe('teams');
    expect(chatTarget('https://discord.com/api/webhooks/1/tok')).toBe('discord');
    expect(chatTarget('https://discord.com/channels/1')).toBe('slack');
    expect(chatTarget('https://chat.example.com/hooks/x')).toBe('slack');
  });

  it('escapes what params bring, never the template text', async () => {
    const rendered = await render('*Order* {{ id }} for {{ name }}', { id: 'A_7', name: '<!channel> & *Bob*' });
    expect(chatText(rendered, 'slack')).toBe('*Order* A_7 for &lt;!channel&gt; &amp; *Bob*');
    expect(chatText(rendered, 'discord')).toBe('*Order* A\\_7 for \\<!channel\\> & \\*Bob\\*');
    expect(chatText(rendered, 'teams')).toBe('*Order* A\\_7 for &lt;!channel&gt; &amp; \\*Bob\\*');
  });

  it('a param cannot open or close a fence to smuggle markup out of its escape', async () => {
    const rendered = await render('{{ a }}', { a: `x${CHAT_OUTPUT_CLOSE}<@U1>${CHAT_OUTPUT_OPEN}y` });
    expect(chatText(rendered, 'slack')).toBe('x&lt;@U1&gt;y');
  });

  it('builds each target body; Discord is cut to its 2000 characters and pings nobody', () => {
    expect(chatPayload('slack', 'hi')).toEqual({ text: 'hi' });
    expect(chatPayload('teams', 'hi')).toEqual({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', text: 'hi' });
    const discord = chatPayload('discord', 'x'.repeat(2500));
    expect(discord).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(Array.from(discord.content as string)).toHaveLength(2000);
  });

  it('classifies webhook answers: 2xx ok, 404/410 dead, 429 with Retry-After and 5xx retryable, other 4xx permanent', () => {
    const url = 'https://hooks.slack.com/services/T/B/x';
    expect(classifyChatStatus(200, url).kind).toBe('ok');
    expect(classifyChatStatus(204, url).kind).toBe('ok');
    expect(classifyChatStatus(404, url)).toMatchObject({ kind: 'token_invalid', tokens: [url], code: 'chat:404' });
    expect(classifyChatStatus(410, url)).toMatchObject({ kind: 'token_invalid', tokens: [url] });
    expect(classifyChatStatus(429, url, '7')).toMatchObject({ kind: 'retryable', retryAfterMs: 7000 });
    expect(classifyChatStatus(503, url)).toMatchObject({ kind: 'retryable', code: 'chat:503' });
    expect(classifyChatStatus(400, url)).toMatchObject({ kind: 'permanent', code: 'chat:400' });
    expect(classifyChatStatus(403, url)).toMatchObject({ kind: 'permanent' });
    expect(classifyChatStatus(302, url)).toMatchObject({ kind: 'permanent' });
  });
});

describe('chat end to end: HTTP -> pipeline -> webhook -> simulator', () => {
  let platform: E2ePlatform | undefined;
  let t: TestSim;
  let api: TestApi;
  const webhook = async (): Promise<string> => {
    const res = await fetch(`${t.sim.urls.control}/_sim/chat/webhooks`, { method: 'POST' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { url: string }).url;
  };
  beforeAll(async () => {
    // Short tiers, and a longest one past the 1 s Retry-After the 429 test asks for (a Retry-After is capped at the longest tier).
    platform = await startE2ePlatform('e2e-chat', { env: { RETRY_DELAYS_MS: '50,100,1500' } });
    t = platform.sim;
    api = platform.api;
    expect((await api.call('PUT', '/v1/templates/deploy', { chat: { text: '*Deploy* {{ id }} by {{ who }}' } })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.clearFaults();
    await platform?.stop();
  });

  it('delivers the rendered text with params escaped for Slack mrkdwn', async () => {
    const url = await webhook();
    const put = await api.call('PUT', '/v1/users/chat-ann', { chat: { webhookUrl: url } });
    expect(put.status).toBe(200);
    expect(put.body.chat).toEqual({ webhookUrl: url });
    expect((await api.call('GET', '/v1/users/chat-ann')).body.chat).toEqual({ webhookUrl: url });
    const { last } = await t.messages('chat');
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'chat-1',
      userId: 'chat-ann',
      templateId: 'deploy',
      channels: ['chat'],
      params: { id: 'v1.2', who: '<!channel> & co' },
    });
    expect(res.status).toBe(202);
    expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'chat', status: 'pending' })]);
    const id = res.body.notifications[0].id as string;
    const got = await waitFor('the chat message', async () => (await t.messages('chat', last)).messages[0]);
    expect(got).toMatchObject({ channel: 'chat', recipient: url, content: { text: '*Deploy* v1.2 by &lt;!channel&gt; &amp; co', format: 'slack' } });
    await waitFor('NotificationSent', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent'));
  });

  it('a 429 is retried after its Retry-After, then delivered', async () => {
    const url = await webhook();
    await api.call('PUT', '/v1/users/chat-bob', { chat: { webhookUrl: url } });
    await t.fault({ channel: 'chat', rate: 1, status: 429, retryAfterS: 1 });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'chat-2', userId: 'chat-bob', templateId: 'deploy', params: { id: 'v2', who: 'bob' } });
    const id = res.body.notifications[0].id as string;
    const failed = await waitFor('an attempt failed with 429', async () =>
      (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationAttemptFailed' && e.data.code === 'chat:429'),
    );
    // The first tier here is 50 ms: the wait scheduled is the host's 1 s.
    expect(failed.type === 'NotificationAttemptFailed' && failed.data.retryInMs).toBeGreaterThanOrEqual(1000);
    await t.clearFaults();
    const sent = await waitFor('NotificationSent after the retry', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationSent'));
    expect(sent.type === 'NotificationSent' && sent.data.attempt).toBeGreaterThan(1);
  });

  it('a 404 removes the webhook URL from the user; the next notification is suppressed no_contact', async () => {
    const url = await webhook();
    await api.call('PUT', '/v1/users/chat-cid', { chat: { webhookUrl: url } });
    await t.fault({ channel: 'chat', rate: 0, tokens: [url] });
    const res = await api.call('POST', '/v1/notifications', { eventId: 'chat-3', userId: 'chat-cid', templateId: 'deploy', params: { id: 'v3', who: 'cid' } });
    const id = res.body.notifications[0].id as string;
    const failed = await waitFor('NotificationFailed', async () => (await api.store.readStream(`notification-${id}`)).find((e) => e.type === 'NotificationFailed'));
    expect(failed.data).toMatchObject({ reason: 'token_invalid', code: 'chat:404' });
    const cleared = (await api.store.readStream(streams.user(api.appKey, 'chat-cid'))).find((e) => e.type === 'ContactChanged');
    expect(cleared?.data).toMatchObject({ changes: { chatWebhookUrl: null }, reason: 'webhook_invalid' });
    expect((await api.call('GET', '/v1/users/chat-cid')).body.chat).toBeUndefined();
    await t.clearFaults();
    const next = await api.call('POST', '/v1/notifications', { eventId: 'chat-4', userId: 'chat-cid', templateId: 'deploy', params: { id: 'v4', who: 'cid' } });
    expect(next.body.notifications).toEqual([expect.objectContaining({ channel: 'chat', status: 'suppressed' })]);
    const [suppressed] = await api.store.readStream(`notification-${next.body.notifications[0].id}`);
    expect(suppressed!.data).toMatchObject({ reason: 'no_contact' });
  });

  it('chat has its own preference: turning it off suppresses chat as opted_out', async () => {
    const url = await webhook();
    await api.call('PUT', '/v1/users/chat-dee', { chat: { webhookUrl: url } });
    expect((await api.call('PUT', '/v1/users/chat-dee/preferences', { channels: { chat: false, push: true } })).status).toBe(200);
    const res = await api.call('POST', '/v1/notifications', { eventId: 'chat-5', userId: 'chat-dee', templateId: 'deploy', params: { id: 'v5', who: 'dee' } });
    expect(res.body.notifications).toEqual([expect.objectContaining({ channel: 'chat', status: 'suppressed' })]);
    const [suppressed] = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    expect(suppressed!.data).toMatchObject({ reason: 'opted_out' });
  });

  it.each([
    ['loopback', 'https://127.0.0.1/hook'],
    ['private', 'https://10.1.2.3/hook'],
    ['a localhost name', 'https://localhost:9/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['plain http', 'http://hooks.slack.com/services/T/B/x'],
    ['not a URL', 'hooks.slack.com'],
  ])('a %s webhookUrl is refused: 400 naming chat.webhookUrl', async (_label, webhookUrl) => {
    const res = await api.call('PUT', '/v1/users/chat-eve', { chat: { webhookUrl } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field: 'chat.webhookUrl' });
  });

  it('null clears the webhook URL', async () => {
    await api.call('PUT', '/v1/users/chat-fay', { chat: { webhookUrl: 'https://hooks.slack.com/services/T/B/fay' } });
    const res = await api.call('PUT', '/v1/users/chat-fay', { chat: null });
    expect(res.status).toBe(200);
    expect(res.body.chat).toBeUndefined();
  });
});
