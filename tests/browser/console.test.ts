import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../app/client/index.ts';
import { createApp } from '../../commands/apps.ts';
import type { Platform } from '../../app/main.ts';
import { ALL_ROLES, createWorld, sim, waitFor, type TestWorld } from '../observability/platform.ts';
import { screenshotDir } from '../helpers/screenshots.ts';

/**
 * The console in a real browser (Debian's Chromium driven by playwright-core; scripts/ensure-chromium.sh
 * installs it): sign in, find a failed notification, read its why, redrive it (dry run first),
 * see it sent. Every page is screenshotted to .tmp/screenshots/console-*.png (UPDATE_SCREENSHOTS=1: the
 * committed review images in tests/browser/screenshots/).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = screenshotDir();

let world: TestWorld;
let platform: Platform;
let context: BrowserContext;
let profile: string;
let creds: { appKey: string; appSecret: string };
let failedId: string;

beforeAll(async () => {
  // No simulated receipts: the walk-through checks the redriven notification lands `sent`, and a
  // delivery receipt would move it on to `delivered` a moment later (receipts have their own tests).
  world = await createWorld('console', { RETRY_DELAYS_MS: '100,200', SIM_RECEIPTS_URL: 'off' });
  platform = await world.start(ALL_ROLES); // the simulator role included: every channel delivers to it
  creds = await createApp(platform.eventStore, 'console-test');
  const api = createClient({ baseUrl: world.apiUrl, ...creds });
  await api.put('/v1/users/{userId}', { path: { userId: 'ada' }, body: { email: 'ada@example.com', phone: '+14155550123' } });
  await api.put('/v1/templates/{templateId}', { path: { templateId: 'welcome' }, body: { email: { subject: 'Welcome {{ name }}', html: '<p>Hello {{ name }}</p>' }, sms: { text: 'Hi {{ name }}' } } });
  const ok = await api.post('/v1/notifications', { body: { eventId: 'ok-1', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' } } });
  for (const n of ok.notifications) await waitFor('the first to be sent', async () => (await api.get('/v1/notifications/{id}', { path: { id: n.id } })).status === 'sent');
  // The email provider refuses (400: permanent) while the next request goes out: that notification fails.
  await sim(world, 'POST', { channel: 'email', rate: 1, status: 400 });
  const accepted = await api.post('/v1/notifications', { body: { eventId: 'fails-1', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' }, channels: ['email'] } });
  failedId = accepted.notifications[0]!.id;
  await waitFor('the notification to fail', async () => (await api.get('/v1/notifications/{id}', { path: { id: failedId } })).status === 'failed');
  await waitFor('the read model to list it', async () => (await api.get('/v1/notifications', { query: { status: 'failed' } })).items.some((n) => n.id === failedId));
  await sim(world, 'DELETE'); // the provider recovers

  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await world?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });

describe('the console in Chromium', () => {
  it('sign in, find the failed notification, read why, redrive it after a dry run, see it sent; every page renders', async () => {
    const started = Date.now();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));

    await page.goto(`${world.apiUrl}/console`);
    await page.getByLabel('App key').fill(creds.appKey);
    await page.getByLabel('App secret').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/invalid or revoked/);
    await page.getByLabel('App secret').fill(creds.appSecret);
    await shot(page, 'signin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    // The session cookie is HttpOnly and SameSite=Strict.
    const cookie = (await context.cookies()).find((c) => c.name === 'notify_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).not.toContain('notify_console');
    await page.locator('table tbody tr').first().waitFor();
    await shot(page, 'activity');

    // Find it: the failed filter.
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('table tbody tr').allTextContents()).toEqual([expect.stringMatching(/failed$/)]);
    const link = page.getByRole('link', { name: failedId.slice(0, 8) });
    await link.click();

    // Its page: timeline, why (the provider's classified answer), raw events.
    await page.getByRole('heading', { name: `Notification ${failedId}` }).waitFor();
    const why = page.locator('#why');
    await why.waitFor();
    expect(await why.textContent()).toMatch(/permanent/);
    expect(await page.locator('ol li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/NotificationFailed/)]));
    await shot(page, 'notification-failed');

    // A state-changing call without the CSRF token is refused even with the session cookie.
    const forged = await page.evaluate(async () => (await fetch('/v1/redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'failed', from: new Date(0).toISOString(), to: new Date().toISOString() }) })).status);
    expect(forged).toBe(403);

    // Redrive: the dry run first (the Redrive button is disabled until then).
    await page.getByRole('link', { name: 'Failed & parked' }).click();
    const redrive = page.getByRole('button', { name: 'Redrive', exact: true });
    expect(await redrive.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect.poll(() => page.locator('#redrive-result').textContent()).toMatch(/Dry run: 1 failed notifications match/);
    await shot(page, 'failed-dry-run');
    await redrive.click();
    await expect.poll(() => page.locator('#redrive-result').textContent()).toMatch(/1 of 1 notifications sent again/);
    await shot(page, 'failed-redriven');

    // Sent: its page shows the new status and the redrive.
    await expect
      .poll(async () => {
        await page.goto(`${world.apiUrl}/console#/n/${failedId}`);
        await page.locator('#why').waitFor();
        return page.locator('.status').first().textContent();
      }, { timeout: 20_000, interval: 500 })
      .toBe('sent');
    expect(await page.locator('#why').textContent()).toMatch(/Redriven 1 time/);
    await shot(page, 'notification-sent');

    // The other pages render without errors.
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.locator('svg[aria-label="funnel"]').waitFor();
    // One line per channel once the analytics read model has the hour (it follows the log).
    await expect
      .poll(async () => {
        await page.goto(`${world.apiUrl}/console#/analytics`);
        await page.locator('svg[aria-label="time series"]').waitFor();
        return page.locator('svg[aria-label="time series"] polyline').count();
      }, { timeout: 20_000, interval: 500 })
      .toBe(2);
    await shot(page, 'analytics');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    expect(await page.locator('table').first().textContent()).toMatch(/email/);
    await shot(page, 'health');
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByLabel('Template').fill('welcome');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('#preview').textContent()).toMatch(/Welcome Ada/);
    expect(await page.locator('#preview').textContent()).toMatch(/Hi Ada/);
    await page.getByLabel('Test send to').fill('ada');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('link', { name: /^email: / }).waitFor();
    await shot(page, 'templates');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // 401: the session probe before signing in and after signing out; 403: the forged redrive above.
    expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
    console.log(`browser flow took ${Date.now() - started} ms`);
  }, 120_000);
});
