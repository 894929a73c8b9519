import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../domain/events.ts';
import { NOTIFICATION_STATUSES } from '../../domain/notification.ts';
import { notificationsOf, overflow, seriousViolations, signIn, startConsoleWorld, type ConsoleWorld } from './consoleWorld.ts';

/**
 * Every console page at 1280x800 and at a phone's 390 px: axe-core finds no serious or critical
 * WCAG violation, nothing runs off the screen sideways, and a screenshot is saved
 * (console-page-<name>-<width>.png, see consoleWorld.ts for where). Then what each page is for:
 * filters, search, fallback and digest links, the user page, the email preview, auto-refresh.
 */
let w: ConsoleWorld;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  w = await startConsoleWorld('console-pages');
  page = await w.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
}, 180_000);

afterAll(async () => {
  await w?.close();
});

const go = async (hash: string) => {
  await page.goto(`${w.world.apiUrl}/console${hash}`);
};

/** Each page: its address, and what shows it has finished loading. */
const PAGES: Array<[name: string, hash: () => string, ready: () => Promise<unknown>]> = [
  ['activity', () => '#/', () => page.locator('#feed table').waitFor()],
  ['search', () => '#/search?q=signup-bob', () => page.locator('#results table').waitFor()],
  ['notification', () => `#/n/${w.fallback.sourceId}`, () => page.locator('#related').waitFor()],
  ['failed', () => '#/failed', () => page.locator('main table').waitFor()],
  ['analytics', () => '#/analytics', () => page.locator('svg[aria-label="time series"]').waitFor()],
  ['health', () => '#/health', () => page.getByRole('heading', { name: 'Channels' }).waitFor()],
  ['templates', () => '#/templates', () => page.locator('#template-list table').waitFor()],
  ['template', () => '#/templates/welcome', () => page.locator('[data-part="sms"]').waitFor()],
  ['users', () => '#/users', () => page.getByLabel('User id').waitFor()],
  ['user', () => '#/users/ada', () => page.locator('#devices').waitFor()],
  ['audit', () => '#/audit', () => page.locator('#audit-log').waitFor()],
  ['accounts', () => '#/accounts', () => page.getByRole('button', { name: 'Create operator' }).waitFor()],
];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function check(name: string, width: number): Promise<void> {
  expect({ page: name, width, overflowPx: await overflow(page) }).toEqual({ page: name, width, overflowPx: 0 });
  expect({ page: name, width, violations: await seriousViolations(page) }).toEqual({ page: name, width, violations: [] });
  await w.shot(page, `page-${name}-${width}`);
}

describe('every console page, at 1280 and 390 px', () => {
  it('the sign-in page: accessible, fits, no nav while signed out', async () => {
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await go('');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.locator('#nav').isVisible()).toBe(false);
      await check('signin', size.width);
    }
    // An admin: every page shows all it can (the Accounts page only to admins).
    await signIn(page, w, w.operators.admin);
  }, 60_000);

  it.each(PAGES)(
    '%s: no serious axe violation, no horizontal overflow, screenshot',
    async (name, hash, ready) => {
      for (const size of WIDTHS) {
        await page.setViewportSize(size);
        await go(hash());
        await ready();
        await check(name, size.width);
      }
    },
    60_000,
  );
});

describe('the checks can fail', () => {
  it('axe reports text below AA contrast and a control without a label; the overflow check sees a too-wide element', async () => {
    await page.setViewportSize(WIDTHS[1]!);
    await go('#/users');
    await page.getByLabel('User id').waitFor();
    await page.evaluate(`(() => {
      const p = document.createElement('p'); p.textContent = 'faint'; p.className = 'probe';
      p.style.color = '#aaaaaa'; document.querySelector('main').append(p);
      const i = document.createElement('input'); i.className = 'probe'; document.querySelector('main').append(i);
      const wide = document.createElement('div'); wide.className = 'probe'; wide.style.width = '600px'; wide.textContent = 'wide'; document.querySelector('main').append(wide);
    })()`);
    const ids = (await seriousViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['color-contrast', 'label']));
    expect(await overflow(page)).toBeGreaterThan(0);
  });
});

describe('what the pages do', () => {
  it('the filters offer every channel and every status of the platform', async () => {
    await page.setViewportSize(WIDTHS[0]!);
    await go('#/');
    await page.locator('#feed table').waitFor();
    const options = (name: string) => page.locator(`main select[name="${name}"] option`).evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(await options('channel')).toEqual(['', ...CHANNELS]);
    expect(await options('status')).toEqual(['', ...NOTIFICATION_STATUSES]);
    await go('#/failed');
    await page.locator('main table').waitFor();
    expect(await options('channel')).toEqual(['', ...CHANNELS]);
  });

  it('every channel has a colour of its own, the same in the charts (constants.js) and the swatches (app.css)', async () => {
    // A page of its own: nothing added here is left in the page the other tests walk through.
    const probe = await w.context.newPage();
    await probe.goto(`${w.world.apiUrl}/console`);
    await probe.getByRole('heading', { name: 'Activity' }).waitFor();
    const colors = (await probe.evaluate(`import('/console/assets/lib/constants.js').then((m) => m.CHANNEL_COLORS)`)) as Record<string, string>;
    expect(Object.keys(colors)).toEqual([...CHANNELS]);
    expect(new Set(Object.values(colors)).size).toBe(CHANNELS.length);
    const swatches = (await probe.evaluate(`(${JSON.stringify(CHANNELS)}).map((c) => {
      const s = document.createElement('span'); s.className = 'swatch c-' + c; document.body.append(s);
      const color = getComputedStyle(s).backgroundColor; s.remove(); return color;
    })`)) as string[];
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    expect(swatches).toEqual(CHANNELS.map((c) => rgb(colors[c]!)));
    await probe.close();
  });

  it('a page left before its answer came back does not draw over the page that replaced it', async () => {
    const probe = await w.context.newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let asked = false;
    await probe.route('**/v1/analytics/summary*', async (route) => {
      asked = true;
      await held;
      await route.continue();
    });
    await probe.goto(`${w.world.apiUrl}/console#/analytics`);
    await expect.poll(() => asked).toBe(true);
    await probe.evaluate("location.hash = '#/templates'");
    await probe.locator('#template-list table').waitFor();
    // The analytics answer arrives now, after the templates page is shown.
    release();
    const timeseries = probe.waitForResponse((r) => r.url().includes('/v1/analytics/summary'));
    await timeseries;
    await new Promise((r) => setTimeout(r, 300));
    expect(await probe.locator('h1').textContent()).toBe('Templates');
    expect(await probe.locator('svg[aria-label="time series"]').count()).toBe(0);
    await probe.close();
  });

  it('search: an eventId lists its notifications (the fallback marked), a notification id opens it', async () => {
    await go('#/');
    await page.getByLabel('Notification id or eventId').fill('signup-bob');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('#results table').waitFor();
    const rows = await page.locator('#results tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.includes(`fallback of ${w.fallback.sourceId.slice(0, 8)}`))).toHaveLength(1);
    expect(await page.locator('#results h2').textContent()).toBe('Event signup-bob: 2 notifications');

    await page.getByLabel('Notification id or eventId').fill(w.failedId);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: `Notification ${w.failedId}` }).waitFor();

    await go('#/search?q=no-such-event');
    await expect.poll(() => page.locator('#results').textContent()).toMatch(/No notification has the id or eventId "no-such-event"/);
  });

  it('a suppressed notification links to the fallback that replaced it, and back; digest members and their digest link both ways', async () => {
    const { sourceId, fallbackId } = w.fallback;
    await go(`#/n/${sourceId}`);
    await page.locator('#related').waitFor();
    expect(await page.locator('#related').textContent()).toContain(`Replaced by the fallback ${fallbackId}`);
    // The suppression names its template version (it kept one for the fallback): no "v?".
    expect(await page.locator('dl.facts').textContent()).toMatch(/welcome v1/);
    await page.locator('#related').getByRole('link', { name: fallbackId }).click();
    await page.getByRole('heading', { name: `Notification ${fallbackId}` }).waitFor();
    expect(await page.locator('#related').textContent()).toContain(`Fallback of ${sourceId}`);

    const [member] = w.digest.memberIds;
    await go(`#/n/${member}`);
    await page.locator('#related').waitFor();
    expect(await page.locator('#related').textContent()).toContain(`Carried by the digest ${w.digest.digestId}`);
    await page.locator('#related').getByRole('link', { name: w.digest.digestId }).click();
    await page.getByRole('heading', { name: `Notification ${w.digest.digestId}` }).waitFor();
    await expect.poll(() => page.locator('#related li').allTextContents()).toEqual(w.digest.memberIds.map((id) => `Digest member ${id}`));
  });

  it('the user page: contact, devices, preferences and recent notifications, reached from the feed', async () => {
    await go('#/');
    await page.locator('#feed').getByRole('link', { name: 'ada' }).first().click();
    await page.getByRole('heading', { name: 'User ada' }).waitFor();
    const main = page.locator('main');
    expect(await main.locator('dl.facts').textContent()).toContain('ada@example.com');
    expect(await main.locator('#devices tbody').textContent()).toMatch(/ios/);
    expect(await main.locator('#preferences').textContent()).toMatch(/push\s*off/);
    expect(await main.locator('#preferences').textContent()).toMatch(/marketing\s*email off/);
    expect(await main.locator('table.feed tbody tr').count()).toBeGreaterThan(0);
    await go('#/users/nobody');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/user nobody does not exist/);
  });

  it('templates: the list, and the email rendered in a sandboxed frame in the locale picked', async () => {
    await go('#/templates');
    await page.locator('#template-list table').waitFor();
    const list = await page.locator('#template-list tbody tr').allTextContents();
    expect(list).toEqual([expect.stringMatching(/^digest/), expect.stringMatching(/^welcomev1email, smsfr/)]);
    await page.locator('#template-list').getByRole('link', { name: 'welcome' }).click();
    const frame = page.locator('iframe.email');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await page.frameLocator('iframe.email').locator('h1').textContent()).toBe('Hello Ada');
    await page.getByLabel('Locale').selectOption('fr');
    await expect.poll(() => page.locator('[data-part="email"]').textContent()).toMatch(/Bienvenue Ada/);
    expect(await frame.getAttribute('srcdoc')).toBe('<h1>Bonjour Ada</h1>');
    expect(await page.frameLocator('iframe.email').locator('h1').textContent()).toBe('Bonjour Ada');
    // The frame runs nothing and cannot reach the console: no script, an opaque origin.
    await page.getByLabel('Params (JSON)').fill('{"name": "<script>parent.document.title=1</script>Eve"}');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => frame.getAttribute('srcdoc')).toContain('&lt;script&gt;');
    // Emails are styled inline: the frame (a srcdoc document, under the console's own CSP) applies it.
    await w.api.put('/v1/templates/{templateId}', { path: { templateId: 'styled' }, body: { email: { subject: 's', html: '<p style="color: rgb(200, 0, 0)">styled</p>' } } });
    await go('#/templates/styled');
    await page.locator('iframe.email').waitFor();
    const color = await page
      .frameLocator('iframe.email')
      .locator('p')
      .evaluate((p) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(p).color);
    expect(color).toBe('rgb(200, 0, 0)');
    await go('#/templates/welcome');
    await page.locator('iframe.email').waitFor();
    await page.getByLabel('Params (JSON)').fill('not json');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('#preview').textContent()).toMatch(/Params must be JSON/);
  });

  it('the activity feed refreshes itself, and stops while paused', async () => {
    await go('#/');
    await page.locator('#feed table').waitFor();
    const live = await w.api.post('/v1/notifications', { body: { eventId: 'live-1', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' }, channels: ['sms'] } });
    await page
      .locator('#feed')
      .getByRole('link', { name: notificationsOf(live)[0]!.id.slice(0, 8) })
      .waitFor({ timeout: 20_000 });

    await page.getByLabel(/Auto-refresh/).uncheck();
    const before = await page.locator('#updated').textContent();
    const paused = await w.api.post('/v1/notifications', { body: { eventId: 'live-2', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' }, channels: ['sms'] } });
    // Two refresh periods (activity.js REFRESH_MS = 5 s) pass with nothing fetched.
    await page.waitForTimeout(11_000);
    expect(await page.locator('#updated').textContent()).toBe(before);
    expect(await page.locator('#feed').textContent()).not.toContain(notificationsOf(paused)[0]!.id.slice(0, 8));
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh now' }).click();
          return page.locator('#feed').textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain(notificationsOf(paused)[0]!.id.slice(0, 8));
  }, 60_000);

  it('no page logged a script error (401: the session probe before signing in; 404: the unknown user looked up)', () => {
    expect(errors.filter((e) => !/status of (401|404)/.test(e))).toEqual([]);
  });
});
