import type { Decider } from './decider.ts';
import { DomainError } from './errors.ts';
import type { OperatorEvent, OperatorRef, OperatorRole } from './events.ts';

/**
 * A console account. Its stream is named from the normalised email (commands/operators.ts), so
 * the stream itself enforces one account per address and sign-in finds it without a read model.
 * Hashes and sealed secrets are computed outside the domain: the decider only sees their text.
 */
export interface OperatorState {
  status: 'none' | 'active' | 'disabled';
  email?: string;
  role?: OperatorRole;
  passwordHash?: string;
  totpSealed?: string;
  /**
   * Moves on every change of credentials or status: a session remembers the generation it was
   * opened at, so a new password, a TOTP change or disabling ends the sessions opened before. A role
   * change does not: sessions read the current role on every request, so it applies at once anyway.
   */
  generation: number;
}

type By = { by?: OperatorRef };
export type OperatorCommand =
  | { type: 'CreateOperator'; data: { operatorId: string; email: string; role: OperatorRole; passwordHash: string; at: string } & By }
  | { type: 'ChangeOperatorPassword'; data: { operatorId: string; passwordHash: string; at: string } & By }
  | { type: 'EnableOperatorTotp'; data: { operatorId: string; totpSealed: string; at: string } & By }
  | { type: 'DisableOperatorTotp'; data: { operatorId: string; at: string } & By }
  | { type: 'ChangeOperatorRole'; data: { operatorId: string; role: OperatorRole; at: string } & By }
  | { type: 'DisableOperator'; data: { operatorId: string; at: string } & By }
  | { type: 'EnableOperator'; data: { operatorId: string; at: string } & By };

const initialState = (): OperatorState => ({ status: 'none', generation: 0 });

function evolve(state: OperatorState, event: OperatorEvent): OperatorState {
  const next = state.generation + 1;
  switch (event.type) {
    case 'OperatorCreated':
      return { status: 'active', email: event.data.email, role: event.data.role, passwordHash: event.data.passwordHash, generation: next };
    case 'OperatorPasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, generation: next };
    case 'OperatorTotpEnabled':
      return { ...state, totpSealed: event.data.totpSealed, generation: next };
    case 'OperatorTotpDisabled': {
      const { totpSealed: _dropped, ...rest } = state;
      return { ...rest, generation: next };
    }
    case 'OperatorRoleChanged':
      return { ...state, role: event.data.role };
    case 'OperatorDisabled':
      return { ...state, status: 'disabled', generation: next };
    case 'OperatorEnabled':
      return { ...state, status: 'active', generation: next };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function existing(state: OperatorState, operatorId: string): void {
  if (state.status === 'none') throw new DomainError('operator_not_found', `operator ${operatorId} does not exist`);
}

function decide(command: OperatorCommand, state: OperatorState): OperatorEvent[] {
  switch (command.type) {
    case 'CreateOperator':
      if (state.status !== 'none') throw new DomainError('already_exists', `an operator with this email already exists`);
      return [{ type: 'OperatorCreated', data: command.data }];
    case 'ChangeOperatorPassword':
      existing(state, command.data.operatorId);
      return [{ type: 'OperatorPasswordChanged', data: command.data }];
    case 'EnableOperatorTotp':
      existing(state, command.data.operatorId);
      return [{ type: 'OperatorTotpEnabled', data: command.data }];
    case 'DisableOperatorTotp':
      existing(state, command.data.operatorId);
      return state.totpSealed === undefined ? [] : [{ type: 'OperatorTotpDisabled', data: command.data }];
    case 'ChangeOperatorRole': {
      existing(state, command.data.operatorId);
      const previousRole = state.role!;
      if (previousRole === command.data.role) return [];
      return [{ type: 'OperatorRoleChanged', data: { ...command.data, previousRole } }];
    }
    case 'DisableOperator':
      existing(state, command.data.operatorId);
      return state.status === 'disabled' ? [] : [{ type: 'OperatorDisabled', data: command.data }];
    case 'EnableOperator':
      existing(state, command.data.operatorId);
      return state.status === 'active' ? [] : [{ type: 'OperatorEnabled', data: command.data }];
    default: {
      const never: never = command;
      return never;
    }
  }
}

export const operatorDecider: Decider<OperatorState, OperatorCommand, OperatorEvent> = { initialState, evolve, decide };

/** What each role may do: every role can do what the roles before it can. */
const RANK: Record<OperatorRole, number> = { viewer: 0, operator: 1, admin: 2 };
export function roleAllows(role: OperatorRole, needed: OperatorRole): boolean {
  return RANK[role] >= RANK[needed];
}
