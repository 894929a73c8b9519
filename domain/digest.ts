import type { Decider } from './decider.ts';
import type { Channel, DigestEvent } from './events.ts';

/**
 * One digest key (app, user, channel, key) is one stream, and its windows follow one another in
 * it: the first member opens a window, later members join it, the timer closes it. Every append
 * uses the revision it read, so a member racing a close is re-decided on the new state: it lands
 * either inside the closed window (listed in DigestWindowClosed) or in the next one, never in
 * neither and never in two; and a window closes once, into one digest notification.
 */
export interface DigestWindow {
  windowId: string;
  closesAt: string;
  members: string[];
}

export interface DigestState {
  open?: DigestWindow;
  /** Windows opened so far: the next window's id is this plus one. */
  opened: number;
  /** Every member ever added, with its window: a repeated join (a replay) adds nothing. */
  memberOf: Record<string, string>;
  closed: Record<string, { digestNotificationId: string; members: string[] }>;
}

export type DigestCommand =
  | {
      type: 'JoinDigest';
      data: { notificationId: string; appId: string; userId: string; channel: Channel; key: string; windowSeconds: number; at: string };
    }
  | { type: 'CloseDigest'; data: { windowId: string; digestNotificationId: string; at: string } };

const initialState = (): DigestState => ({ opened: 0, memberOf: {}, closed: {} });

function evolve(state: DigestState, event: DigestEvent): DigestState {
  switch (event.type) {
    case 'DigestWindowOpened':
      return { ...state, opened: state.opened + 1, open: { windowId: event.data.windowId, closesAt: event.data.closesAt, members: [] } };
    case 'DigestMemberAdded': {
      const open = state.open && state.open.windowId === event.data.windowId ? { ...state.open, members: [...state.open.members, event.data.notificationId] } : state.open;
      return { ...state, ...(open ? { open } : {}), memberOf: { ...state.memberOf, [event.data.notificationId]: event.data.windowId } };
    }
    case 'DigestWindowClosed': {
      const closed = { ...state.closed, [event.data.windowId]: { digestNotificationId: event.data.digestNotificationId, members: event.data.members } };
      if (state.open?.windowId !== event.data.windowId) return { ...state, closed };
      const { open: _done, ...rest } = state;
      return { ...rest, closed };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: DigestCommand, state: DigestState): DigestEvent[] {
  switch (command.type) {
    case 'JoinDigest': {
      const c = command.data;
      if (state.memberOf[c.notificationId] !== undefined) return [];
      const added = (windowId: string): DigestEvent => ({ type: 'DigestMemberAdded', data: { windowId, notificationId: c.notificationId, at: c.at } });
      // A window stays open until its close is in the log, even past closesAt: a late member joins it.
      if (state.open) return [added(state.open.windowId)];
      const windowId = String(state.opened + 1);
      const closesAt = new Date(Date.parse(c.at) + c.windowSeconds * 1000).toISOString();
      return [{ type: 'DigestWindowOpened', data: { windowId, appId: c.appId, userId: c.userId, channel: c.channel, key: c.key, openedAt: c.at, closesAt } }, added(windowId)];
    }
    case 'CloseDigest': {
      const c = command.data;
      if (!state.open || state.open.windowId !== c.windowId) return [];
      return [{ type: 'DigestWindowClosed', data: { windowId: c.windowId, digestNotificationId: c.digestNotificationId, members: state.open.members, at: c.at } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const digestDecider: Decider<DigestState, DigestCommand, DigestEvent> = { initialState, evolve, decide };
