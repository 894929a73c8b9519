import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streams } from '../domain/streams.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { KeyVault } from '../infra/keyVault/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { createSqliteKeyVault } from '../infra/sqlite/keyVault.ts';
import { createOperatorAuthenticator } from './operatorAuth.ts';
import { createOperator, disableTotp, enableTotp, normaliseEmail, operatorIdOf, setOperatorEnabled, setOperatorPassword } from './operators.ts';
import { newTotpSecret, openTotpSecret, sealTotpSecret, totpCode, totpStep } from './operatorTotp.ts';

let dir: string;
let store: EventStore;
let keyVault: KeyVault;
let clock: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-operators-'));
  store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  keyVault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
  clock = Date.parse('2026-06-01T12:00:00.000Z');
});
afterEach(async () => {
  await store.close();
  await keyVault.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const now = () => ({ now: new Date(clock) });
function authenticator(limits = { max: 100, windowSeconds: 60 }) {
  const used = new Set<string>();
  return createOperatorAuthenticator(store, keyVault, {
    perClient: limits,
    perAccount: limits,
    claimTotpStep: async (id, step) => !used.has(`${id}:${step}`) && Boolean(used.add(`${id}:${step}`)),
    now: () => clock,
  });
}
/** The log's text: what a copy of the database would show. */
const logText = async (email: string) => JSON.stringify(await store.readStream(streams.operator(operatorIdOf(email))));

describe('passwords', () => {
  it('a generated password is returned once and only its salted scrypt hash is in the log; sign-in compares it', async () => {
    const a = await createOperator({ store }, { email: ' Ada@Example.COM ', role: 'admin' }, now());
    const b = await createOperator({ store }, { email: 'bob@example.com', role: 'viewer', password: a.password! }, now());
    expect(a.email).toBe('ada@example.com');
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(b.password).toBeUndefined();
    const text = await logText('ada@example.com');
    expect(text).not.toContain(a.password);
    const hashA = JSON.parse(text)[0].data.passwordHash as string;
    const hashB = JSON.parse(await logText('bob@example.com'))[0].data.passwordHash as string;
    expect(hashA).toMatch(/^scrypt\$/);
    // Same password, different salts: different hashes.
    expect(hashA.split('$')[4]).not.toBe(hashB.split('$')[4]);
    expect(hashA).not.toBe(hashB);
    const auth = authenticator();
    expect(await auth.signIn({ email: 'ADA@example.com', password: a.password! }, 'c')).toMatchObject({ ok: true, role: 'admin', email: 'ada@example.com' });
    expect(await auth.signIn({ email: 'ada@example.com', password: `${a.password!}x` }, 'c')).toEqual({ ok: false, reason: 'invalid' });
    expect(await auth.signIn({ email: 'nobody@example.com', password: a.password! }, 'c')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses short passwords, bad emails and roles', async () => {
    await expect(createOperator({ store }, { email: 'x@example.com', role: 'admin', password: 'short' }, now())).rejects.toMatchObject({ field: 'password' });
    await expect(createOperator({ store }, { email: 'not-an-email', role: 'admin' }, now())).rejects.toMatchObject({ field: 'email' });
    await expect(createOperator({ store }, { email: 'x@example.com', role: 'root' as 'admin' }, now())).rejects.toMatchObject({ field: 'role' });
    expect(normaliseEmail('a b@example.com')).toBeUndefined();
  });

  it('a disabled operator, or an old password after a reset, signs in no more', async () => {
    const a = await createOperator({ store }, { email: 'ada@example.com', role: 'operator' }, now());
    const fresh = await setOperatorPassword(store, 'ada@example.com', undefined, now());
    const auth = authenticator();
    expect(await auth.signIn({ email: 'ada@example.com', password: a.password! }, 'c')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await auth.signIn({ email: 'ada@example.com', password: fresh! }, 'c')).toMatchObject({ ok: true });
    await setOperatorEnabled(store, a.operatorId, false, now());
    expect(await auth.signIn({ email: 'ada@example.com', password: fresh! }, 'c')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('failures past the per-account limit answer throttled with the wait, from any client, before any scrypt; a success does not count', async () => {
    const a = await createOperator({ store }, { email: 'ada@example.com', role: 'viewer' }, now());
    const auth = authenticator({ max: 3, windowSeconds: 60 });
    expect(await auth.signIn({ email: 'ada@example.com', password: a.password! }, 'c1')).toMatchObject({ ok: true });
    for (const client of ['c1', 'c2', 'c3']) expect(await auth.signIn({ email: 'ada@example.com', password: 'wrong-password!' }, client)).toMatchObject({ reason: 'invalid' });
    const refused = await auth.signIn({ email: 'ada@example.com', password: a.password! }, 'c4');
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    clock += 60_000;
    expect(await auth.signIn({ email: 'ada@example.com', password: a.password! }, 'c4')).toMatchObject({ ok: true });
  });
});

describe('TOTP', () => {
  it('the secret is sealed in the log (never in clear) and opens only with its operator key', async () => {
    const a = await createOperator({ store, keyVault }, { email: 'ada@example.com', role: 'admin', totp: true }, now());
    const secret = new URL(a.totpUri!).searchParams.get('secret')!;
    expect(a.totpUri).toMatch(/^otpauth:\/\/totp\/notify:ada%40example\.com\?/);
    const text = await logText('ada@example.com');
    expect(text).not.toContain(secret);
    const sealed = (JSON.parse(text) as Array<{ type: string; data: { totpSealed?: string } }>).find((e) => e.type === 'OperatorTotpEnabled')!.data.totpSealed!;
    expect(await openTotpSecret(keyVault, a.operatorId, sealed)).toBe(secret);
    // Bound to its operator: another operator's id does not open it.
    expect(await openTotpSecret(keyVault, operatorIdOf('eve@example.com'), sealed)).toBeUndefined();
    await disableTotp({ store, keyVault }, 'ada@example.com', now());
    expect(await openTotpSecret(keyVault, a.operatorId, sealed)).toBeUndefined();
  });

  it('a code is valid one step either side; sign-in needs it, refuses a wrong one and a replayed one', async () => {
    const { base32 } = newTotpSecret('x@example.com');
    const t = Date.parse('2026-06-01T12:00:10.000Z');
    expect(totpStep(base32, totpCode(base32, t), t)).toBe(Math.floor(t / 30_000));
    expect(totpStep(base32, totpCode(base32, t - 30_000), t)).toBe(Math.floor(t / 30_000) - 1);
    expect(totpStep(base32, totpCode(base32, t - 90_000), t)).toBeUndefined();
    expect(totpStep(base32, 'abcdef', t)).toBeUndefined();

    const a = await createOperator({ store, keyVault }, { email: 'ada@example.com', role: 'admin' }, now());
    const uri = await enableTotp({ store, keyVault }, 'ada@example.com', now());
    const secret = new URL(uri).searchParams.get('secret')!;
    const auth = authenticator();
    const creds = { email: 'ada@example.com', password: a.password! };
    expect(await auth.signIn(creds, 'c')).toEqual({ ok: false, reason: 'totp_required' });
    const wrong = totpCode(secret, clock) === '000000' ? '111111' : '000000';
    expect(await auth.signIn({ ...creds, totp: wrong }, 'c')).toEqual({ ok: false, reason: 'totp_invalid' });
    const code = totpCode(secret, clock);
    expect(await auth.signIn({ ...creds, totp: code }, 'c')).toMatchObject({ ok: true });
    expect(await auth.signIn({ ...creds, totp: code }, 'c')).toEqual({ ok: false, reason: 'totp_invalid' });
    // A wrong password with a right code is just a wrong password.
    clock += 30_000;
    expect(await auth.signIn({ ...creds, password: 'wrong-password!', totp: totpCode(secret, clock) }, 'c')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('sealing twice gives two different texts (random IV)', async () => {
    const id = operatorIdOf('ada@example.com');
    expect(await sealTotpSecret(keyVault, id, 'JBSWY3DPEHPK3PXP')).not.toBe(await sealTotpSecret(keyVault, id, 'JBSWY3DPEHPK3PXP'));
  });
});
