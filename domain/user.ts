import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import { createHash } from 'node:crypto';
import type { Contact, ContactChanges, Platform, Preferences, UserEvent, WebPushKeys } from './events.ts';

export interface UserState {
  exists: boolean;
  /** Erased users do not exist and can never be made again under the same id. */
  erased: boolean;
  contact: Contact;
  /** token -> platform; removed tokens are gone. */
  devices: Record<string, Platform>;
  /** Web Push subscriptions: endpoint (the token) -> its keys. */
  webKeys: Record<string, WebPushKeys>;
  preferences: Preferences;
}

/**
 * The id a registration answers with: a pure function of the token, so no extra state is kept and
 * `DELETE .../devices/:id` works for a web subscription whose token (a URL) cannot sit in a path.
 */
export function deviceId(token: string): string {
  return `dev_${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

export function tokenOfDeviceId(state: UserState, id: string): string | undefined {
  return Object.keys(state.devices).find((token) => deviceId(token) === id);
}

export type UserCommand =
  | { type: 'UpsertUser'; data: { userId: string; contact: ContactChanges; at: string } }
  | {
      type: 'RegisterDevice';
      data: { userId: string; token: string; platform: Platform; keys?: WebPushKeys; at: string };
      /** WEB_PUSH_MAX_SUBSCRIPTIONS: a new web subscription past this many is refused (each one is a URL the senders call). */
      maxWebSubscriptions?: number;
    }
  | { type: 'RemoveDevice'; data: { userId: string; token: string; reason: 'user' | 'token_invalid'; at: string } }
  /** The sender learnt the chat webhook is gone (404/410): cleared only if it is still the one on file. */
  | { type: 'RemoveChatWebhook'; data: { userId: string; webhookUrl: string; at: string } }
  | { type: 'SetPreferences'; data: { userId: string; preferences: Preferences; at: string } }
  | { type: 'EraseUser'; data: { userId: string; at: string } };

export const defaultPreferences = (): Preferences => ({ channels: {}, categories: {} });

const initialState = (): UserState => ({ exists: false, erased: false, contact: {}, devices: {}, webKeys: {}, preferences: defaultPreferences() });

const CONTACT_KEYS = ['email', 'phone', 'chatWebhookUrl', 'locale', 'timezone'] as const satisfies ReadonlyArray<keyof Contact>;

export function applyContactChanges(contact: Contact, changes: ContactChanges): Contact {
  const next: Contact = { ...contact };
  for (const key of CONTACT_KEYS) {
    const value = changes[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { ...state, exists: true, contact: { ...event.data.contact } };
    case 'ContactChanged':
      return { ...state, contact: applyContactChanges(state.contact, event.data.changes) };
    case 'DeviceRegistered': {
      const webKeys = { ...state.webKeys };
      if (event.data.keys) webKeys[event.data.token] = event.data.keys;
      else delete webKeys[event.data.token];
      return { ...state, devices: { ...state.devices, [event.data.token]: event.data.platform }, webKeys };
    }
    case 'DeviceRemoved': {
      const devices = { ...state.devices };
      delete devices[event.data.token];
      const webKeys = { ...state.webKeys };
      delete webKeys[event.data.token];
      return { ...state, devices, webKeys };
    }
    case 'PreferencesChanged':
      return { ...state, preferences: event.data.preferences };
    case 'UserErased':
      // Nothing of the user survives in the state; what the earlier events held reads as erased anyway.
      return { ...initialState(), erased: true };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function contactOnly(changes: ContactChanges): Contact {
  return applyContactChanges({}, changes);
}

/** Only the keys that actually change, so an idempotent upsert appends nothing. */
function effectiveChanges(contact: Contact, changes: ContactChanges): ContactChanges {
  const out: ContactChanges = {};
  for (const key of CONTACT_KEYS) {
    const value = changes[key];
    if (value === undefined) continue;
    if (value === null ? contact[key] !== undefined : contact[key] !== value) out[key] = value;
  }
  return out;
}

function samePreferences(a: Preferences, b: Preferences): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function requireUser(state: UserState, userId: string): void {
  if (!state.exists) throw new DomainError('user_not_found', `user ${userId} does not exist`);
}

function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (state.erased) {
    // The sender learning a dead token of an erased user changes nothing; anything else is a 404, like for an unknown user.
    if ((command.type === 'RemoveDevice' && command.data.reason === 'token_invalid') || command.type === 'RemoveChatWebhook') return [];
    throw new DomainError('user_not_found', `user ${command.data.userId} does not exist`);
  }
  switch (command.type) {
    case 'EraseUser': {
      requireUser(state, command.data.userId);
      return [{ type: 'UserErased', data: command.data }];
    }
    case 'UpsertUser': {
      const { userId, contact, at } = command.data;
      if (!state.exists) return [{ type: 'UserRegistered', data: { userId, contact: contactOnly(contact), at } }];
      const changes = effectiveChanges(state.contact, contact);
      return Object.keys(changes).length === 0 ? [] : [{ type: 'ContactChanged', data: { userId, changes, at } }];
    }
    case 'RegisterDevice': {
      const { userId, token, platform } = command.data;
      requireUser(state, userId);
      const current = state.devices[token];
      const max = command.maxWebSubscriptions;
      if (platform === 'web' && current !== 'web' && max !== undefined) {
        const web = Object.values(state.devices).filter((p) => p === 'web').length;
        if (web >= max) throw new DomainError('limit_reached', `user ${userId} has ${web} web push subscriptions, the most WEB_PUSH_MAX_SUBSCRIPTIONS (${max}) allows`);
      }
      const keys = state.webKeys[token];
      const sameKeys = keys?.p256dh === command.data.keys?.p256dh && keys?.auth === command.data.keys?.auth;
      // A browser that re-subscribes on the same endpoint gets new keys: record them.
      if (current === platform && sameKeys) return [];
      if (current === platform) return [{ type: 'DeviceRegistered', data: command.data }];
      if (current !== undefined) {
        // The same token re-registered under the other platform: the old registration is dead.
        return [
          { type: 'DeviceRemoved', data: { userId, token, platform: current, reason: 'user', at: command.data.at } },
          { type: 'DeviceRegistered', data: command.data },
        ];
      }
      return [{ type: 'DeviceRegistered', data: command.data }];
    }
    case 'RemoveDevice': {
      const { userId, token, reason, at } = command.data;
      const platform = state.devices[token];
      if (platform === undefined) {
        // The sender learning a token is dead twice is not an error; a user deleting a missing device is.
        if (reason === 'token_invalid') return [];
        requireUser(state, userId);
        throw new DomainError('device_not_found', `user ${userId} has no device ${token.slice(0, 6)}…`);
      }
      return [{ type: 'DeviceRemoved', data: { userId, token, platform, reason, at } }];
    }
    case 'RemoveChatWebhook': {
      const { userId, webhookUrl, at } = command.data;
      // Set to another URL since the send (or already cleared): the new one is not known to be dead.
      if (state.contact.chatWebhookUrl !== webhookUrl) return [];
      return [{ type: 'ContactChanged', data: { userId, changes: { chatWebhookUrl: null }, reason: 'webhook_invalid', at } }];
    }
    case 'SetPreferences': {
      requireUser(state, command.data.userId);
      if (samePreferences(state.preferences, command.data.preferences)) return [];
      return [{ type: 'PreferencesChanged', data: command.data }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = { initialState, evolve, decide };
