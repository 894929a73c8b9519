import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { inboxTokenSecretOf } from '../../api/inboxSecret.ts';
import { signInboxToken } from '../../domain/inboxToken.ts';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform } from '../helpers/e2e.ts';
import { seriousAxeViolations } from './axeCheck.ts';
import { launchChromium } from './chromium.ts';
import { screenshotDir } from '../helpers/screenshots.ts';

/**
 * The drop-in widget in a real browser: a page on another origin embeds <notify-inbox> with a
 * user's token; a notification sent over the API appears live (SSE) within 2 s; a click marks it
 * read and the unread count drops. Then: keyboard and screen-reader use (roving focus, Escape,
 * aria-expanded, the count in the bell's name, axe-core), and a bad or expired token (a visible
 * error, `notify-inbox:token-expired` reaching the host page, a new `token` attribute reloading).
 */
const SHOTS = screenshotDir();
const SCREENSHOT = path.join(SHOTS, 'inbox-widget.png');

let page: Server;
let pageOrigin: string;
let platform: E2ePlatform | undefined;
let api: TestApi;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let html = '';
/** The host page's backend: mints a token for `renewFor` with app credentials, as a real backend would. */
let renewFor = 'eve';
let renewals = 0;
/** A port chosen up front for examples/inbox/server.mjs: its origin must be in INBOX_CORS_ORIGINS from the start. */
let examplePort = 0;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  page = createServer((req, res) => {
    if (req.url === '/inbox-token') {
      renewals += 1;
      void api.call('POST', `/v1/users/${renewFor}/inbox-token`).then((r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  examplePort = await freePort();
  platform = await startE2ePlatform('e2e-browser-inbox', { projections: true, env: { INBOX_CORS_ORIGINS: `${pageOrigin},http://127.0.0.1:${examplePort}` } });
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
    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'browser-1',
      userId: 'eve',
      templateId: 'browser',
      params: { id: 'B-42', day: 'Friday' },
      channels: ['inapp'],
    });
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

/** A host page with a skip link before the widget and a link after it, to tab through. */
const hostPage = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Example shop</title><script src="${api.url}/inbox/v1/widget.js"></script></head>
  <body style="font-family:sans-serif;margin:0"><header style="display:flex;justify-content:space-between;align-items:center;padding:8px 16px;max-width:600px">
  <a href="#main">Example shop</a>${body}</header><main id="main" style="padding:0 16px"><h1>Orders</h1><p>Nothing here yet.</p><a href="#help">Help</a></main></body></html>`;

/** The deepest focused element (through shadow roots): its class and text. */
const focused = (tab: Page) =>
  tab.evaluate(
    `(() => { let el = document.activeElement; while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement; return el ? el.className + ': ' + el.textContent : ''; })()`,
  ) as Promise<string>;

async function userWithItems(userId: string, things: string[]): Promise<string> {
  // The same template as the first test (an idempotent PUT), so each test also runs alone.
  expect((await api.call('PUT', '/v1/templates/browser', { inapp: { title: 'Your order {{ id }} shipped', body: 'It arrives on {{ day }}.' } })).status).toBe(200);
  await api.call('PUT', `/v1/users/${userId}`, {});
  for (const thing of things) {
    const res = await api.call('POST', '/v1/notifications', {
      eventId: `${userId}-${thing}`,
      userId,
      templateId: 'browser',
      params: { id: thing, day: 'Monday' },
      channels: ['inapp'],
    });
    expect(res.status).toBe(202);
  }
  const { token } = (await api.call('POST', `/v1/users/${userId}/inbox-token`)).body as { token: string };
  await waitFor(`${userId}'s inbox to list ${things.length}`, async () => {
    const page = (await (await fetch(`${api.url}/inbox/v1/items`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
    return page.items.length === things.length ? true : undefined;
  });
  return token;
}

describe('<notify-inbox> for keyboard and screen-reader users', () => {
  it('one tab stop for the list, arrows/Home/End rove, Enter reads, Escape closes back to the bell; the count is in the name; axe finds nothing serious', async () => {
    const token = await userWithItems('kim', ['socks', 'shoes', 'hat']);
    html = hostPage(`<notify-inbox token="${token}" api="${api.url}"></notify-inbox>`);
    const tab = await browser!.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    tab.on('request', (r) => void (r.url().startsWith(`${api.url}/inbox/v1/`) && requests.push(new URL(r.url()).pathname)));
    await tab.goto(pageOrigin);
    const widget = tab.locator('notify-inbox');
    const bell = widget.locator('button.bell');
    await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('ready');
    await expect.poll(() => requests.includes('/inbox/v1/stream'), { timeout: 5000 }).toBe(true);
    // One load and one stream: nothing (attribute callbacks included) starts it twice.
    expect(requests.filter((p) => p !== '/inbox/v1/widget.js')).toEqual(['/inbox/v1/items', '/inbox/v1/stream']);
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, 3 unread');
    expect(await bell.getAttribute('aria-expanded')).toBe('false');
    // The badge sits beside the bell glyph, not on it.
    const icon = (await widget.locator('button.bell svg').boundingBox())!;
    const badge = (await widget.locator('.count').boundingBox())!;
    expect(await widget.locator('.count').textContent()).toBe('3');
    expect(
      badge.x >= icon.x + icon.width || badge.x + badge.width <= icon.x || badge.y >= icon.y + icon.height || badge.y + badge.height <= icon.y,
      'the badge overlaps the bell',
    ).toBe(true);
    expect(await seriousAxeViolations(tab)).toEqual([]);

    await tab.keyboard.press('Tab'); // the page's own link
    await tab.keyboard.press('Tab');
    expect(await focused(tab)).toMatch(/^bell/);
    await tab.keyboard.press('Enter');
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    expect(await widget.locator('.panel').isVisible()).toBe(true);
    expect(await focused(tab)).toMatch(/^item: Unread: Your order hat shipped/); // newest first
    expect(await widget.locator('button.item[tabindex="0"]').count()).toBe(1);
    await tab.keyboard.press('ArrowDown');
    expect(await focused(tab)).toContain('order shoes');
    await tab.keyboard.press('End');
    expect(await focused(tab)).toContain('order socks');
    await tab.keyboard.press('ArrowDown'); // stays on the last
    expect(await focused(tab)).toContain('order socks');
    await tab.keyboard.press('Home');
    expect(await focused(tab)).toContain('order hat');
    await tab.keyboard.press('ArrowDown');
    expect(await widget.locator('button.item[tabindex="0"]').textContent()).toContain('order shoes');
    expect(await widget.locator('button.item[tabindex="-1"]').count()).toBe(2);

    // From the bell: "Mark all as read", then the list as ONE stop (the current item), then out.
    await tab.keyboard.press('Shift+Tab');
    expect(await focused(tab)).toMatch(/^all/);
    await tab.keyboard.press('Shift+Tab');
    expect(await focused(tab)).toMatch(/^bell/);
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Tab');
    expect(await focused(tab)).toContain('order shoes');
    await tab.keyboard.press('Tab');
    expect(await focused(tab)).toBe(': Help');
    await tab.keyboard.press('Shift+Tab');

    await tab.keyboard.press('Enter'); // reads it, and focus stays on it through the re-render
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 2000 }).toBe('Notifications, 2 unread');
    expect(await widget.getAttribute('unread')).toBe('2');
    expect(await focused(tab)).toBe('item: Your order shoes shippedIt arrives on Monday.');
    expect(await widget.locator('li.read').count()).toBe(1);
    await tab.screenshot({ path: path.join(SHOTS, 'inbox-widget-keyboard.png') });
    expect(await seriousAxeViolations(tab)).toEqual([]);

    await tab.keyboard.press('Escape');
    expect(await bell.getAttribute('aria-expanded')).toBe('false');
    expect(await widget.locator('.panel').isVisible()).toBe(false);
    expect(await focused(tab)).toMatch(/^bell/);
    await tab.keyboard.press('ArrowDown'); // opens from the bell as well
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    expect(await focused(tab)).toContain('order shoes'); // where the user left off
    await tab.keyboard.press('Escape');
    await tab.mouse.click(5, 300); // a click elsewhere closes it too
    await bell.click();
    await tab.mouse.click(5, 300);
    expect(await bell.getAttribute('aria-expanded')).toBe('false');

    // A phone-sized screen: the open panel stays on it.
    await tab.setViewportSize({ width: 390, height: 700 });
    await bell.click();
    const panel = (await widget.locator('.panel').boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(390);
    await tab.screenshot({ path: path.join(SHOTS, 'inbox-widget-390.png') });
    expect(await seriousAxeViolations(tab)).toEqual([]);
    // The checker itself sees a serious fault when there is one (an image without alt text).
    await tab.evaluate(`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="data:,">')`);
    expect((await seriousAxeViolations(tab)).map((v) => v.id)).toContain('image-alt');
    expect(errors).toEqual([]);
    await tab.close();
  }, 60_000);
});

describe('<notify-inbox> with a bad or expired token', () => {
  /** The widget inside another component's shadow root: the event must cross it (composed) and bubble to the document. */
  const shellPage = (token: string) =>
    hostPage(`<notify-shell></notify-shell><script>
      window.expiredEvents = [];
      document.addEventListener('notify-inbox:token-expired', (e) => {
        window.expiredEvents.push(e.detail.reason);
        const widget = e.composedPath()[0];
        if (window.renew) fetch('/inbox-token').then((r) => r.json()).then((b) => widget.setAttribute('token', b.token));
      });
      customElements.define('notify-shell', class extends HTMLElement {
        connectedCallback() { this.attachShadow({ mode: 'open' }).innerHTML = '<notify-inbox token="${token}" api="${api.url}"></notify-inbox>'; }
      });
    </script>`);

  it('a bad token: a visible error, one notify-inbox:token-expired event at the document, and a new token attribute reloads the list', async () => {
    const token = await userWithItems('lee', ['kettle']);
    html = shellPage('ibx1.e30.bm90LWEtc2lnbmF0dXJl');
    const tab = await browser!.context.newPage();
    await tab.goto(pageOrigin);
    const widget = tab.locator('notify-inbox');
    const bell = widget.locator('button.bell');
    await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('expired');
    expect(await tab.evaluate('window.expiredEvents')).toEqual(['invalid']);
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, unavailable');
    expect(await widget.locator('.count').textContent()).toBe('!');
    expect(await widget.locator('.count').isVisible()).toBe(true);
    await bell.click();
    const alert = widget.locator('[role="alert"]');
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain('session has expired');
    await tab.screenshot({ path: path.join(SHOTS, 'inbox-widget-expired.png') });
    expect(await seriousAxeViolations(tab)).toEqual([]);
    await tab.waitForTimeout(500);
    expect(await tab.evaluate('window.expiredEvents'), 'once per token, not a loop').toEqual(['invalid']);

    await widget.evaluate((el, t) => el.setAttribute('token', t), token);
    await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('ready');
    expect(await alert.isVisible()).toBe(false);
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    expect(await widget.locator('li.unread .title').textContent()).toBe('Your order kettle shipped');

    // The token expires mid-session (the platform answers the read with 401): the item stays
    // unread (the read was not recorded), the error shows, and the host hears of it once more.
    await tab.route(`${api.url}/inbox/v1/items/read`, (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({ error: 'unauthorized', message: 'inbox token expired' }),
      }),
    );
    expect(await bell.getAttribute('aria-expanded')).toBe('true'); // still open from above
    await widget.locator('li.unread button.item').click();
    await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('expired');
    expect(await tab.evaluate('window.expiredEvents')).toEqual(['invalid', 'expired']);
    expect(await widget.locator('li.unread').count()).toBe(1);
    expect(await alert.isVisible()).toBe(true);
    await tab.close();
  }, 30_000);

  it('an expired token: the host page renews on the event, the widget reloads and its stream delivers again', async () => {
    const fresh = await userWithItems('max', ['lamp']);
    const [, body] = fresh.split('.');
    const { a: appId } = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as { a: string };
    const expired = signInboxToken({ appId, userId: 'max', expiresAt: Math.floor(Date.now() / 1000) - 60 }, inboxTokenSecretOf(api.config));
    renewFor = 'max';
    renewals = 0;
    html = shellPage(expired).replace('window.expiredEvents = [];', 'window.expiredEvents = []; window.renew = true;');
    const tab = await browser!.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pageOrigin);
    const widget = tab.locator('notify-inbox');
    await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('ready');
    expect(await tab.evaluate('window.expiredEvents')).toEqual(['expired']);
    expect(renewals).toBe(1);
    expect(await widget.getAttribute('unread')).toBe('1');
    await tab.waitForTimeout(300); // the stream, opened with the new token, connects

    const res = await api.call('POST', '/v1/notifications', {
      eventId: 'max-desk',
      userId: 'max',
      templateId: 'browser',
      params: { id: 'desk', day: 'Tuesday' },
      channels: ['inapp'],
    });
    expect(res.status).toBe(202);
    await expect.poll(() => widget.locator('li.unread').count(), { timeout: 5000 }).toBe(2);
    await expect.poll(() => widget.locator('button.bell').getAttribute('aria-label'), { timeout: 2000 }).toBe('Notifications, 2 unread');
    // Screen readers hear the new item.
    expect(await widget.locator('[aria-live="polite"]').textContent()).toBe('New notification: Your order desk shipped');
    expect(renewals).toBe(1);
    expect(errors).toEqual([]);
    await tab.close();
  }, 30_000);
});

describe('examples/inbox', () => {
  it('the example page and its token-minting backend work as the README says: the bell loads, an item arrives, a refused token is renewed', async () => {
    const server = spawn(process.execPath, ['examples/inbox/server.mjs'], {
      env: { ...process.env, NOTIFY_URL: api.url, NOTIFY_APP_KEY: api.appKey, NOTIFY_APP_SECRET: api.appSecret, EXAMPLE_USER_ID: 'ivy', PORT: String(examplePort) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (d: Buffer) => void (d.toString().includes('example shop on') && resolve()));
        server.once('exit', (code) => reject(new Error(`examples/inbox/server.mjs exited with ${code}`)));
      });
      const tab = await browser!.context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`http://127.0.0.1:${examplePort}/`);
      const widget = tab.locator('notify-inbox');
      await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('ready');
      await tab.waitForTimeout(300); // the stream connects
      const res = await api.call('POST', '/v1/notifications', {
        eventId: 'ivy-1',
        userId: 'ivy',
        templateId: 'browser',
        params: { id: 'I-1', day: 'Sunday' },
        channels: ['inapp'],
      });
      expect(res.status).toBe(202);
      await expect.poll(() => widget.getAttribute('unread'), { timeout: 5000 }).toBe('1');
      // The token is refused (as an expired one would be): the page's listener mints a new one.
      await widget.evaluate((el) => el.setAttribute('token', 'ibx1.e30.cmVmdXNlZA'));
      await expect.poll(() => widget.getAttribute('token'), { timeout: 5000 }).toMatch(/^ibx1\.(?!e30\.)/);
      await expect.poll(() => widget.getAttribute('status'), { timeout: 5000 }).toBe('ready');
      expect(await widget.getAttribute('unread')).toBe('1');
      expect(await seriousAxeViolations(tab)).toEqual([]);
      expect(errors).toEqual([]);
      await tab.close();
    } finally {
      server.kill();
    }
  }, 30_000);
});
