import { PREF_CHANNELS, type ChannelPrefs, type PrefChannel, type Preferences } from './events.ts';

/**
 * What the hosted preference form means: each checkbox shown is one (channel) or (category,
 * channel) switch. A box left unticked turns that switch off (false). A ticked box turns it on,
 * written as `true` only where it was off before, so saving an unchanged form yields the same
 * preferences and records nothing. Categories not on the form and quiet hours are kept as they are.
 */
export interface PreferenceForm {
  /** Channels ticked in the "Channels" group. */
  channels: readonly PrefChannel[];
  /** The categories the page showed (hidden fields): only these are updated. */
  shownCategories: readonly string[];
  /** Per shown category, the channels ticked. */
  categories: Readonly<Record<string, readonly PrefChannel[]>>;
}

function applySwitches(current: ChannelPrefs, ticked: readonly PrefChannel[]): ChannelPrefs {
  const next: ChannelPrefs = { ...current };
  for (const channel of PREF_CHANNELS) {
    if (!ticked.includes(channel)) next[channel] = false;
    else if (current[channel] === false) next[channel] = true;
  }
  return next;
}

export function preferencesFromForm(current: Preferences, form: PreferenceForm): Preferences {
  const categories: Record<string, ChannelPrefs> = { ...current.categories };
  for (const name of form.shownCategories) {
    const prefs = Object.hasOwn(current.categories, name) ? current.categories[name] : undefined;
    const ticked = Object.hasOwn(form.categories, name) ? (form.categories[name] ?? []) : [];
    const next = applySwitches(prefs ?? {}, ticked);
    // A category the user never touched and left all on stays absent (as the API would leave it).
    if (prefs === undefined && Object.keys(next).length === 0) continue;
    categories[name] = next;
  }
  return { ...current, channels: applySwitches(current.channels, form.channels), categories };
}

/** Whether a switch reads as on: only an explicit false is off (domain/policy.ts). */
export function isOn(prefs: ChannelPrefs | undefined, channel: PrefChannel): boolean {
  return prefs?.[channel] !== false;
}
