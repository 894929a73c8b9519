import type { Platform } from '../domain/events.ts';
import { userKey } from '../domain/streams.ts';
import { applyContactChanges } from '../domain/user.ts';
import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

/** One per (app, user): `_id` is the user key (domain/streams.ts userKey). */
export interface ContactDoc extends ProjectedDoc {
  appId: string;
  userId: string;
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
  /** Live device tokens by platform; a removed token is gone. */
  devices: Record<Platform, string[]>;
  registeredAt?: string;
  updatedAt: string;
}

type Handled = 'UserRegistered' | 'ContactChanged' | 'DeviceRegistered' | 'DeviceRemoved' | 'UserErased';
const HANDLES = ['UserRegistered', 'ContactChanged', 'DeviceRegistered', 'DeviceRemoved', 'UserErased'] as const satisfies readonly Handled[];

const without = (tokens: string[], token: string) => tokens.filter((t) => t !== token);

function contactOf(doc: ContactDoc) {
  const { email, phone, locale, timezone } = doc;
  return { ...(email !== undefined && { email }), ...(phone !== undefined && { phone }), ...(locale !== undefined && { locale }), ...(timezone !== undefined && { timezone }) };
}

function evolve(doc: ContactDoc | undefined, event: EventOf<Handled>, id: string): ContactDoc | undefined {
  const base: ContactDoc = doc ?? { _id: id, appId: event.metadata.appId, userId: event.data.userId, devices: { ios: [], android: [] }, updatedAt: eventTime(event) };
  const at = eventTime(event);
  switch (event.type) {
    case 'UserRegistered': {
      const { email: _e, phone: _p, locale: _l, timezone: _t, ...rest } = base;
      return { ...rest, ...applyContactChanges({}, event.data.contact), registeredAt: at, updatedAt: at };
    }
    case 'ContactChanged': {
      const { email: _e, phone: _p, locale: _l, timezone: _t, ...rest } = base;
      return { ...rest, ...applyContactChanges(contactOf(base), event.data.changes), updatedAt: at };
    }
    case 'DeviceRegistered': {
      const { token, platform } = event.data;
      const devices = { ios: without(base.devices.ios, token), android: without(base.devices.android, token) };
      devices[platform] = [...devices[platform], token];
      return { ...base, devices, updatedAt: at };
    }
    case 'DeviceRemoved': {
      const { token } = event.data;
      return { ...base, devices: { ios: without(base.devices.ios, token), android: without(base.devices.android, token) }, updatedAt: at };
    }
    case 'UserErased':
      // An erased user has no document: the row is deleted (the embedded stores zero deleted content).
      return undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const contacts: ReadModel<ContactDoc, Handled> = {
  name: 'contacts',
  handles: HANDLES,
  indexes: [],
  ids: (event) => [userKey(event.metadata.appId, event.data.userId)],
  evolve,
};
