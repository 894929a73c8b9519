import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { AppEvent, OperatorRef } from './events.ts';

export interface AppState {
  status: 'none' | 'active' | 'revoked';
  name?: string;
  /** Only the slow hash of the current secret is ever known (scrypt, computed outside the domain). */
  secretHash?: string;
}

export type AppCommand =
  | { type: 'RegisterApp'; data: { appId: string; name: string; secretHash: string; at: string; by?: OperatorRef } }
  | { type: 'RotateAppSecret'; data: { appId: string; secretHash: string; at: string; by?: OperatorRef } }
  | { type: 'RevokeApp'; data: { appId: string; at: string; by?: OperatorRef } };

const initialState = (): AppState => ({ status: 'none' });

function evolve(state: AppState, event: AppEvent): AppState {
  switch (event.type) {
    case 'AppRegistered':
      return { status: 'active', name: event.data.name, secretHash: event.data.secretHash };
    case 'AppSecretRotated':
      return { ...state, secretHash: event.data.secretHash };
    case 'AppRevoked':
      return { ...state, status: 'revoked' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function decide(command: AppCommand, state: AppState): AppEvent[] {
  switch (command.type) {
    case 'RegisterApp':
      if (state.status !== 'none') throw new DomainError('already_exists', `app ${command.data.appId} already exists`);
      return [{ type: 'AppRegistered', data: command.data }];
    case 'RotateAppSecret':
      if (state.status === 'none') throw new DomainError('app_not_found', `app ${command.data.appId} does not exist`);
      if (state.status === 'revoked') throw new DomainError('app_revoked', `app ${command.data.appId} is revoked`);
      return [{ type: 'AppSecretRotated', data: command.data }];
    case 'RevokeApp':
      if (state.status === 'none') throw new DomainError('app_not_found', `app ${command.data.appId} does not exist`);
      if (state.status === 'revoked') return [];
      return [{ type: 'AppRevoked', data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const appDecider: Decider<AppState, AppCommand, AppEvent> = { initialState, evolve, decide };
