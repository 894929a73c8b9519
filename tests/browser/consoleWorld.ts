import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createClient, type Client } from '../../app/client/index.ts';
import { createApp } from '../../commands/apps.ts';
import { createOperator } from '../../commands/operators.ts';
import type { Platform } from '../../app/main.ts';
import { ALL_ROLES, createWorld, sim, waitFor, type TestWorld } from '../observability/platform.ts';
import { screenshotDir } from '../helpers/screenshots.ts';
import { seriousAxeViolations, type AxeViolation } from './axeCheck.ts';
import { launchChromium } from './chromium.ts';

/**
 * A platform with the simulator and data for every console page: users with contact, a device and
 * preferences; a template with an HTML email and a French translation; a sent notification, a failed
 * one, a suppressed email replaced by its sms fallback, and a digest of two members.
 */
/** A userId send's notifications (POST /v1/notifications answers a fanout only for a topic past 1,000 subscribers). */
export function notificationsOf<T>(answer: { notifications: T[] } | { fanout: unknown }): T[] {
  if (!('notifications' in answer)) throw new Error('expected notifications, got a fan-out');
  return answer.notifications;
}

export interface ConsoleWorld {
  world: TestWorld;
  platform: Platform;
  api: Client;
  creds: { appKey: string; appSecret: string };
  /** Console accounts, one per role (operators sign in with these; an app's credentials no longer open the console). */
  operators: Record<'viewer' | 'operator' | 'admin', Operator>;
  context: BrowserContext;
  failedId: string;
  /** The suppressed email (bob has no address) and the sms fallback that replaced it. */
  fallback: { sourceId: string; fallbackId: string; eventId: string };
  /** A digest member and the digest notification that carried it. */
  digest: { memberIds: string[]; digestId: string };
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface Operator {
  email: string;
  password: string;
}

export const IOS_TOKEN = 'a'.repeat(64);
const SHOTS = screenshotDir();

export async function startConsoleWorld(label: string): Promise<ConsoleWorld> {
  // No simulated receipts: the walk-through checks the redriven notification lands `sent`, and a
  // delivery receipt would move it on to `delivered` a moment later (receipts have their own tests).
  const world = await createWorld(label, { RETRY_DELAYS_MS: '100,200', SIM_RECEIPTS_URL: 'off' });
  const platform = await world.start(ALL_ROLES); // the simulator role included: every channel delivers to it
  const creds = await createApp(platform.eventStore, 'console-test');
  const operators = {
    viewer: { email: 'viewer@example.com', password: 'console viewer password' },
    operator: { email: 'ops@example.com', password: 'console operator password' },
    admin: { email: 'admin@example.com', password: 'console admin password' },
  };
  for (const [role, o] of Object.entries(operators)) await createOperator({ store: platform.eventStore }, { ...o, role: role as keyof typeof operators }, { now: new Date() });
  const api = createClient({ baseUrl: world.apiUrl, ...creds });
  const get = (id: string) => api.get('/v1/notifications/{id}', { path: { id } });
  await api.put('/v1/users/{userId}', { path: { userId: 'ada' }, body: { email: 'ada@example.com', phone: '+14155550123', locale: 'fr-FR', timezone: 'Europe/Paris' } });
  await api.post('/v1/users/{userId}/devices', { path: { userId: 'ada' }, body: { token: IOS_TOKEN, platform: 'ios' } });
  await api.put('/v1/users/{userId}/preferences', { path: { userId: 'ada' }, body: { channels: { email: true, push: false }, categories: { marketing: { email: false } } } });
  await api.put('/v1/users/{userId}', { path: { userId: 'bob' }, body: { phone: '+14155550124' } });
  await api.put('/v1/templates/{templateId}', {
    path: { templateId: 'welcome' },
    body: {
      email: { subject: 'Welcome {{ name }}', html: '<h1>Hello {{ name }}</h1><p>Your account is ready.</p>' },
      sms: { text: 'Hi {{ name }}' },
      locales: { fr: { email: { subject: 'Bienvenue {{ name }}', html: '<h1>Bonjour {{ name }}</h1>' }, sms: { text: 'Salut {{ name }}' } } },
    },
  });
  await api.put('/v1/templates/{templateId}', {
    path: { templateId: 'digest' },
    body: { email: { subject: '{{ digest.count }} updates', html: '<p>{{ digest.count }} updates</p>' } },
  });

  const ok = await api.post('/v1/notifications', { body: { eventId: 'ok-1', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' }, channels: ['email', 'sms'] } });
  for (const n of notificationsOf(ok)) await waitFor('the first to be sent', async () => (await get(n.id)).status === 'sent');

  // bob has no email: the email is suppressed (no contact) and its sms fallback goes out instead.
  const fb = await api.post('/v1/notifications', {
    body: { eventId: 'signup-bob', userId: 'bob', templateId: 'welcome', params: { name: 'Bob' }, channels: ['email'], fallback: [{ channel: 'sms' }] },
  });
  const sourceId = notificationsOf(fb)[0]!.id;
  const fallbackId = await waitFor('the fallback to be requested', async () => {
    const found = await api.get('/v1/events/{eventId}/notifications', { path: { eventId: 'signup-bob' } });
    return found.items.find((n) => n.fallbackOf === sourceId)?.id;
  });

  // Two members of one digest window (one second): one email carries both.
  const members: string[] = [];
  for (const i of [1, 2])
    members.push(
      notificationsOf(
        await api.post('/v1/notifications', {
          body: { eventId: `comment-${i}`, userId: 'ada', templateId: 'digest', channels: ['email'], digest: { key: 'comments', windowSeconds: 1 } },
        }),
      )[0]!.id,
    );
  const digestId = await waitFor('the digest to carry the members', async () => (await get(members[0]!)).digestNotificationId, 30_000);
  await waitFor('the digest to be sent', async () => (await get(digestId)).status === 'sent');
  await waitFor('the fallback to be sent', async () => (await get(fallbackId)).status === 'sent');

  // The email provider refuses (400: permanent) while the next request goes out: that notification fails.
  await sim(world, 'POST', { channel: 'email', rate: 1, status: 400 });
  const accepted = await api.post('/v1/notifications', { body: { eventId: 'fails-1', userId: 'ada', templateId: 'welcome', params: { name: 'Ada' }, channels: ['email'] } });
  const failedId = notificationsOf(accepted)[0]!.id;
  await waitFor('the notification to fail', async () => (await get(failedId)).status === 'failed');
  await waitFor('the read model to list it', async () => (await api.get('/v1/notifications', { query: { status: 'failed' } })).items.some((n) => n.id === failedId));
  await sim(world, 'DELETE'); // the provider recovers
  await waitFor('the template list to have both', async () => (await api.get('/v1/templates')).items.length === 2);

  const browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  return {
    world,
    platform,
    api,
    creds,
    operators,
    context: browser.context,
    failedId,
    fallback: { sourceId, fallbackId, eventId: 'signup-bob' },
    digest: { memberIds: members, digestId },
    shot: async (page, name) => void (await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true })),
    async close() {
      await browser.close();
      await world.close();
    },
  };
}

/** Signs in through the form as an operator (by default one who may redrive), on the app's activity. */
export async function signIn(page: Page, w: ConsoleWorld, who: Operator = w.operators.operator): Promise<void> {
  await page.goto(`${w.world.apiUrl}/console`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Activity' }).waitFor();
}

/** axe-core's serious and critical violations (WCAG 2 A/AA and best practices); the email preview frame is the template author's content, not the console's. */
export const seriousViolations = (page: Page): Promise<AxeViolation[]> => seriousAxeViolations(page, { iframes: false });

/** How far the page is wider than the screen (0: no horizontal scrolling). */
export const overflow = (page: Page): Promise<number> => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
