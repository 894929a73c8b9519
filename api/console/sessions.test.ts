import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { createSessions, type SessionRecord } from './sessions.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-sessions-'));
const stores: ProjectionStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let clock = Date.parse('2026-06-01T12:00:00.000Z');
const now = () => new Date(clock);
const record = (operatorId: string, ttlMs = 60_000): SessionRecord => ({
  operatorId,
  email: `${operatorId}@example.com`,
  generation: 1,
  createdAt: clock,
  expiresAt: clock + ttlMs,
});

const kinds = {
  'in the shared projection store': () => {
    const store = createSqliteProjectionStore(path.join(dir, `p-${stores.length}.sqlite`));
    stores.push(store);
    return createSessions(store, now);
  },
  'in memory (no projection store)': () => createSessions(undefined, now),
};

describe.each(Object.entries(kinds))('sessions %s', (_name, make) => {
  it('a token finds its record until it expires or is revoked; unknown and malformed tokens find nothing', async () => {
    const sessions = make();
    const token = await sessions.open(record('op_a'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.get(token)).toMatchObject({ operatorId: 'op_a', generation: 1 });
    expect(await sessions.get(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await sessions.get('not a token')).toBeUndefined();
    await sessions.selectApp(token, 'app_1');
    expect((await sessions.get(token))?.appId).toBe('app_1');
    await sessions.revoke(token);
    expect(await sessions.get(token)).toBeUndefined();

    const short = await sessions.open(record('op_a', 1000));
    clock += 1000;
    expect(await sessions.get(short)).toBeUndefined();
  });

  it("revoking an operator ends every session of theirs and no one else's", async () => {
    const sessions = make();
    const a1 = await sessions.open(record('op_x'));
    const a2 = await sessions.open(record('op_x'));
    const b = await sessions.open(record('op_y'));
    expect(await sessions.revokeOperator('op_x')).toBe(2);
    expect(await sessions.get(a1)).toBeUndefined();
    expect(await sessions.get(a2)).toBeUndefined();
    expect(await sessions.get(b)).toMatchObject({ operatorId: 'op_y' });
  });

  it('a TOTP step is claimed once per operator', async () => {
    const sessions = make();
    expect(await sessions.claimTotpStep('op_x', 100)).toBe(true);
    expect(await sessions.claimTotpStep('op_x', 100)).toBe(false);
    expect(await sessions.claimTotpStep('op_y', 100)).toBe(true);
    expect(await sessions.claimTotpStep('op_x', 101)).toBe(true);
  });
});

it('the store keeps only a hash of the token: the cookie value is nowhere in the file', async () => {
  const file = path.join(dir, 'hash.sqlite');
  const store = createSqliteProjectionStore(file);
  const token = await createSessions(store, now).open(record('op_h'));
  await store.close();
  const bytes = Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('hash.sqlite'))
      .map((f) => fs.readFileSync(path.join(dir, f))),
  );
  expect(bytes.includes(token)).toBe(false);
});
