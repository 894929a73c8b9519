import { describe, expect, it } from 'vitest';
import { exceededWindow, rateWindowsFor } from '../domain/rateWindows.ts';
import { countRateWindows, createRateCounter, DEFAULT_RATE_LIMITS, parseRateLimits, type RateCounter } from './rateLimits.ts';

describe('parseRateLimits', () => {
  it('overrides the documented defaults per channel and adds category rules', () => {
    const c = parseRateLimits('sms=3/30m, email:marketing=2/1d,push=100/h');
    expect(c.channels.sms).toEqual({ limit: 3, windowMs: 30 * 60_000 });
    expect(c.channels.push).toEqual({ limit: 100, windowMs: 3_600_000 });
    expect(c.channels.email).toEqual(DEFAULT_RATE_LIMITS.channels.email);
    expect(c.categories.marketing?.email).toEqual({ limit: 2, windowMs: 86_400_000 });
    expect(parseRateLimits(undefined)).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('refuses what it cannot read, naming the entry', () => {
    for (const bad of ['fax=1/1h', 'sms=ten/1h', 'sms=1/1w', 'sms=1/0h', 'sms']) expect(() => parseRateLimits(bad)).toThrow(/NOTIFY_RATE_LIMITS/);
  });
});

describe('createRateCounter', () => {
  it('adds this process accepts the projection has not applied yet, and forgets them once it has', async () => {
    let applied = 0;
    let projected = 0;
    const counter = createRateCounter({ count: async () => projected, appliedPosition: async () => applied });
    const now = new Date();
    const q = { appId: 'a', userId: 'u', channel: 'sms' as const, since: new Date(now.getTime() - 60_000) };
    counter.recordAccepted({ appId: 'a', userId: 'u', channel: 'sms', at: now, position: 10 });
    counter.recordAccepted({ appId: 'a', userId: 'u', channel: 'sms', category: 'promo', at: now, position: 11 });
    expect(await counter.count(q)).toBe(2);
    expect(await counter.count({ ...q, category: 'promo' })).toBe(1);
    applied = 10;
    projected = 1;
    expect(await counter.count(q)).toBe(2);
    applied = 11;
    projected = 2;
    expect(await counter.count(q)).toBe(2);
    expect(await counter.count({ ...q, channel: 'email' })).toBe(2);
  });

  it('counted windows check the channel rule and then the category rule', async () => {
    const config = parseRateLimits('sms=2/1h,sms:promo=1/1h');
    const counter = createRateCounter();
    const now = new Date();
    const exceededRule = async (c: RateCounter, cfg: typeof config, q: { appId: string; userId: string; channel: 'sms'; category?: string; now: Date }) =>
      exceededWindow(await countRateWindows(c, q, rateWindowsFor(cfg, q.channel, q.category, q.now)));
    expect(await exceededRule(counter, config, { appId: 'a', userId: 'u', channel: 'sms', category: 'promo', now })).toBeUndefined();
    counter.recordAccepted({ appId: 'a', userId: 'u', channel: 'sms', category: 'promo', at: now, position: 1 });
    expect((await exceededRule(counter, config, { appId: 'a', userId: 'u', channel: 'sms', category: 'promo', now }))?.scope).toBe('sms:promo');
    expect(await exceededRule(counter, config, { appId: 'a', userId: 'u', channel: 'sms', now })).toBeUndefined();
    counter.recordAccepted({ appId: 'a', userId: 'u', channel: 'sms', at: now, position: 2 });
    expect((await exceededRule(counter, config, { appId: 'a', userId: 'u', channel: 'sms', now }))?.scope).toBe('sms');
  });
});
