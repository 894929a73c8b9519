import type { PrefChannel } from '../../domain/events.ts';

/** A small seeded PRNG (mulberry32): the demo's workload is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoUser {
  userId: string;
  contact: { email?: string; phone?: string; locale: string; timezone: string };
  devices: Array<{ token: string; platform: 'ios' | 'android' }>;
  /** Subscribes a browser (a simulator subscription) to Web Push. */
  webPush: boolean;
  /** Has a chat webhook (one the simulator hands out): security alerts go to it too. */
  chat: boolean;
  optOutSms: boolean;
}

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const fcm = (rand: () => number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return `demo:${Array.from({ length: 150 }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')}`;
};

/** Users with a realistic spread: most have email, many a phone, some an iPhone or an Android or both. */
export function demoUsers(count: number, rand: () => number): DemoUser[] {
  const locales = ['en', 'fr', 'de', 'es'];
  return Array.from({ length: count }, (_, i) => {
    const devices: DemoUser['devices'] = [];
    if (rand() < 0.6) devices.push({ token: hex(rand, 64), platform: 'ios' });
    if (rand() < 0.5) devices.push({ token: fcm(rand), platform: 'android' });
    return {
      userId: `demo-user-${String(i + 1).padStart(3, '0')}`,
      contact: {
        ...(rand() < 0.9 ? { email: `demo.user${i + 1}@example.com` } : {}),
        ...(rand() < 0.7 ? { phone: `+1415555${String(100 + (i % 100)).padStart(4, '0')}` } : {}),
        locale: locales[i % locales.length]!,
        timezone: 'UTC',
      },
      devices,
      // From the index, not the PRNG, so the rest of the seeded workload is as it was.
      webPush: i % 3 === 0,
      chat: i % 4 === 1,
      optOutSms: rand() < 0.15,
    };
  });
}

export const DEMO_TEMPLATES = {
  welcome: {
    email: {
      subject: 'Welcome, {{ name }}!',
      html: '<p>Hello {{ name }}, welcome aboard. <a href="https://example.com/welcome">Get started</a></p>',
      text: 'Hello {{ name }}, welcome aboard: https://example.com/welcome',
    },
    sms: { text: 'Welcome {{ name }}! Reply STOP to opt out.' },
    push: { title: 'Welcome', body: 'Hello {{ name }}, your account is ready.', url: 'https://example.com/welcome' },
    inapp: { title: 'Welcome, {{ name }}', body: 'Your account is ready.' },
  },
  order_shipped: {
    email: { subject: 'Order {{ order }} shipped', html: '<p>Your order <b>{{ order }}</b> is on its way. <a href="https://example.com/orders/{{ order }}">Track it</a></p>' },
    sms: { text: 'Order {{ order }} shipped. Track it in the app.' },
    push: { title: 'Order shipped', body: 'Order {{ order }} is on its way' },
    inapp: { title: 'Order {{ order }} shipped', body: 'It is on its way.', url: 'https://example.com/orders/{{ order }}' },
  },
  security_alert: {
    email: { subject: 'New sign-in', html: '<p>New sign-in from {{ city }}. Not you? <a href="https://example.com/account/security">Review your sign-ins</a></p>' },
    sms: { text: 'New sign-in from {{ city }}. Not you? Reset your password.' },
    push: { title: 'New sign-in', body: 'From {{ city }}' },
    inapp: { title: 'New sign-in', body: 'From {{ city }}. Not you? Reset your password.' },
    chat: { text: '*New sign-in* from {{ city }}. Not you? Reset your password.' },
  },
} as const;

export interface DemoRequest {
  userId: string;
  templateId: keyof typeof DEMO_TEMPLATES;
  params: Record<string, string>;
  channels?: PrefChannel[];
}

export function demoRequests(count: number, users: readonly DemoUser[], rand: () => number): DemoRequest[] {
  const cities = ['Paris', 'Berlin', 'Lisbon', 'Austin', 'Osaka'];
  return Array.from({ length: count }, (_, i): DemoRequest => {
    const user = users[Math.floor(rand() * users.length)]!;
    const pick = rand();
    if (pick < 0.4) return { userId: user.userId, templateId: 'order_shipped', params: { order: `A${1000 + i}` }, channels: ['push', 'sms', 'inapp'] };
    if (pick < 0.7) return { userId: user.userId, templateId: 'welcome', params: { name: `Friend ${i}` }, channels: ['email', 'push'] };
    return { userId: user.userId, templateId: 'security_alert', params: { city: cities[i % cities.length]! } };
  });
}
