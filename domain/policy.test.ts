import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policySpecFor } from '../tests/helpers/decider.ts';
import { CHANNELS, PLATFORMS, type Channel, type Contact, type ContactChanges, type Platform, type Preferences, type UserEvent } from './events.ts';
import { concreteChannels, decideDelivery, deliveryTargets, type DeliveryDecision, type DeliveryFacts } from './policy.ts';
import { rateWindowsFor, type CountedRateWindow, type RateLimitConfig } from './rateWindows.ts';
import { userDecider, type UserState } from './user.ts';

const userId = 'u-1';
const at = '2026-01-01T10:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 12:00 UTC, 13:00 in Paris: outside any night-time quiet window. */
const NOON = new Date('2026-01-10T12:00:00Z');
/** 23:30 UTC, 00:30 in Paris: inside 22:00-07:00 in both. */
const NIGHT = new Date('2026-01-10T23:30:00Z');
const ADA: Contact = { email: 'ada@example.test', phone: '+15005550006', locale: 'en' };

const registered = (contact: Contact = ADA): UserEvent => ({ type: 'UserRegistered', data: { userId, contact, at } });
const contactChanged = (changes: ContactChanges): UserEvent => ({ type: 'ContactChanged', data: { userId, changes, at } });
const device = (platform: Platform, token: string): UserEvent => ({ type: 'DeviceRegistered', data: { userId, token, platform, at } });
const deviceRemoved = (platform: Platform, token: string): UserEvent => ({ type: 'DeviceRemoved', data: { userId, token, platform, reason: 'token_invalid', at } });
const prefs = (preferences: Partial<Preferences>): UserEvent => ({
  type: 'PreferencesChanged',
  data: { userId, preferences: { channels: {}, categories: {}, ...preferences }, at },
});
const NIGHT_QUIET = prefs({ quietHours: { start: '22:00', end: '07:00' } });

type Ask = Omit<DeliveryFacts, 'user'>;
const ask = (channel: Channel, more: Partial<Ask> = {}): Ask => ({ channel, rate: [], now: NOON, ...more });
const spec = policySpecFor(userDecider, (user: UserState, input: Ask) => decideDelivery({ user, ...input }));

const suppress = (reason: 'no_contact' | 'opted_out' | 'category_opt_out' | 'rate_limited', detail: string): DeliveryDecision => ({ kind: 'suppress', reason, detail });
const email = { kind: 'email', email: 'ada@example.test', locale: 'en' } as const;
const sms = { kind: 'sms', phone: '+15005550006', locale: 'en' } as const;

const LIMITS: RateLimitConfig = {
  channels: {
    sms: { limit: 2, windowMs: HOUR },
    push: { limit: 50, windowMs: HOUR },
    email: { limit: 20, windowMs: HOUR },
    inapp: { limit: 100, windowMs: HOUR },
    chat: { limit: 50, windowMs: HOUR },
  },
  categories: { promo: { sms: { limit: 1, windowMs: DAY } } },
};
/** The windows the caller would count for this request, with the given counts in order. */
const counted = (channel: Channel, category: string | undefined, counts: number[], now = NOON): CountedRateWindow[] =>
  rateWindowsFor(LIMITS, channel, category, now).map((w, i) => ({ ...w, count: counts[i] ?? 0 }));

describe('decideDelivery', () => {
  describe('unknown user', () => {
    it('is no_contact, even with preferences on record', () => {
      spec.given([]).when(ask('email')).then(suppress('no_contact', 'unknown user'));
      spec
        .given([prefs({ channels: { email: false } })])
        .when(ask('email'))
        .then(suppress('no_contact', 'unknown user'));
    });
  });

  describe('opt-out', () => {
    it('a channel turned off is opted_out; push covers ios and android', () => {
      const past = [registered(), device('ios', 't1'), prefs({ channels: { push: false } })];
      spec.given(past).when(ask('ios')).then(suppress('opted_out', 'channel push off'));
      spec.given(past).when(ask('android')).then(suppress('opted_out', 'channel push off'));
      spec.given(past).when(ask('email')).then({ kind: 'request', recipient: email });
    });
    it('a category turned off for a channel is category_opt_out there only, and only for that category', () => {
      const past = [registered(), prefs({ categories: { promo: { email: false } } })];
      spec
        .given(past)
        .when(ask('email', { category: 'promo' }))
        .then(suppress('category_opt_out', 'category promo off for email'));
      spec
        .given(past)
        .when(ask('sms', { category: 'promo' }))
        .then({ kind: 'request', recipient: sms });
      spec
        .given(past)
        .when(ask('email', { category: 'news' }))
        .then({ kind: 'request', recipient: email });
      spec.given(past).when(ask('email')).then({ kind: 'request', recipient: email });
    });
    it('the channel opt-out is named before the category one', () =>
      spec
        .given([registered(), prefs({ channels: { email: false }, categories: { promo: { email: false } } })])
        .when(ask('email', { category: 'promo' }))
        .then(suppress('opted_out', 'channel email off')));
    it('an explicit true is not an opt-out', () =>
      spec
        .given([registered(), prefs({ channels: { email: true }, categories: { promo: { email: true } } })])
        .when(ask('email', { category: 'promo' }))
        .then({ kind: 'request', recipient: email }));
    it('comes before a missing contact', () =>
      spec
        .given([registered({}), prefs({ channels: { sms: false } })])
        .when(ask('sms'))
        .then(suppress('opted_out', 'channel sms off')));
  });

  describe('no contact', () => {
    it('names what is missing on the channel', () => {
      spec
        .given([registered({ email: 'ada@example.test' })])
        .when(ask('sms'))
        .then(suppress('no_contact', 'no sms on file'));
      spec
        .given([registered(), contactChanged({ email: null })])
        .when(ask('email'))
        .then(suppress('no_contact', 'no email on file'));
      spec
        .given([registered(), device('android', 't1')])
        .when(ask('ios'))
        .then(suppress('no_contact', 'no ios device on file'));
      spec
        .given([registered(), device('ios', 't1'), deviceRemoved('ios', 't1')])
        .when(ask('ios'))
        .then(suppress('no_contact', 'no ios device on file'));
    });
    it('comes before a full rate window', () =>
      spec
        .given([registered({ email: 'ada@example.test' })])
        .when(ask('sms', { rate: counted('sms', undefined, [2]) }))
        .then(suppress('no_contact', 'no sms on file')));
  });

  describe('recipient', () => {
    it('carries the contact and locale, and every live token of the platform only', () => {
      const past = [registered(), device('ios', 't1'), device('android', 't2'), device('ios', 't3'), device('ios', 't4'), deviceRemoved('ios', 't4')];
      spec
        .given(past)
        .when(ask('ios'))
        .then({ kind: 'request', recipient: { kind: 'push', platform: 'ios', tokens: ['t1', 't3'], locale: 'en' } });
      spec
        .given(past)
        .when(ask('android'))
        .then({ kind: 'request', recipient: { kind: 'push', platform: 'android', tokens: ['t2'], locale: 'en' } });
      spec
        .given([registered({ phone: '+15005550006' })])
        .when(ask('sms'))
        .then({ kind: 'request', recipient: { kind: 'sms', phone: '+15005550006' } });
    });
  });

  describe('rate limit', () => {
    it('a full window is rate_limited, naming its scope, limit and length; one below goes', () => {
      spec
        .given([registered()])
        .when(ask('sms', { rate: counted('sms', undefined, [2]) }))
        .then(suppress('rate_limited', 'sms: 2 per 3600s'));
      spec
        .given([registered()])
        .when(ask('sms', { rate: counted('sms', undefined, [1]) }))
        .then({ kind: 'request', recipient: sms });
    });
    it('the channel window is named before the category window when both are full', () => {
      spec
        .given([registered()])
        .when(ask('sms', { category: 'promo', rate: counted('sms', 'promo', [2, 1]) }))
        .then(suppress('rate_limited', 'sms: 2 per 3600s'));
      spec
        .given([registered()])
        .when(ask('sms', { category: 'promo', rate: counted('sms', 'promo', [1, 1]) }))
        .then(suppress('rate_limited', 'sms:promo: 1 per 86400s'));
      spec
        .given([registered()])
        .when(ask('sms', { category: 'promo', rate: counted('sms', 'promo', [1, 0]) }))
        .then({ kind: 'request', recipient: sms });
    });
    it('comes before quiet hours: a full window suppresses inside the quiet window too', () =>
      spec
        .given([registered(), NIGHT_QUIET])
        .when(ask('sms', { now: NIGHT, rate: counted('sms', undefined, [2], NIGHT) }))
        .then(suppress('rate_limited', 'sms: 2 per 3600s')));
  });

  describe('quiet hours and scheduleAt', () => {
    it('due inside the window: deferred to its end in the user timezone', () =>
      spec
        .given([registered({ ...ADA, timezone: 'Europe/Paris' }), NIGHT_QUIET])
        .when(ask('email', { now: NIGHT }))
        .then({ kind: 'defer', recipient: email, until: new Date('2026-01-11T06:00:00Z'), reason: 'quiet_hours' }));
    it('without a timezone the window is read in UTC', () =>
      spec
        .given([registered(), NIGHT_QUIET])
        .when(ask('email', { now: NIGHT }))
        .then({ kind: 'defer', recipient: email, until: new Date('2026-01-11T07:00:00Z'), reason: 'quiet_hours' }));
    it('a scheduleAt inside the window is deferred from the scheduled time, not from now', () =>
      spec
        .given([registered(), NIGHT_QUIET])
        .when(ask('email', { now: NOON, scheduleAt: new Date('2026-01-11T03:00:00Z') }))
        .then({ kind: 'defer', recipient: email, until: new Date('2026-01-11T07:00:00Z'), reason: 'quiet_hours' }));
    it('a scheduleAt outside the window goes at that time, even when now is inside it', () => {
      const scheduleAt = new Date('2026-01-11T09:00:00Z');
      spec
        .given([registered(), NIGHT_QUIET])
        .when(ask('email', { now: NIGHT, scheduleAt }))
        .then({ kind: 'request', recipient: email, scheduleAt });
    });
    it('outside the window it is requested now, with no scheduleAt at all', () =>
      spec.given([registered(), NIGHT_QUIET]).when(ask('email')).then({ kind: 'request', recipient: email }));
    it('without quiet hours a scheduleAt is kept as asked', () => {
      const scheduleAt = new Date('2026-01-11T03:00:00Z');
      spec
        .given([registered()])
        .when(ask('email', { now: NIGHT, scheduleAt }))
        .then({ kind: 'request', recipient: email, scheduleAt });
    });
  });
});

describe('rateWindowsFor', () => {
  it('the channel rule, then the category rule for that channel, each looking back its own length from now', () => {
    expect(rateWindowsFor(LIMITS, 'sms', 'promo', NOON)).toStrictEqual([
      { scope: 'sms', limit: 2, windowMs: HOUR, since: new Date(NOON.getTime() - HOUR) },
      { scope: 'sms:promo', limit: 1, windowMs: DAY, category: 'promo', since: new Date(NOON.getTime() - DAY) },
    ]);
    expect(rateWindowsFor(LIMITS, 'email', 'promo', NOON).map((w) => w.scope)).toEqual(['email']);
    expect(rateWindowsFor(LIMITS, 'sms', undefined, NOON).map((w) => w.scope)).toEqual(['sms']);
    expect(rateWindowsFor(LIMITS, 'android', 'news', NOON)).toStrictEqual([{ scope: 'push', limit: 50, windowMs: HOUR, since: new Date(NOON.getTime() - HOUR) }]);
  });
});

describe('deliveryTargets', () => {
  const content = { push: { title: 't', body: 'b' }, email: { subject: 's', html: 'h' } };
  it('every channel the template has content for, or the ones asked for; the first missing one is named', () => {
    expect(deliveryTargets(content)).toEqual({ channels: ['push', 'email'] });
    expect(deliveryTargets(content, ['email'])).toEqual({ channels: ['email'] });
    expect(deliveryTargets(content, ['email', 'sms', 'sms'])).toEqual({ missing: 'sms' });
  });
});

describe('concreteChannels', () => {
  it('push means the platforms the user has devices on, both when none', () => {
    const user = (past: UserEvent[]) => past.reduce(userDecider.evolve, userDecider.initialState());
    expect(concreteChannels('push', user([registered(), device('android', 't1'), device('android', 't2')]))).toEqual(['android']);
    expect(concreteChannels('push', user([registered(), device('android', 't1'), device('ios', 't2')]))).toEqual(['ios', 'android']);
    expect(concreteChannels('push', user([registered()]))).toEqual(['ios', 'android']);
    expect(concreteChannels('sms', user([registered(), device('ios', 't1')]))).toEqual(['sms']);
  });
});

// ---- properties ------------------------------------------------------------------------

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];
const hhmm = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 15, 30, 59) }).map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const channelPrefs = fc.record({ push: fc.boolean(), sms: fc.boolean(), email: fc.boolean(), inapp: fc.boolean() }, { requiredKeys: [] });
const category = fc.constantFrom('promo', 'news');
const userState: fc.Arbitrary<UserState> = fc.record({
  exists: fc.boolean(),
  erased: fc.constant(false),
  contact: fc.record(
    { email: fc.constant('a@e.test'), phone: fc.constant('+15005550006'), locale: fc.constantFrom('en', 'fr'), timezone: fc.constantFrom(...ZONES) },
    { requiredKeys: [] },
  ),
  devices: fc.dictionary(fc.constantFrom('t1', 't2', 't3'), fc.constantFrom(...PLATFORMS)),
  webKeys: fc.constant({}),
  preferences: fc.record(
    { channels: channelPrefs, categories: fc.dictionary(category, channelPrefs), quietHours: fc.record({ start: hhmm, end: hhmm }) },
    { requiredKeys: ['channels', 'categories'] },
  ),
});
const rule = fc.record({ limit: fc.integer({ min: 0, max: 5 }), windowMs: fc.constantFrom(60_000, HOUR, DAY) });
const limits: fc.Arbitrary<RateLimitConfig> = fc.record({
  channels: fc.record({ push: rule, sms: rule, email: rule, inapp: rule, chat: rule }),
  categories: fc.dictionary(category, fc.record({ push: rule, sms: rule, email: rule, inapp: rule }, { requiredKeys: [] })),
});
/** Facts as the command builds them: scheduleAt, when given, is not in the past (the HTTP edge refuses that). */
const facts: fc.Arbitrary<DeliveryFacts> = fc
  .record({
    user: userState,
    channel: fc.constantFrom<Channel>(...CHANNELS),
    category: fc.option(category, { nil: undefined }),
    limits,
    counts: fc.array(fc.nat({ max: 6 }), { minLength: 2, maxLength: 2 }),
    now: fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
    delayMs: fc.option(fc.integer({ min: 0, max: 30 * DAY }), { nil: undefined }),
  })
  .map(({ user, channel, category: c, limits: l, counts, now, delayMs }) => ({
    user,
    channel,
    ...(c !== undefined ? { category: c } : {}),
    rate: rateWindowsFor(l, channel, c, now).map((w, i) => ({ ...w, count: counts[i] ?? 0 })),
    now,
    ...(delayMs !== undefined ? { scheduleAt: new Date(now.getTime() + delayMs) } : {}),
  }));

describe('decideDelivery properties', () => {
  it('counts only ever add a rate_limited suppression: they never lift one, nor change any other decision', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const uncounted = decideDelivery({ ...f, rate: [] });
        const decision = decideDelivery(f);
        const full = f.rate.some((w) => w.count >= w.limit);
        if (uncounted.kind !== 'suppress' && full) expect(decision).toMatchObject({ kind: 'suppress', reason: 'rate_limited' });
        else expect(decision).toStrictEqual(uncounted);
      }),
      { numRuns: 500 },
    );
  });

  it('a deferral ends after the time the notification was due and never before now; a request keeps the scheduleAt it was given', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const decision = decideDelivery(f);
        const due = (f.scheduleAt ?? f.now).getTime();
        switch (decision.kind) {
          case 'suppress':
            return;
          case 'defer':
            expect(f.user.preferences.quietHours).toBeDefined();
            expect(decision.until.getTime()).toBeGreaterThan(due);
            expect(decision.until.getTime()).toBeGreaterThanOrEqual(f.now.getTime());
            expect(decision.until.getTime() - due).toBeLessThanOrEqual(26 * HOUR);
            return;
          case 'request':
            expect(decision.scheduleAt).toBe(f.scheduleAt);
            return;
          default: {
            const never: never = decision;
            throw new Error(`unexpected decision ${JSON.stringify(never)}`);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('whatever goes out goes to the channel asked for, to every device of that platform and no other', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const decision = decideDelivery(f);
        if (decision.kind === 'suppress') return;
        const r = decision.recipient;
        if (f.channel === 'email' || f.channel === 'sms' || f.channel === 'inapp') {
          expect(r.kind).toBe(f.channel);
          return;
        }
        const mine = Object.entries(f.user.devices)
          .filter(([, p]) => p === f.channel)
          .map(([t]) => t);
        expect(r).toMatchObject({ kind: 'push', platform: f.channel });
        expect(r.kind === 'push' ? [...r.tokens].sort() : []).toEqual(mine.sort());
      }),
      { numRuns: 500 },
    );
  });
});
