import type { Command } from 'commander';
import { Option } from 'commander';
import { isDomainError } from '../../domain/errors.ts';
import { OPERATOR_ROLES, type OperatorRole } from '../../domain/events.ts';
import {
  createOperator,
  disableTotp,
  enableTotp,
  isOperatorRole,
  operatorIdOfEmail,
  OperatorInputError,
  setOperatorEnabled,
  setOperatorPassword,
  setOperatorRole,
} from '../../commands/operators.ts';
import type { EventStore, RecordedEvent } from '../../infra/eventStore/port.ts';
import type { KeyVault } from '../../infra/keyVault/port.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import { createKeyVault } from '../../infra/stores/keyVault.ts';
import { accounts, type AccountDoc } from '../../projections/accounts.ts';
import type { EventOf } from '../../projections/readModel.ts';
import { loadConfig } from '../config.ts';

/**
 * `notify operators ...`: the console's accounts, from the host (nobody can sign in before the
 * first admin exists, so this is where it comes from). stdout carries exactly one JSON line, as
 * `apps create` does; a generated password and a TOTP URI are printed this once and never stored
 * in clear (scrypt hash; TOTP secret sealed with a key-vault key). Actions from here carry no
 * operator (`by`): the audit page shows them as the CLI's.
 */
async function withStores<T>(run: (s: { store: EventStore; keyVault: KeyVault }) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const keyVault = await createKeyVault(config);
  const store = await createEventStore(config, undefined, keyVault);
  try {
    return await run({ store, keyVault });
  } finally {
    await store.close();
    await keyVault.close();
  }
}

function explain(e: unknown): never {
  if (isDomainError(e, 'operator_not_found')) throw new Error('no operator with this email (notify operators list shows them)');
  if (isDomainError(e, 'already_exists')) throw new Error('an operator with this email already exists');
  if (e instanceof OperatorInputError) throw new Error(`${e.field}: ${e.message}`);
  throw e;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const print = (value: unknown) => void process.stdout.write(`${JSON.stringify(value)}\n`);
const roleOption = () => new Option('--role <role>', 'viewer (reads), operator (also redrives and cancels), admin (also manages apps and operators)').choices([...OPERATOR_ROLES]);
const now = () => ({ now: new Date() });

/** Every operator as the log has them now (the read model may lag, or not run at all on this host). */
async function listOperators(store: EventStore): Promise<AccountDoc[]> {
  const docs = new Map<string, AccountDoc>();
  const types = accounts.handles.filter((t) => t.startsWith('Operator'));
  await new Promise<void>((resolve, reject) => {
    const sub = store.subscribe({
      types,
      personalData: false,
      onEvent: (event: RecordedEvent) => {
        const e = event as EventOf<(typeof types)[number]>;
        const id = accounts.ids(e)[0]!;
        const next = accounts.evolve(docs.get(id), e, id);
        if (next) docs.set(id, next);
      },
      onError: reject,
    });
    sub.caughtUp.then(() => sub.close()).then(resolve, reject);
  });
  return [...docs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function addOperatorsCommands(program: Command): void {
  const ops = program.command('operators').description("manage the console's operator accounts (roles: viewer, operator, admin)");
  ops
    .command('create <email>')
    .description('create an operator; prints {"operatorId","email","role","password"[,"totpUri"]} as one JSON line (a generated password is not shown again)')
    .addOption(roleOption().makeOptionMandatory())
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--totp', 'also require a TOTP code at sign-in; prints the otpauth:// URI to scan (once)')
    .action(async (email: string, opts: { role: OperatorRole; passwordStdin?: boolean; totp?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : undefined;
      const created = await withStores((s) =>
        createOperator(s, { email, role: opts.role, ...(password !== undefined && { password }), ...(opts.totp && { totp: true }) }, now()).catch(explain),
      );
      print(created);
    });
  ops
    .command('list')
    .description('every operator: email, role, status, whether TOTP is on (one JSON line)')
    .action(async () => {
      const list = await withStores(({ store }) => listOperators(store));
      print(list.map(({ id, name, role, status, totp, createdAt }) => ({ operatorId: id, email: name, role, status, totp, createdAt })));
    });
  ops
    .command('role <email> <role>')
    .description(`set an operator's role (${OPERATOR_ROLES.join(', ')}); applies to their open sessions at once`)
    .action(async (email: string, role: string) => {
      if (!isOperatorRole(role)) throw new Error(`role must be one of ${OPERATOR_ROLES.join(', ')}`);
      const state = await withStores(({ store }) => setOperatorRole(store, operatorIdOfEmail(email), role, now()).catch(explain));
      print({ email: state.email, role: state.role });
    });
  for (const [name, enabled, what] of [
    ['disable', false, 'disable an operator: their sessions end at once and they cannot sign in'],
    ['enable', true, 'enable a disabled operator again'],
  ] as const) {
    ops
      .command(`${name} <email>`)
      .description(what)
      .action(async (email: string) => {
        const state = await withStores(({ store }) => setOperatorEnabled(store, operatorIdOfEmail(email), enabled, now()).catch(explain));
        print({ email: state.email, status: state.status });
      });
  }
  ops
    .command('password <email>')
    .description("set a new password (generated and printed once, or --password-stdin); the operator's sessions end")
    .option('--password-stdin', 'read the password from stdin')
    .action(async (email: string, opts: { passwordStdin?: boolean }) => {
      const given = opts.passwordStdin ? await readStdin() : undefined;
      const generated = await withStores(({ store }) => setOperatorPassword(store, email, given, now()).catch(explain));
      print({ email, ...(generated !== undefined && { password: generated }) });
    });
  ops
    .command('totp <email>')
    .description('turn on TOTP with a new secret and print its otpauth:// URI once (scan it into an authenticator app); --off turns it off')
    .option('--off', 'turn TOTP off (and destroy the key that sealed the secret)')
    .action(async (email: string, opts: { off?: boolean }) => {
      if (opts.off) {
        await withStores((s) => disableTotp(s, email, now()).catch(explain));
        print({ email, totp: false });
        return;
      }
      const totpUri = await withStores((s) => enableTotp(s, email, now()).catch(explain));
      print({ email, totp: true, totpUri });
    });
}
