import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { OPERATOR_ROLES, type OperatorEvent, type OperatorRef, type OperatorRole } from '../domain/events.ts';
import { operatorDecider, type OperatorCommand, type OperatorState } from '../domain/operator.ts';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import { hashSecret } from './apps.ts';
import { handleCommand, loadState } from './handle.ts';
import { newTotpSecret, sealTotpSecret, totpScope } from './operatorTotp.ts';

/**
 * Console accounts: created by the CLI (the first one; nobody can sign in before it) or by an
 * admin in the console. Passwords are kept as scrypt hashes (per-hash random salt, compared in
 * constant time: apps.ts hashSecret/verifySecret); a generated password is returned once.
 */
export const MIN_PASSWORD_LENGTH = 12;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export function normaliseEmail(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  return EMAIL.test(e) ? e : undefined;
}

/** One stream per address: its name is derived from the normalised email, so two accounts for one address cannot exist. */
export function operatorIdOf(email: string): string {
  return `op_${createHash('sha256').update(`notify-operator\u0000${email}`).digest('hex').slice(0, 24)}`;
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

export const generatePassword = () => randomBytes(18).toString('base64url');

export interface OperatorActor {
  /** Who does it: an operator in the console; absent for the host's CLI. */
  by?: OperatorRef;
  now: Date;
}

export async function loadOperator(store: EventStore, operatorId: string): Promise<{ state: OperatorState; revision: number }> {
  return loadState<OperatorState, OperatorEvent>(store, operatorDecider, streams.operator(operatorId), { cached: true });
}

async function run(store: EventStore, operatorId: string, command: OperatorCommand, actor: OperatorActor) {
  return handleCommand(store, operatorDecider, streams.operator(operatorId), command, {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    // Operators belong to the platform, not to an app: the metadata's app is the platform's own name.
    appId: 'platform',
    ...(actor.by && { operatorId: actor.by.operatorId }),
  });
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 1024) throw new OperatorInputError('password', `the password must be ${MIN_PASSWORD_LENGTH}-1024 characters`);
}

/** Bad input to an operator command (a field and why); the HTTP edge answers 400 naming the field. */
export class OperatorInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'OperatorInputError';
    this.field = field;
  }
}

export interface CreatedOperator {
  operatorId: string;
  email: string;
  role: OperatorRole;
  /** Only when generated here: shown once. */
  password?: string;
  /** Only with `totp: true`: the otpauth:// URI to scan, shown once. */
  totpUri?: string;
}

export async function createOperator(
  deps: { store: EventStore; keyVault?: KeyVault },
  input: { email: string; role: OperatorRole; password?: string; totp?: boolean },
  actor: OperatorActor,
): Promise<CreatedOperator> {
  const email = normaliseEmail(input.email);
  if (!email) throw new OperatorInputError('email', 'a valid email address is required');
  if (!isOperatorRole(input.role)) throw new OperatorInputError('role', `role must be one of ${OPERATOR_ROLES.join(', ')}`);
  const password = input.password ?? generatePassword();
  checkPassword(password);
  const operatorId = operatorIdOf(email);
  const at = actor.now.toISOString();
  const by = actor.by && { by: actor.by };
  await run(deps.store, operatorId, { type: 'CreateOperator', data: { operatorId, email, role: input.role, passwordHash: await hashSecret(password), at, ...by } }, actor);
  const created: CreatedOperator = { operatorId, email, role: input.role, ...(input.password === undefined && { password }) };
  if (input.totp) created.totpUri = await enableTotp({ store: deps.store, keyVault: requireVault(deps.keyVault) }, email, actor);
  return created;
}

function requireVault(vault: KeyVault | undefined): KeyVault {
  if (!vault) throw new Error('TOTP needs the key vault, which this process was started without');
  return vault;
}

function idOf(email: string): string {
  const e = normaliseEmail(email);
  if (!e) throw new OperatorInputError('email', 'a valid email address is required');
  return operatorIdOf(e);
}

/** A new TOTP secret (replacing any earlier one): sealed into the log, its otpauth:// URI returned once. */
export async function enableTotp(deps: { store: EventStore; keyVault: KeyVault }, email: string, actor: OperatorActor): Promise<string> {
  const operatorId = idOf(email);
  const { state } = await loadOperator(deps.store, operatorId);
  if (state.status === 'none') throw new DomainError('operator_not_found', 'no operator with this email');
  const { base32, uri } = newTotpSecret(state.email!);
  const totpSealed = await sealTotpSecret(deps.keyVault, operatorId, base32);
  await run(deps.store, operatorId, { type: 'EnableOperatorTotp', data: { operatorId, totpSealed, at: actor.now.toISOString(), ...(actor.by && { by: actor.by }) } }, actor);
  return uri;
}

/** Turns TOTP off and destroys the key that sealed the secret, so no copy of the log can open it again. */
export async function disableTotp(deps: { store: EventStore; keyVault?: KeyVault }, email: string, actor: OperatorActor): Promise<void> {
  const operatorId = idOf(email);
  await run(deps.store, operatorId, { type: 'DisableOperatorTotp', data: { operatorId, at: actor.now.toISOString(), ...(actor.by && { by: actor.by }) } }, actor);
  await deps.keyVault?.destroy(totpScope(operatorId));
}

/** A new password (generated when none is given, then returned once); every session opened before ends. */
export async function setOperatorPassword(store: EventStore, email: string, password: string | undefined, actor: OperatorActor): Promise<string | undefined> {
  const operatorId = idOf(email);
  const chosen = password ?? generatePassword();
  checkPassword(chosen);
  await run(
    store,
    operatorId,
    { type: 'ChangeOperatorPassword', data: { operatorId, passwordHash: await hashSecret(chosen), at: actor.now.toISOString(), ...(actor.by && { by: actor.by }) } },
    actor,
  );
  return password === undefined ? chosen : undefined;
}

export async function setOperatorRole(store: EventStore, operatorId: string, role: OperatorRole, actor: OperatorActor): Promise<OperatorState> {
  if (!isOperatorRole(role)) throw new OperatorInputError('role', `role must be one of ${OPERATOR_ROLES.join(', ')}`);
  return (await run(store, operatorId, { type: 'ChangeOperatorRole', data: { operatorId, role, at: actor.now.toISOString(), ...(actor.by && { by: actor.by }) } }, actor)).state;
}

export async function setOperatorEnabled(store: EventStore, operatorId: string, enabled: boolean, actor: OperatorActor): Promise<OperatorState> {
  const data = { operatorId, at: actor.now.toISOString(), ...(actor.by && { by: actor.by }) };
  return (await run(store, operatorId, enabled ? { type: 'EnableOperator', data } : { type: 'DisableOperator', data }, actor)).state;
}

export { idOf as operatorIdOfEmail };
