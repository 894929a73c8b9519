import type { ContactChanges, Platform, Preferences, UserEvent, WebPushKeys } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import { userDecider, type UserState } from '../domain/user.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { metadataFor, type CommandContext } from './context.ts';
import { handleCommand, loadState } from './handle.ts';

/** User commands: thin mappings onto the user decider; every decision lives there. */

export async function upsertUser(store: EventStore, ctx: CommandContext, userId: string, contact: ContactChanges) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(userId),
    { type: 'UpsertUser', data: { userId, contact, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  return { created: result.events.some((e) => e.type === 'UserRegistered'), state: result.state };
}

export async function registerDevice(store: EventStore, ctx: CommandContext, userId: string, token: string, platform: Platform, keys?: WebPushKeys) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(userId),
    { type: 'RegisterDevice', data: { userId, token, platform, ...(keys && { keys }), at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  return { created: result.events.some((e) => e.type === 'DeviceRegistered') };
}

export async function removeDevice(store: EventStore, ctx: CommandContext, userId: string, token: string): Promise<void> {
  await handleCommand(
    store,
    userDecider,
    streams.user(userId),
    { type: 'RemoveDevice', data: { userId, token, reason: 'user', at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
}

export async function setPreferences(store: EventStore, ctx: CommandContext, userId: string, preferences: Preferences) {
  const result = await handleCommand(
    store,
    userDecider,
    streams.user(userId),
    { type: 'SetPreferences', data: { userId, preferences, at: ctx.now.toISOString() } },
    metadataFor(ctx),
  );
  return result.state.preferences;
}

/** Folded from the user's own stream: a PUT is visible to the very next request. */
export async function loadUser(store: EventStore, userId: string): Promise<UserState> {
  return (await loadState<UserState, UserEvent>(store, userDecider, streams.user(userId))).state;
}
