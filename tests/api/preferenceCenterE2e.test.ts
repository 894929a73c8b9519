import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2ePlatform, waitFor, type E2ePlatform } from '../helpers/e2e.ts';

/**
 * `{{ preferences_url }}` through the whole path: published over HTTP (not a required param),
 * rendered by the senders per recipient, received by the simulated SendGrid, and the link in the
 * email opens that recipient's page.
 */
let platform: E2ePlatform | undefined;

beforeAll(async () => {
  platform = await startE2ePlatform('e2e-preferences-url', { env: { SIM_RECEIPTS_URL: 'off' } });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
});

describe('{{ preferences_url }} in an email', () => {
  it("is each recipient's own link, outside click tracking, and opens their page", async () => {
    const { api, sim } = platform!;
    await api.call('PUT', '/v1/users/pu-ann', { email: 'ann@example.com' });
    await api.call('PUT', '/v1/users/pu-bob', { email: 'bob@example.com' });
    await api.call('PUT', '/v1/categories/news', { title: 'Newsletter' });
    const published = await api.call('PUT', '/v1/templates/news', {
      email: {
        subject: 'News',
        html: '<p>Hello {{ name }}. <a href="https://shop.example/new">New</a> <a href="{{ preferences_url }}">Preferences</a></p>',
        text: 'Hello {{ name }}. Preferences: {{ preferences_url }}',
      },
    });
    expect(published).toMatchObject({ status: 200, body: { requiredParams: ['name'] } });
    const accepted = await api.call('POST', '/v1/notifications', { eventId: 'pu-1', userIds: ['pu-ann', 'pu-bob'], templateId: 'news', category: 'news', params: { name: 'you' } });
    expect(accepted.status).toBe(202);
    const ids = (accepted.body.notifications as Array<{ id: string; userId: string }>).map((n) => [n.userId, n.id] as const);
    const links: Record<string, string> = {};
    for (const [userId, id] of ids) {
      const email = await waitFor(`email to ${userId}`, async () =>
        (await sim.messages('email')).messages.find((m) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
      );
      const content = JSON.stringify(email.content);
      const found = [...content.matchAll(/https?:\/\/[^"\\\s]+\/preferences\/(pref1\.[A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
      // Once in the HTML part, once in the text part: the same link, never wrapped in /t/.
      expect(found.length, content).toBeGreaterThanOrEqual(2);
      expect(new Set(found).size).toBe(1);
      expect(content).toMatch(/\/t\/[^"\\]+/); // the shop link is still click-tracked
      links[userId] = found[0]!;
      const claims = JSON.parse(Buffer.from(found[0]!.split('.')[1]!, 'base64url').toString()) as { a: string; u: string };
      expect(claims).toMatchObject({ a: api.appKey, u: userId });
    }
    expect(links['pu-ann']).not.toBe(links['pu-bob']);
    const pageOf = async (token: string) => {
      const res = await fetch(`${api.url}/preferences/${token}`);
      return { status: res.status, html: await res.text() };
    };
    for (const userId of ['pu-ann', 'pu-bob']) {
      const page = await pageOf(links[userId]!);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<legend>Newsletter</legend>');
    }
  }, 60_000);
});
