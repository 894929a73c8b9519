import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../api/helpers.ts';
import { startE2ePlatform, waitFor, type E2ePlatform, type TestSim } from '../helpers/e2e.ts';
import { screenshotDir } from '../helpers/screenshots.ts';
import { launchChromium } from './chromium.ts';

/**
 * The hosted preference center in a real browser, on a 390 px wide phone screen: the link arrives
 * in an email (`{{ preferences_url }}`), the user turns email off for one category with the
 * keyboard alone and saves; the next notification in that category is suppressed (category_opt_out), the
 * other category still goes out. axe-core finds no serious or critical violation on either page.
 */
const AXE = path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
const SHOTS = screenshotDir();
const PHONE = { width: 390, height: 844 };

let platform: E2ePlatform | undefined;
let api: TestApi;
let sim: TestSim;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;

beforeAll(async () => {
  // No receipts: the statuses asserted here are the platform's own decisions.
  platform = await startE2ePlatform('e2e-browser-prefs', { env: { SIM_RECEIPTS_URL: 'off' } });
  api = platform.api;
  sim = platform.sim;
  // The page allows no script at all: the test injects axe-core past the policy.
  browser = await launchChromium({ bypassCSP: true, viewport: PHONE });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  // A string: this file is type-checked without the DOM library.
  const violations = (await page.evaluate('axe.run().then((r) => r.violations)')) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function send(eventId: string, category: string) {
  const res = await api.call('POST', '/v1/notifications', { eventId, userId: 'pia', templateId: 'shipped', category, channels: ['email'], params: { order: eventId } });
  expect(res.status).toBe(202);
  return res.body.notifications[0] as { id: string; status: string };
}

const emailOf = (id: string) =>
  waitFor(`email ${id} in the simulator`, async () =>
    (await sim.messages('email')).messages.find((m) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
  );

describe('the preference center in Chromium', () => {
  it('open the emailed link, turn email off for one category by keyboard, save: the next one is suppressed; no serious a11y violation', async () => {
    expect((await api.call('PUT', '/v1/users/pia', { email: 'pia@example.com' })).status).toBe(200);
    expect((await api.call('PUT', '/v1/categories/orders', { title: 'Order updates', description: 'When your order ships and arrives.' })).status).toBe(200);
    expect((await api.call('PUT', '/v1/categories/promo', { title: 'Deals and offers', description: 'Sales and new products, at most once a week.' })).status).toBe(200);
    const template = await api.call('PUT', '/v1/templates/shipped', {
      email: {
        subject: 'Order {{ order }} shipped',
        html: '<html><body><p>Order {{ order }} is on its way.</p><p><a href="{{ preferences_url }}">Manage notifications</a></p></body></html>',
      },
    });
    expect(template).toMatchObject({ status: 200, body: { requiredParams: ['order'] } });

    const first = await send('pc-1', 'orders');
    const email = await emailOf(first.id);
    const html = JSON.stringify(email.content);
    const link = /(https?:\/\/[^"\\]+\/preferences\/pref1\.[A-Za-z0-9_.-]+)/.exec(html)?.[1];
    expect(link, 'the email carries the preference link').toBeDefined();
    // The link is signed for PUBLIC_URL; the test server listens on its own port.
    const url = `${api.url}${new URL(link!).pathname}`;

    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    expect(await page.title()).toBe('Notification preferences: test-app');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const orders = page.getByRole('group', { name: 'Order updates' });
    const ordersEmail = orders.getByRole('checkbox', { name: 'Email' });
    expect(await ordersEmail.isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Channels' }).getByRole('checkbox', { name: 'Email' }).isChecked()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'preferences-form.png'), fullPage: true });

    // Keyboard only: Tab reaches the checkbox, Space unticks it, Enter on the button submits.
    await page.getByRole('group', { name: 'Channels' }).getByRole('checkbox', { name: 'Chat (Slack, Microsoft Teams, Discord)' }).focus();
    const focused = () => page.evaluate('document.activeElement ? document.activeElement.id : null');
    const target = await ordersEmail.getAttribute('id');
    for (let i = 0; i < 10 && (await focused()) !== target; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe(target);
    await page.keyboard.press('Space');
    expect(await ordersEmail.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Save preferences' }).focus();
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(url), page.keyboard.press('Enter')]);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Your preferences are saved.');
    expect(await page.getByRole('group', { name: 'Order updates' }).getByRole('checkbox', { name: 'Email' }).isChecked()).toBe(false);
    expect(await page.getByRole('group', { name: 'Deals and offers' }).getByRole('checkbox', { name: 'Email' }).isChecked()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'preferences-saved.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    expect((await api.call('GET', '/v1/users/pia/preferences')).body).toEqual({ channels: {}, categories: { orders: { email: false } } });
    const second = await send('pc-2', 'orders');
    expect(second.status).toBe('suppressed');
    const why = await api.call('GET', `/v1/notifications/${second.id}/why`);
    expect(why.body.decision).toMatchObject({ outcome: 'suppressed', reason: 'category_opt_out' });
    const events = await api.store.readStream(`notification-${second.id}`);
    expect(events[0]).toMatchObject({ type: 'NotificationSuppressed', data: { reason: 'category_opt_out', category: 'orders', detail: 'category orders off for email' } });
    // Only that category: a deal still arrives.
    const deal = await send('pc-3', 'promo');
    expect(deal.status).not.toBe('suppressed');
    await emailOf(deal.id);
  }, 60_000);
});
