import type { Decider } from './decider.ts';
import type { TopicEvent } from './events.ts';

/**
 * One topic of one app: the set of its subscribers. Subscribing is idempotent (only users not in
 * the set are recorded, so a repeated PUT appends nothing) and so is leaving.
 */
export interface TopicState {
  subscribers: ReadonlySet<string>;
}

export type TopicCommand =
  | { type: 'Subscribe'; data: { appId: string; topicId: string; userIds: readonly string[]; at: string } }
  | { type: 'Unsubscribe'; data: { appId: string; topicId: string; userIds: readonly string[]; reason: 'request' | 'user_erased'; at: string } };

const initialState = (): TopicState => ({ subscribers: new Set() });

/** A new set per event (the state is never changed in place); a topic's stream is folded once and then cached. */
function evolve(state: TopicState, event: TopicEvent): TopicState {
  switch (event.type) {
    case 'TopicSubscribed': {
      const next = new Set(state.subscribers);
      for (const u of event.data.userIds) next.add(u);
      return { subscribers: next };
    }
    case 'TopicUnsubscribed': {
      const next = new Set(state.subscribers);
      for (const u of event.data.userIds) next.delete(u);
      return { subscribers: next };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: TopicCommand, state: TopicState): TopicEvent[] {
  switch (command.type) {
    case 'Subscribe': {
      const added = [...new Set(command.data.userIds)].filter((u) => !state.subscribers.has(u));
      return added.length === 0 ? [] : [{ type: 'TopicSubscribed', data: { ...command.data, userIds: added } }];
    }
    case 'Unsubscribe': {
      const gone = [...new Set(command.data.userIds)].filter((u) => state.subscribers.has(u));
      return gone.length === 0 ? [] : [{ type: 'TopicUnsubscribed', data: { ...command.data, userIds: gone } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const topicDecider: Decider<TopicState, TopicCommand, TopicEvent> = { initialState, evolve, decide };

/** The recipients of a fan-out, in the one order every resumption slices the same way (code units, not locale). */
export function sortedSubscribers(state: TopicState): string[] {
  return [...state.subscribers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
