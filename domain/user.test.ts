import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { Preferences, UserEvent } from './events.ts';
import { userDecider, type UserCommand } from './user.ts';

const spec = specFor(userDecider);
const userId = 'u-1';
const at = '2026-01-01T10:00:00.000Z';
const registered: UserEvent = { type: 'UserRegistered', data: { userId, contact: { email: 'ada@example.test', locale: 'en' }, at } };
const upsert = (contact: Extract<UserCommand, { type: 'UpsertUser' }>['data']['contact']): UserCommand => ({ type: 'UpsertUser', data: { userId, contact, at } });
const iosDevice: UserEvent = { type: 'DeviceRegistered', data: { userId, token: 'tok-1', platform: 'ios', at } };
const registerDevice = (platform: 'ios' | 'android', token = 'tok-1'): UserCommand => ({ type: 'RegisterDevice', data: { userId, token, platform, at } });
const removeDevice = (reason: 'user' | 'token_invalid', token = 'tok-1'): UserCommand => ({ type: 'RemoveDevice', data: { userId, token, reason, at } });
const prefs: Preferences = { channels: { sms: false, email: true }, categories: { marketing: { email: false } } };
const setPrefs = (preferences: Preferences): UserCommand => ({ type: 'SetPreferences', data: { userId, preferences, at } });

describe('user decider', () => {
  describe('UpsertUser', () => {
    it('registers an unknown user, dropping cleared (null) fields', () =>
      spec
        .given([])
        .when(upsert({ email: 'ada@example.test', phone: null, locale: 'en' }))
        .then([{ type: 'UserRegistered', data: { userId, contact: { email: 'ada@example.test', locale: 'en' }, at } }]));
    it('records only the fields that change', () =>
      spec
        .given([registered])
        .when(upsert({ email: 'ada@example.test', phone: '+15005550006', locale: null }))
        .then([{ type: 'ContactChanged', data: { userId, changes: { phone: '+15005550006', locale: null }, at } }]));
    it('appends nothing when nothing changes (idempotent PUT)', () => {
      spec
        .given([registered])
        .when(upsert({ email: 'ada@example.test', locale: 'en', timezone: null }))
        .then([]);
      spec.given([registered]).when(upsert({})).then([]);
    });
    it('folds contact changes, a null clearing the field', () => {
      const state = fold(userDecider, [registered, { type: 'ContactChanged', data: { userId, changes: { locale: null, timezone: 'Europe/Paris' }, at } }]);
      expect(state.contact).toEqual({ email: 'ada@example.test', timezone: 'Europe/Paris' });
    });
  });

  describe('RemoveChatWebhook', () => {
    const hook = 'https://hooks.slack.com/services/T/B/x';
    const withHook: UserEvent = { type: 'UserRegistered', data: { userId, contact: { chatWebhookUrl: hook }, at } };
    const remove = (webhookUrl = hook): UserCommand => ({ type: 'RemoveChatWebhook', data: { userId, webhookUrl, at } });
    it('clears the dead URL, saying why', () =>
      spec
        .given([withHook])
        .when(remove())
        .then([{ type: 'ContactChanged', data: { userId, changes: { chatWebhookUrl: null }, reason: 'webhook_invalid', at } }]));
    it('leaves a URL set since the send alone, and appends nothing when it is already gone', () => {
      spec
        .given([withHook])
        .when(remove(`${hook}-old`))
        .then([]);
      spec.given([registered]).when(remove()).then([]);
      spec.given([]).when(remove()).then([]);
    });
    it('appends nothing for an erased user', () =>
      spec
        .given([withHook, { type: 'UserErased', data: { userId, at } }])
        .when(remove())
        .then([]));
    it('folds the URL in and out of the contact', () => {
      const state = fold(userDecider, [withHook, { type: 'ContactChanged', data: { userId, changes: { chatWebhookUrl: null }, reason: 'webhook_invalid', at } }]);
      expect(fold(userDecider, [withHook]).contact).toEqual({ chatWebhookUrl: hook });
      expect(state.contact).toEqual({});
    });
  });

  describe('RegisterDevice', () => {
    it('registers a new device', () => spec.given([registered]).when(registerDevice('ios')).then([iosDevice]));
    it('appends nothing for the same token on the same platform', () => spec.given([registered, iosDevice]).when(registerDevice('ios')).then([]));
    it('moves a token re-registered under the other platform', () =>
      spec
        .given([registered, iosDevice])
        .when(registerDevice('android'))
        .then([
          { type: 'DeviceRemoved', data: { userId, token: 'tok-1', platform: 'ios', reason: 'user', at } },
          { type: 'DeviceRegistered', data: { userId, token: 'tok-1', platform: 'android', at } },
        ]));
    it('rejects a device for an unknown user', () => spec.given([]).when(registerDevice('ios')).thenThrows('user_not_found'));
  });

  describe('RemoveDevice', () => {
    it('removes a registered device, naming its platform and why', () => {
      spec
        .given([registered, iosDevice])
        .when(removeDevice('user'))
        .then([{ type: 'DeviceRemoved', data: { userId, token: 'tok-1', platform: 'ios', reason: 'user', at } }]);
      spec
        .given([registered, iosDevice])
        .when(removeDevice('token_invalid'))
        .then([{ type: 'DeviceRemoved', data: { userId, token: 'tok-1', platform: 'ios', reason: 'token_invalid', at } }]);
    });
    it('appends nothing when a sender reports an already-removed token again', () => {
      spec.given([registered]).when(removeDevice('token_invalid')).then([]);
      spec.given([]).when(removeDevice('token_invalid')).then([]);
    });
    it('rejects a user removing a device they do not have', () => spec.given([registered]).when(removeDevice('user')).thenThrows('device_not_found'));
    it('rejects removal for an unknown user', () => spec.given([]).when(removeDevice('user')).thenThrows('user_not_found'));
    it('forgets the removed token', () => {
      const removed: UserEvent = { type: 'DeviceRemoved', data: { userId, token: 'tok-1', platform: 'ios', reason: 'user', at } };
      expect(fold(userDecider, [registered, iosDevice, removed]).devices).toEqual({});
    });
  });

  describe('SetPreferences', () => {
    it('records new preferences', () =>
      spec
        .given([registered])
        .when(setPrefs(prefs))
        .then([{ type: 'PreferencesChanged', data: { userId, preferences: prefs, at } }]));
    it('appends nothing for the same preferences, whatever the key order', () => {
      const changed: UserEvent = { type: 'PreferencesChanged', data: { userId, preferences: prefs, at } };
      spec
        .given([registered, changed])
        .when(setPrefs({ categories: { marketing: { email: false } }, channels: { email: true, sms: false } }))
        .then([]);
      spec
        .given([registered])
        .when(setPrefs({ channels: {}, categories: {} }))
        .then([]);
    });
    it('rejects preferences for an unknown user', () => spec.given([]).when(setPrefs(prefs)).thenThrows('user_not_found'));
  });

  describe('EraseUser', () => {
    const erase: UserCommand = { type: 'EraseUser', data: { userId, at } };
    const erased: UserEvent = { type: 'UserErased', data: { userId, at } };
    it('erases a known user', () => spec.given([registered, iosDevice]).when(erase).then([erased]));
    it('rejects erasing an unknown user, and erasing twice', () => {
      spec.given([]).when(erase).thenThrows('user_not_found');
      spec.given([registered, erased]).when(erase).thenThrows('user_not_found');
    });
    it('folds to a user that does not exist and holds nothing personal', () => {
      const state = fold(userDecider, [registered, iosDevice, { type: 'PreferencesChanged', data: { userId, preferences: prefs, at } }, erased]);
      expect(state).toEqual({ exists: false, erased: true, contact: {}, devices: {}, webKeys: {}, preferences: { channels: {}, categories: {} } });
    });
    it('refuses every later command as an unknown user: the id is not made again', () => {
      spec
        .given([registered, erased])
        .when(upsert({ email: 'ada@example.test' }))
        .thenThrows('user_not_found');
      spec.given([registered, erased]).when(registerDevice('ios')).thenThrows('user_not_found');
      spec.given([registered, erased]).when(removeDevice('user')).thenThrows('user_not_found');
      spec.given([registered, erased]).when(setPrefs(prefs)).thenThrows('user_not_found');
    });
    it('appends nothing when a sender reports a dead token of an erased user', () => spec.given([registered, iosDevice, erased]).when(removeDevice('token_invalid')).then([]));
  });
});
