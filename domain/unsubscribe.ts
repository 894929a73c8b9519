import { prefChannelOf, type Channel, type Preferences } from './events.ts';

/**
 * What an unsubscribe link turns off: the notification's category on its channel, or, for a
 * notification without a category, that channel. Nothing else: one newsletter's link does not
 * silence password resets, and an app's link does not touch another app's notifications
 * (preferences are the app's own).
 */
export function unsubscribedPreferences(prefs: Preferences, channel: Channel, category: string | undefined): Preferences {
  const pc = prefChannelOf(channel);
  if (category !== undefined) {
    return { ...prefs, categories: { ...prefs.categories, [category]: { ...prefs.categories[category], [pc]: false } } };
  }
  return { ...prefs, channels: { ...prefs.channels, [pc]: false } };
}
