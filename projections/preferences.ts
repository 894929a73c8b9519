import type { ChannelPrefs, PrefChannel, Preferences } from '../domain/events.ts';
import { userKey } from '../domain/streams.ts';
import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

/** One per (app, user): `_id` is the user key (domain/streams.ts userKey). */
export interface PreferencesDoc extends ProjectedDoc {
  appId: string;
  userId: string;
  channels: ChannelPrefs;
  categories: Record<string, ChannelPrefs>;
  quietHours?: Preferences['quietHours'];
  updatedAt: string;
}

type Handled = 'PreferencesChanged' | 'UserErased';

function evolve(doc: PreferencesDoc | undefined, event: EventOf<Handled>, id: string): PreferencesDoc | undefined {
  switch (event.type) {
    case 'UserErased':
      return undefined;
    case 'PreferencesChanged': {
      // The event carries the whole preferences: it replaces what was there.
      const { channels, categories, quietHours } = event.data.preferences;
      const { quietHours: _old, ...rest } = doc ?? { _id: id };
      return { ...rest, _id: id, appId: event.metadata.appId, userId: event.data.userId, channels, categories, ...(quietHours && { quietHours }), updatedAt: eventTime(event) };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const preferences: ReadModel<PreferencesDoc, Handled> = {
  name: 'preferences',
  handles: ['PreferencesChanged', 'UserErased'],
  indexes: [],
  ids: (event) => [userKey(event.metadata.appId, event.data.userId)],
  evolve,
};

/**
 * Opted in unless told otherwise: no document, no channel entry and no category entry all mean
 * yes; an explicit `false` on the channel or on the category for that channel wins.
 */
export function isOptedIn(prefs: Pick<Preferences, 'channels' | 'categories'> | null | undefined, channel: PrefChannel, category?: string): boolean {
  if (!prefs) return true;
  if (prefs.channels?.[channel] === false) return false;
  if (category !== undefined && prefs.categories?.[category]?.[channel] === false) return false;
  return true;
}
