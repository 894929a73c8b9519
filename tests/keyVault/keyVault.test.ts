import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyVault } from '../../infra/keyVault/port.ts';
import { createPostgresKeyVault } from '../../infra/postgres/keyVault.ts';
import { createSqliteKeyVault } from '../../infra/sqlite/keyVault.ts';

/** One contract for every KeyVault adapter: the embedded SQLite file and a real PostgreSQL (own database, dropped after). */
function contract(name: string, make: () => Promise<{ vault: KeyVault; reopen: () => Promise<KeyVault> }>) {
  describe(`KeyVault: ${name}`, () => {
    it('makes one random 32-byte key per scope, the same one for every caller, and another per scope', async () => {
      const { vault, reopen } = await make();
      const [a, b] = await Promise.all([vault.getOrCreate('app-u1'), vault.getOrCreate('app-u1')]);
      expect(a.key).toHaveLength(32);
      expect(b).toEqual(a);
      const other = await vault.getOrCreate('app-u2');
      expect(other.key.equals(a.key)).toBe(false);
      expect(other.kid).not.toBe(a.kid);
      const second = await reopen();
      expect(await second.getOrCreate('app-u1')).toEqual(a);
      await second.close();
      await vault.close();
    });

    it('reads many at once, absent scopes simply missing', async () => {
      const { vault } = await make();
      const a = await vault.getOrCreate('s-a');
      const b = await vault.getOrCreate('s-b');
      const got = await vault.getMany(['s-a', 's-b', 's-none', 's-a']);
      expect([...got.keys()].sort()).toEqual(['s-a', 's-b']);
      expect(got.get('s-a')).toEqual(a);
      expect(got.get('s-b')).toEqual(b);
      expect((await vault.getMany([])).size).toBe(0);
      await vault.close();
    });

    it('destroys a key for good: gone for every reader, and a key made later has another id', async () => {
      const { vault, reopen } = await make();
      const old = await vault.getOrCreate('gone');
      await vault.getOrCreate('kept');
      expect(await vault.destroy('gone')).toBe(true);
      expect(await vault.destroy('gone')).toBe(false);
      const second = await reopen();
      expect((await second.getMany(['gone', 'kept'])).has('gone')).toBe(false);
      expect((await second.getMany(['gone', 'kept'])).has('kept')).toBe(true);
      const fresh = await vault.getOrCreate('gone');
      expect(fresh.kid).not.toBe(old.kid);
      expect(fresh.key.equals(old.key)).toBe(false);
      await second.close();
      await vault.close();
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

contract('SQLite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyvault-'));
  dirs.push(dir);
  const file = path.join(dir, 'keys.sqlite');
  return { vault: createSqliteKeyVault(file), reopen: async () => createSqliteKeyVault(file) };
});

describe('KeyVault: SQLite file', () => {
  it('is 0600, and a destroyed key is not left in the file or its WAL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyvault-'));
    dirs.push(dir);
    const file = path.join(dir, 'keys.sqlite');
    const vault = createSqliteKeyVault(file);
    const { key } = await vault.getOrCreate('erase-me');
    const kept = await vault.getOrCreate('keep-me');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    await vault.destroy('erase-me');
    const bytes = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)));
    expect(bytes.some((b) => b.includes(key))).toBe(false);
    expect(bytes.some((b) => b.includes(kept.key))).toBe(true);
    await vault.close();
  });
});

// PostgreSQL at 127.0.0.1:5432 (user postgres, trust), or PG_TEST_URL: a database of its own per run.
const adminUrl = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `notify_keyvault_${randomBytes(6).toString('hex')}`;
let pgUrl: string | undefined;
beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    pgUrl = u.toString();
  } catch {
    pgUrl = undefined;
  } finally {
    await admin.end().catch(() => {});
  }
});
afterAll(async () => {
  if (!pgUrl) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

let tableSeq = 0;
contract('PostgreSQL', async () => {
  if (!pgUrl) throw new Error(`PostgreSQL not reachable at ${adminUrl}`);
  const url = pgUrl;
  const table = `keys_${tableSeq++}`;
  return { vault: await createPostgresKeyVault(url, table), reopen: () => createPostgresKeyVault(url, table) };
});

describe('key vault: PostgreSQL, many processes starting at once', () => {
  it('four vaults opened at the same moment on a fresh table all start (the table is made once)', async () => {
    if (!pgUrl) throw new Error(`PostgreSQL not reachable at ${adminUrl}`);
    const table = `keys_race_${tableSeq++}`;
    const vaults = await Promise.all(Array.from({ length: 4 }, () => createPostgresKeyVault(pgUrl!, table)));
    const keys = await Promise.all(vaults.map((v) => v.getOrCreate('user:race')));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    for (const v of vaults) await v.close();
  });
});
