import type { OperatorRole } from '../domain/events.ts';
import { eventTime, type EventOf, type ProjectedDoc, type ReadModel } from './readModel.ts';

/**
 * The platform's accounts as the console lists them: operators (GET /console/operators, `notify
 * operators list`) and apps (the console's app picker, GET /console/apps). Sign-in never reads it:
 * an operator's own stream is the truth for passwords, roles and status (no lag after a change).
 * No hash or sealed secret is copied here.
 */
export interface AccountDoc extends ProjectedDoc {
  kind: 'operator' | 'app';
  /** operatorId or appId. */
  id: string;
  /** The operator's email, or the app's name. */
  name: string;
  role?: OperatorRole;
  status: 'active' | 'disabled' | 'revoked';
  totp?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The events of the accounts (operators and apps); the audit read model records each of them too. */
export const ACCOUNT_EVENT_TYPES = [
  'OperatorCreated',
  'OperatorPasswordChanged',
  'OperatorTotpEnabled',
  'OperatorTotpDisabled',
  'OperatorRoleChanged',
  'OperatorDisabled',
  'OperatorEnabled',
  'AppRegistered',
  'AppSecretRotated',
  'AppRevoked',
] as const;
type Handled = (typeof ACCOUNT_EVENT_TYPES)[number];

export const accountId = (kind: AccountDoc['kind'], id: string) => `${kind}:${id}`;

function ids(event: EventOf<Handled>): string[] {
  return [event.type.startsWith('App') ? accountId('app', (event.data as { appId: string }).appId) : accountId('operator', (event.data as { operatorId: string }).operatorId)];
}

function evolve(doc: AccountDoc | undefined, event: EventOf<Handled>, id: string): AccountDoc | undefined {
  const at = eventTime(event);
  const touched = doc && { ...doc, updatedAt: at };
  switch (event.type) {
    case 'OperatorCreated': {
      const { operatorId, email, role } = event.data;
      return { _id: id, kind: 'operator', id: operatorId, name: email, role, status: 'active', totp: false, createdAt: at, updatedAt: at };
    }
    case 'AppRegistered':
      return { _id: id, kind: 'app', id: event.data.appId, name: event.data.name, status: 'active', createdAt: at, updatedAt: at };
    case 'OperatorPasswordChanged':
    case 'AppSecretRotated':
      return touched;
    case 'OperatorTotpEnabled':
      return touched && { ...touched, totp: true };
    case 'OperatorTotpDisabled':
      return touched && { ...touched, totp: false };
    case 'OperatorRoleChanged':
      return touched && { ...touched, role: event.data.role };
    case 'OperatorDisabled':
      return touched && { ...touched, status: 'disabled' };
    case 'OperatorEnabled':
      return touched && { ...touched, status: 'active' };
    case 'AppRevoked':
      return touched && { ...touched, status: 'revoked' };
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const accounts: ReadModel<AccountDoc, Handled> = {
  name: 'accounts',
  handles: ACCOUNT_EVENT_TYPES,
  indexes: [{ keys: { kind: 1, name: 1 } }],
  ids,
  evolve,
};
