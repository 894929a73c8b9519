import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startConsoleWorld, type ConsoleWorld } from './consoleWorld.ts';

/**
 * The console in a real browser (Debian's Chromium driven by playwright-core; scripts/ensure-chromium.sh
 * installs it): sign in, find a failed notification, read its why, redrive it (dry run first),
 * see it sent. Every step is screenshotted to .tmp/screenshots/console-*.png (UPDATE_SCREENSHOTS=1: the
 * committed review images in tests/browser/screenshots/). Each page at two widths, with axe-core:
 * consolePages.test.ts.
 */
let w: ConsoleWorld;

beforeAll(async () => {
  w = await startConsoleWorld('console');
}, 180_000);

afterAll(async () => {
  await w?.close();
});

describe('the console in Chromium', () => {
  it('sign in, find the failed notification, read why, redrive it after a dry run, see it sent; every page renders', async () => {
    const { world, creds, context, failedId, shot, operators } = w;
    const OPERATOR = operators.operator;
    const started = Date.now();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));

    await page.goto(`${world.apiUrl}/console`);
    // Signed out: no nav and no Sign out button (the nav's display:flex once beat its `hidden`).
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#nav').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await page.getByLabel('Email').fill(OPERATOR.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong email or password/);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await shot(page, 'signin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    // Who is signed in, and the app the console looks at (chosen in the header; kept by the session).
    await expect.poll(() => page.locator('.who').textContent()).toContain(`${OPERATOR.email} · operator`);
    await page.getByLabel('App', { exact: true }).selectOption(creds.appKey);
    await page.reload();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await page.getByLabel('App', { exact: true }).inputValue()).toBe(creds.appKey);
    // The session cookie is HttpOnly and SameSite=Strict.
    const cookie = (await context.cookies()).find((c) => c.name === 'notify_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).not.toContain('notify_console');
    await page.locator('table tbody tr').first().waitFor();
    await shot(page, 'activity');

    // Find it: the failed filter.
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('#feed table tbody tr').allTextContents()).toEqual([expect.stringMatching(/failed$/)]);
    const link = page.getByRole('link', { name: failedId.slice(0, 8) });
    await link.click();

    // Its page: timeline, why (the provider's classified answer), raw events.
    await page.getByRole('heading', { name: `Notification ${failedId}` }).waitFor();
    const why = page.locator('#why');
    await why.waitFor();
    expect(await why.textContent()).toMatch(/permanent/);
    expect(await page.locator('#timeline li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/NotificationFailed/)]));
    expect(await page.locator('dl.facts').textContent()).toContain('welcome v1');
    expect(await page.locator('details summary').first().textContent()).toBe('2 events');
    await shot(page, 'notification-failed');

    // A state-changing call without the CSRF token is refused even with the session cookie.
    const forged = await page.evaluate(
      async () =>
        (
          await fetch('/v1/redrive', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ status: 'failed', from: new Date(0).toISOString(), to: new Date().toISOString() }),
          })
        ).status,
    );
    expect(forged).toBe(403);

    // Redrive: the dry run first (the Redrive button is disabled until then).
    await page.getByRole('link', { name: 'Failed & parked' }).click();
    const redrive = page.getByRole('button', { name: 'Redrive', exact: true });
    expect(await redrive.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect.poll(() => page.locator('#redrive-result').textContent()).toMatch(/Dry run: 1 failed notification matches/);
    await shot(page, 'failed-dry-run');
    await redrive.click();
    await expect.poll(() => page.locator('#redrive-result').textContent()).toMatch(/1 of 1 notification sent again/);
    await shot(page, 'failed-redriven');

    // Sent: its page shows the new status and the redrive.
    await expect
      .poll(
        async () => {
          await page.goto(`${world.apiUrl}/console#/n/${failedId}`);
          await page.locator('#why').waitFor();
          return page.locator('.status').first().textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe('sent');
    expect(await page.locator('#why').textContent()).toMatch(/Redriven 1 time:/);
    await shot(page, 'notification-sent');

    // The other pages render without errors.
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.locator('svg[aria-label="funnel"]').waitFor();
    // One line per channel once the analytics read model has the hour (it follows the log): email and sms.
    await expect
      .poll(
        async () => {
          await page.goto(`${world.apiUrl}/console#/analytics`);
          await page.locator('svg[aria-label="time series"]').waitFor();
          return page.locator('svg[aria-label="time series"] polyline').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-group')));
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual(['email', 'sms']);
    // Everything happened in one hour: one bucket, drawn over the whole day with distinct tick labels.
    const ticks = await page.locator('svg[aria-label="time series"] text.tick').allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Each channel its own colour.
    const strokes = await page.locator('svg[aria-label="time series"] polyline').evaluateAll((ls) => ls.map((l) => l.getAttribute('stroke')));
    expect(new Set(strokes).size).toBe(2);
    await shot(page, 'analytics');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    expect(await page.locator('table').first().textContent()).toMatch(/email/);
    await shot(page, 'health');
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('link', { name: 'welcome' }).click();
    await expect.poll(() => page.locator('#preview').textContent()).toMatch(/Welcome Ada/);
    expect(await page.locator('#preview').textContent()).toMatch(/Hi Ada/);
    await page.getByLabel('Test send to').fill('ada');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('link', { name: /^email: / }).waitFor();
    await shot(page, 'templates');

    // The audit page names the operator who redrove.
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.locator('table tbody').textContent(), { timeout: 20_000 }).toMatch(/ops@example\.com\s*RedriveRequested/);
    await shot(page, 'audit');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#nav').isVisible()).toBe(false);

    // A viewer (another person, another tab) reads the same pages but is not offered what the role cannot do.
    const viewer = await context.newPage();
    viewer.on('pageerror', (e) => errors.push(e.message));
    await signIn(viewer, w, operators.viewer);
    await expect.poll(() => viewer.locator('.who').textContent()).toContain(`${operators.viewer.email} · viewer`);
    await viewer.getByRole('link', { name: 'Failed & parked' }).click();
    await viewer.getByText('Redriving needs the operator role.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Dry run' }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Accounts' }).click();
    await viewer.getByText('Managing apps and operators needs the admin role.').waitFor();
    await viewer.getByRole('button', { name: 'Sign out' }).click();
    await viewer.getByRole('heading', { name: 'Sign in' }).waitFor();
    await viewer.close();

    // An admin manages operators: a new one, whose generated password is shown once.
    const admin = await context.newPage();
    admin.on('pageerror', (e) => errors.push(e.message));
    await signIn(admin, w, operators.admin);
    await admin.getByRole('link', { name: 'Accounts' }).click();
    await admin.getByRole('heading', { name: 'Accounts' }).waitFor();
    await admin.getByLabel('New operator email').fill('new@example.com');
    await admin.getByRole('button', { name: 'Create operator' }).click();
    await expect.poll(() => admin.locator('#accounts-result').textContent()).toMatch(/Password of new@example\.com \(shown once\): [A-Za-z0-9_-]{24}/);
    await expect.poll(async () => (await admin.locator('table').first().textContent()) ?? '', { timeout: 20_000, interval: 500 }).toContain('new@example.com');
    // Still there once the lists were read again: it is shown this once.
    expect(await admin.locator('#accounts-result').textContent()).toMatch(/Password of new@example\.com/);
    await shot(admin, 'accounts');
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByRole('heading', { name: 'Sign in' }).waitFor();
    await admin.close();
    // 401: the session probe before signing in and after signing out; 403: the forged redrive above.
    expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
    console.log(`browser flow took ${Date.now() - started} ms`);
  }, 120_000);
});
