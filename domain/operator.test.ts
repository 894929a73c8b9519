import { describe, expect, it } from 'vitest';
import { specFor } from '../tests/helpers/decider.ts';
import { fold } from './decider.ts';
import type { OperatorEvent, OperatorRole } from './events.ts';
import { operatorDecider, roleAllows, type OperatorCommand } from './operator.ts';

const spec = specFor(operatorDecider);
const at = '2026-01-01T10:00:00.000Z';
const operatorId = 'op_1';
const by = { operatorId: 'op_admin', email: 'admin@example.com' };
const create: OperatorCommand = { type: 'CreateOperator', data: { operatorId, email: 'ada@example.com', role: 'viewer', passwordHash: 'scrypt$1', at } };
const created: OperatorEvent = { type: 'OperatorCreated', data: { operatorId, email: 'ada@example.com', role: 'viewer', passwordHash: 'scrypt$1', at } };
const disabled: OperatorEvent = { type: 'OperatorDisabled', data: { operatorId, at } };
const totpOn: OperatorEvent = { type: 'OperatorTotpEnabled', data: { operatorId, totpSealed: 'totp:v1:k:x', at } };

describe('operator decider', () => {
  it('creates an operator once per stream (one account per email)', () => {
    spec.given([]).when(create).then([created]);
    spec.given([created]).when(create).thenThrows('already_exists');
  });

  it('changes the role naming the previous one and who did it; the same role again is nothing', () => {
    spec
      .given([created])
      .when({ type: 'ChangeOperatorRole', data: { operatorId, role: 'admin', at, by } })
      .then([{ type: 'OperatorRoleChanged', data: { operatorId, role: 'admin', previousRole: 'viewer', at, by } }]);
    spec
      .given([created])
      .when({ type: 'ChangeOperatorRole', data: { operatorId, role: 'viewer', at } })
      .then([]);
  });

  it('disables and enables, each once; every command on a missing operator is operator_not_found', () => {
    spec.given([created]).when({ type: 'DisableOperator', data: { operatorId, at } }).then([disabled]);
    spec.given([created, disabled]).when({ type: 'DisableOperator', data: { operatorId, at } }).then([]);
    spec
      .given([created, disabled])
      .when({ type: 'EnableOperator', data: { operatorId, at } })
      .then([{ type: 'OperatorEnabled', data: { operatorId, at } }]);
    spec.given([created]).when({ type: 'EnableOperator', data: { operatorId, at } }).then([]);
    for (const command of [
      { type: 'DisableOperator', data: { operatorId, at } },
      { type: 'ChangeOperatorPassword', data: { operatorId, passwordHash: 'x', at } },
      { type: 'ChangeOperatorRole', data: { operatorId, role: 'admin', at } },
      { type: 'EnableOperatorTotp', data: { operatorId, totpSealed: 'x', at } },
    ] satisfies OperatorCommand[]) {
      spec.given([]).when(command).thenThrows('operator_not_found');
    }
  });

  it('turning TOTP off when it is off appends nothing', () => {
    spec.given([created]).when({ type: 'DisableOperatorTotp', data: { operatorId, at } }).then([]);
    spec
      .given([created, totpOn])
      .when({ type: 'DisableOperatorTotp', data: { operatorId, at } })
      .then([{ type: 'OperatorTotpDisabled', data: { operatorId, at } }]);
  });

  it('the generation moves with credentials and status (sessions opened before end) but not with the role (read live)', () => {
    const g = (events: OperatorEvent[]) => fold(operatorDecider, events).generation;
    const base = g([created]);
    expect(g([created, { type: 'OperatorPasswordChanged', data: { operatorId, passwordHash: 'scrypt$2', at } }])).toBeGreaterThan(base);
    expect(g([created, totpOn])).toBeGreaterThan(base);
    expect(g([created, disabled, { type: 'OperatorEnabled', data: { operatorId, at } }])).toBeGreaterThan(g([created, disabled]));
    expect(g([created, { type: 'OperatorRoleChanged', data: { operatorId, role: 'admin', previousRole: 'viewer', at } }])).toBe(base);
    const state = fold(operatorDecider, [created, totpOn, { type: 'OperatorTotpDisabled', data: { operatorId, at } }]);
    expect(state.totpSealed).toBeUndefined();
  });
});

describe('roles', () => {
  it('each role can do what the roles before it can, and no more', () => {
    const roles: OperatorRole[] = ['viewer', 'operator', 'admin'];
    const table = roles.map((have) => roles.map((need) => roleAllows(have, need)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });
});
