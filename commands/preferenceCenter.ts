import { appDecider, type AppState } from '../domain/app.ts';
import type { AppEvent, Preferences } from '../domain/events.ts';
import { preferencesFromForm, type PreferenceForm } from '../domain/preferenceCenter.ts';
import { verifyPreferencesToken } from '../domain/preferencesLink.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { listCategories, type CategoryView } from './categories.ts';
import type { CommandContext } from './context.ts';
import { loadState } from './handle.ts';
import { loadUser, setPreferences } from './users.ts';

/** What a preference link opens: the user's preferences and the app's categories, or why it cannot. */
export type PreferencePage =
  | { kind: 'ok'; appId: string; userId: string; appName: string; preferences: Preferences; categories: CategoryView[] }
  /** Forged, malformed, or naming a user or app that is gone (erased, revoked): nothing to show. */
  | { kind: 'invalid' }
  | { kind: 'expired' };

/** Folded from the app's and user's streams: the answer reflects every write before it. */
export async function openPreferencePage(store: EventStore, token: string, secret: string, now: Date): Promise<PreferencePage> {
  const check = verifyPreferencesToken(token, secret, Math.floor(now.getTime() / 1000));
  if (!check.ok) return check.reason === 'expired' ? { kind: 'expired' } : { kind: 'invalid' };
  const { appId, userId } = check.claims;
  const app = (await loadState<AppState, AppEvent>(store, appDecider, streams.app(appId), { cached: true })).state;
  if (app.status !== 'active') return { kind: 'invalid' };
  const user = await loadUser(store, appId, userId);
  if (!user.exists) return { kind: 'invalid' };
  return { kind: 'ok', appId, userId, appName: app.name ?? appId, preferences: user.preferences, categories: await listCategories(store, appId) };
}

/**
 * The form's POST: the same SetPreferences command (and so the same PreferencesChanged event) as
 * PUT /v1/users/:userId/preferences, in the app and for the user the signed link names.
 */
export async function savePreferencePage(
  store: EventStore,
  page: Extract<PreferencePage, { kind: 'ok' }>,
  form: PreferenceForm,
  ctx: Omit<CommandContext, 'appId'>,
): Promise<Preferences> {
  const next = preferencesFromForm(page.preferences, form);
  return setPreferences(store, { ...ctx, appId: page.appId }, page.userId, next);
}
