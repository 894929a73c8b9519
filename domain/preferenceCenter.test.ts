import { describe, expect, it } from 'vitest';
import type { Preferences } from './events.ts';
import { preferencesFromForm } from './preferenceCenter.ts';
import { checkPreferencesFormToken, preferencesFormToken, signPreferencesToken, verifyPreferencesToken } from './preferencesLink.ts';

const ALL = ['email', 'sms', 'push', 'inapp', 'chat'] as const;
const everything = { channels: ALL, shownCategories: [], categories: {} };

describe('preferencesFromForm', () => {
  it('an unchanged form gives the same preferences (so nothing is recorded)', () => {
    const prefs: Preferences = { channels: { sms: false, email: true }, categories: { promo: { email: false } }, quietHours: { start: '22:00', end: '07:00' } };
    const form = {
      channels: ['email', 'push', 'inapp', 'chat'] as const,
      shownCategories: ['promo', 'orders'],
      categories: { promo: ['sms', 'push', 'inapp', 'chat'] as const, orders: ALL },
    };
    expect(preferencesFromForm(prefs, form)).toEqual(prefs);
  });

  it('unticked is false, ticked after being off is true; categories not shown and quiet hours are kept', () => {
    const prefs: Preferences = { channels: { sms: false }, categories: { promo: { email: false }, hidden: { push: false } }, quietHours: { start: '22:00', end: '07:00' } };
    const next = preferencesFromForm(prefs, { channels: ['sms', 'push', 'inapp', 'chat'], shownCategories: ['promo', 'orders'], categories: { promo: ALL, orders: ['sms'] } });
    expect(next).toEqual({
      channels: { email: false, sms: true },
      categories: { promo: { email: true }, hidden: { push: false }, orders: { email: false, push: false, inapp: false, chat: false } },
      quietHours: { start: '22:00', end: '07:00' },
    });
  });

  it('a shown category left all on that the user never set stays absent', () => {
    expect(preferencesFromForm({ channels: {}, categories: {} }, { ...everything, shownCategories: ['orders'], categories: { orders: ALL } })).toEqual({
      channels: {},
      categories: {},
    });
  });
});

describe('preference link tokens', () => {
  const secret = 'link-secret';
  const claims = { appId: 'app-a', userId: 'u-1', expiresAt: 1_000 };
  it('verify until they expire, only with their key', () => {
    const token = signPreferencesToken(claims, secret);
    expect(verifyPreferencesToken(token, secret, 999)).toEqual({ ok: true, claims });
    expect(verifyPreferencesToken(token, secret, 1_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyPreferencesToken(token, 'other', 999)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPreferencesToken(`${token}.x`, secret, 999)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPreferencesToken(token.replace('pref1.', 'ibx1.'), secret, 999)).toEqual({ ok: false, reason: 'malformed' });
  });
  it('the form token fits its own link only', () => {
    const a = signPreferencesToken(claims, secret);
    const b = signPreferencesToken({ ...claims, userId: 'u-2' }, secret);
    expect(checkPreferencesFormToken(preferencesFormToken(a, secret), a, secret)).toBe(true);
    expect(checkPreferencesFormToken(preferencesFormToken(b, secret), a, secret)).toBe(false);
    expect(checkPreferencesFormToken(preferencesFormToken(a, 'other'), a, secret)).toBe(false);
    expect(checkPreferencesFormToken(undefined, a, secret)).toBe(false);
    expect(checkPreferencesFormToken(['x'], a, secret)).toBe(false);
  });
});
