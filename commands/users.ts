import type { ContactChanges, Platform, Preferences, UserEvent, WebPushKeys } from '../domain/events.ts';
import { DomainError } from '../domain/errors.ts';
import { streams, userKey } from '../domain/streams.ts';
import { userDecider, type UserState } from '../domain/user.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';

/** User commands: thin mappings onto the user decider; every decision lives there. */

export async function upsertUser(store: EventStore, ctx: CommandContext, userId: string, contact: ContactChanges) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(ctx.appId, userId),
    { type: 'UpsertUser', data: { userId, contact, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  return { created: result.events.some((e) => e.type === 'UserRegistered'), state: result.state };
}

export async function registerDevice(
  store: EventStore,
  ctx: CommandContext,
  userId: string,
  token: string,
  platform: Platform,
  keys?: WebPushKeys,
  limits?: { maxWebSubscriptions: number },
) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(ctx.appId, userId),
    {
      type: 'RegisterDevice',
      data: { userId, token, platform, ...(keys && { keys }), at: ctx.now.toISOString() },
      ...(limits && { maxWebSubscriptions: limits.maxWebSubscriptions }),
    },
    metadataFor(ctx),
  );
  return { created: result.events.some((e) => e.type === 'DeviceRegistered') };
}

export async function removeDevice(store: EventStore, ctx: CommandContext, userId: string, token: string): Promise<void> {
  await handleCommand(
    store,
    userDecider,
    streams.user(ctx.appId, userId),
    { type: 'RemoveDevice', data: { userId, token, reason: 'user', at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
}

export async function setPreferences(store: EventStore, ctx: CommandContext, userId: string, preferences: Preferences) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(ctx.appId, userId),
    { type: 'SetPreferences', data: { userId, preferences, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  return result.state.preferences;
}

/**
 * DELETE /v1/users/:userId (crypto-shredding): the data key goes first, so no failure can leave a
 * user reported erased whose data still opens; then UserErased, which refuses every later command;
 * then the key once more, in case a concurrent write made a fresh one in between.
 */
export async function eraseUser(store: EventStore, vault: KeyVault, ctx: CommandContext, userId: string): Promise<void> {
  const user = await loadUser(store, ctx.appId, userId);
  if (!user.exists) throw new DomainError('user_not_found', `user ${userId} does not exist`);
  const scope = userKey(ctx.appId, userId);
  await vault.destroy(scope);
  await handleCommand(store, userDecider, streams.user(ctx.appId, userId), { type: 'EraseUser', data: { userId, at: ctx.now.toISOString() } }, metadataFor(ctx));
  await vault.destroy(scope);
}

/** Folded from the app's own stream of the user: a PUT is visible to the very next request, and another app's user is not there. */
export async function loadUser(store: EventStore, appId: string, userId: string): Promise<UserState> {
  return (await loadState<UserState, UserEvent>(store, userDecider, streams.user(appId, userId), { cached: true })).state;
}
