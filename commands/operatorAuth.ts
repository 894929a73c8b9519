import { randomBytes } from 'node:crypto';
import type { OperatorRole } from '../domain/events.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import { hashSecret, verifySecret } from './apps.ts';
import { loadOperator, normaliseEmail, operatorIdOf } from './operators.ts';
import { openTotpSecret, totpStep } from './operatorTotp.ts';
import { createTokenBuckets } from './tokenBucket.ts';

/**
 * Operator sign-in: email + password (+ TOTP code when the operator enabled it). Guessing is
 * limited twice, both counting failures only: per client address (many accounts from one place)
 * and per account (one account from many places). Past either limit the answer is 429 with the
 * wait, before any scrypt runs, so a flood costs the server nothing. An unknown or disabled
 * account costs the same scrypt as a wrong password: timing does not tell which accounts exist.
 */
export type OperatorSignIn =
  | { ok: true; operatorId: string; email: string; role: OperatorRole; generation: number }
  | { ok: false; reason: 'invalid' | 'totp_required' | 'totp_invalid' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number };

export interface OperatorAuthOptions {
  /** Failed sign-ins one client may make per `windowSeconds`. */
  perClient: { max: number; windowSeconds: number };
  /** Failed sign-ins one account may take per `windowSeconds`, from anywhere. */
  perAccount: { max: number; windowSeconds: number };
  /** Records a TOTP time step as used; false when it was used before (a replayed code). */
  claimTotpStep: (operatorId: string, step: number) => Promise<boolean>;
  now?: () => number;
}

export const DEFAULT_SIGN_IN_LIMITS = { perClient: { max: 20, windowSeconds: 300 }, perAccount: { max: 10, windowSeconds: 900 } } as const;

export interface OperatorAuthenticator {
  signIn(input: { email: string; password: string; totp?: string }, client: string): Promise<OperatorSignIn>;
}

export function createOperatorAuthenticator(store: EventStore, keyVault: KeyVault | undefined, options: OperatorAuthOptions): OperatorAuthenticator {
  const now = options.now ?? (() => Date.now());
  const buckets = (l: { max: number; windowSeconds: number }) => createTokenBuckets(l.max / l.windowSeconds, l.max, now, 10_000);
  const byClient = buckets(options.perClient);
  const byAccount = buckets(options.perAccount);
  // Made once, lazily: the same cost as a real hash for accounts that do not exist.
  let dummy: Promise<string> | undefined;

  return {
    async signIn(input, client) {
      const email = normaliseEmail(input.email) ?? '';
      const account = email || input.email.slice(0, 254);
      const wait = Math.max(byClient.peek(client), byAccount.peek(account));
      if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
      const fail = (reason: 'invalid' | 'totp_invalid'): OperatorSignIn => {
        byClient.take(client);
        byAccount.take(account);
        return { ok: false, reason };
      };
      const operatorId = email ? operatorIdOf(email) : undefined;
      const { state } = operatorId ? await loadOperator(store, operatorId) : { state: undefined };
      const live = state?.status === 'active' && state.passwordHash !== undefined;
      const hash = live ? state.passwordHash! : await (dummy ??= hashSecret(randomBytes(16).toString('hex')));
      const matches = await verifySecret(input.password.slice(0, 1024), hash);
      if (!matches || !live || !operatorId) return fail('invalid');
      if (state.totpSealed !== undefined) {
        if (input.totp === undefined || input.totp === '') return { ok: false, reason: 'totp_required' };
        const secret = keyVault ? await openTotpSecret(keyVault, operatorId, state.totpSealed) : undefined;
        const at = now();
        const step = secret === undefined ? undefined : totpStep(secret, input.totp.trim(), at);
        if (step === undefined || !(await options.claimTotpStep(operatorId, step))) return fail('totp_invalid');
      }
      return { ok: true, operatorId, email: state.email!, role: state.role!, generation: state.generation };
    },
  };
}
