import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, type E2ePlatform } from '../helpers/e2e.ts';
import { launchChromium } from './chromium.ts';
import { screenshotDir } from '../helpers/screenshots.ts';

/**
 * The drop-in widget in a real browser: a page on another origin embeds <notify-inbox> with a
 * user's token; a notification sent over the API appears live (SSE) within 2 s; a click marks it
 * read and the unread count drops.
 */
const SCREENSHOT = path.join(screenshotDir(), 'inbox-widget.png');

let page: Server;
let pageOrigin: string;
let platform: E2ePlatform | undefined;
let api: TestApi;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let html = '';

beforeAll(async () => {
  page = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  platform = await startE2ePlatform('e2e-browser-inbox', { projections: true, env: { INBOX_CORS_ORIGINS: pageOrigin } });
  api = platform.api;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await new Promise<void>((resolve) => page.close(() => resolve()));
});

describe('<notify-inbox> in Chromium', () => {
  it('shows a new item within 2 s of the API accepting it; a click marks it read and the count drops', async () => {
    expect((await api.call('PUT', '/v1/templates/browser', { inapp: { title: 'Your order {{ id }} shipped', body: 'It arrives on {{ day }}.' } })).status).toBe(200);
    await api.call('PUT', '/v1/users/eve', {});
    const { token } = (await api.call('POST', '/v1/users/eve/inbox-token')).body as { token: string };
    html = `<!doctype html><html><head><title>shop</title><script src="${api.url}/inbox/v1/widget.js"></script></head>
      <body style="font-family:sans-serif;padding:16px"><header style="display:flex;justify-content:space-between;align-items:center;width:600px">
      <h1>Example shop</h1><notify-inbox token="${token}" api="${api.url}"></notify-inbox></header></body></html>`;

    const tab = await browser!.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pageOrigin);
    const widget = tab.locator('notify-inbox');
    await expect.poll(() => widget.getAttribute('unread'), { timeout: 5000 }).toBe('0');
    // The stream is open once the widget has loaded; give EventSource its moment to connect.
    await tab.waitForTimeout(300);

    const accepted = Date.now();
    const res = await api.call('POST', '/v1/notifications', { eventId: 'browser-1', userId: 'eve', templateId: 'browser', params: { id: 'B-42', day: 'Friday' }, channels: ['inapp'] });
    expect(res.status).toBe(202);
    const item = widget.locator('li.unread');
    await item.waitFor({ state: 'attached', timeout: 2000 });
    const appearedMs = Date.now() - accepted;
    expect(appearedMs).toBeLessThan(2000);
    await expect.poll(() => widget.getAttribute('unread'), { timeout: 2000 }).toBe('1');
    expect(await widget.locator('.count').textContent()).toBe('1');

    await widget.locator('button.bell').click();
    expect(await item.locator('.title').textContent()).toBe('Your order B-42 shipped');
    await tab.screenshot({ path: SCREENSHOT });
    await item.click();
    await expect.poll(() => widget.getAttribute('unread'), { timeout: 2000 }).toBe('0');
    expect(await widget.locator('li.read').count()).toBe(1);
    // The read went to the log, not only the page.
    const events = await api.store.readStream(`notification-${res.body.notifications[0].id}`);
    expect(events.map((e) => e.type)).toContain('NotificationOpened');
    expect(errors).toEqual([]);
    await tab.close();
  }, 30_000);
});
