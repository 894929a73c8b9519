import type { Decider } from './decider.ts';
import type { FanoutEvent, FanoutStarted } from './events.ts';

/**
 * One topic send: started once per (app, eventId), then batch after batch of the frozen subscriber
 * list, each recorded once and in order, until completed. A batch repeated after a crash or by a
 * standby that took over finds its notifications already made (their ids are derived from the
 * eventId and the user) and its record already there, so nothing is added twice.
 */
export type FanoutState =
  { status: 'none' } | { status: 'running'; started: FanoutStarted['data']; done: number } | { status: 'completed'; started: FanoutStarted['data']; done: number };

export type FanoutCommand =
  | { type: 'StartFanout'; data: FanoutStarted['data'] }
  | { type: 'RecordBatch'; data: { fanoutId: string; from: number; to: number; notifications: number; at: string } }
  | { type: 'CompleteFanout'; data: { fanoutId: string; at: string } };

const initialState = (): FanoutState => ({ status: 'none' });

function evolve(state: FanoutState, event: FanoutEvent): FanoutState {
  switch (event.type) {
    case 'FanoutStarted':
      return { status: 'running', started: event.data, done: 0 };
    case 'FanoutBatchCompleted':
      return state.status === 'none' ? state : { ...state, done: Math.max(state.done, event.data.to) };
    case 'FanoutCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: FanoutCommand, state: FanoutState): FanoutEvent[] {
  switch (command.type) {
    case 'StartFanout':
      return state.status === 'none' ? [{ type: 'FanoutStarted', data: command.data }] : [];
    case 'RecordBatch':
      // Only the next batch: one already recorded (a repeat) adds nothing, one out of order is a bug upstream.
      if (state.status !== 'running' || command.data.from !== state.done || command.data.to <= state.done) return [];
      return [{ type: 'FanoutBatchCompleted', data: command.data }];
    case 'CompleteFanout':
      if (state.status !== 'running' || state.done < state.started.subscribers) return [];
      return [{ type: 'FanoutCompleted', data: { fanoutId: command.data.fanoutId, subscribers: state.started.subscribers, at: command.data.at } }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const fanoutDecider: Decider<FanoutState, FanoutCommand, FanoutEvent> = { initialState, evolve, decide };

/** The next slice of the subscriber list to notify, or undefined when every subscriber has been. */
export function nextBatch(state: FanoutState): { from: number; to: number } | undefined {
  if (state.status !== 'running' || state.done >= state.started.subscribers) return undefined;
  return { from: state.done, to: Math.min(state.started.subscribers, state.done + state.started.batchSize) };
}
