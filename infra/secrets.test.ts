import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from './secrets.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadOrCreateSecret', () => {
  it('makes a random hex secret once, keeps it 0600 in a 0700 dir, and returns the same one after', () => {
    const dir = tempDir();
    const a = loadOrCreateSecret(dir, 'notify-id-key');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(loadOrCreateSecret(dir, 'notify-id-key')).toBe(a);
    expect(fs.statSync(path.join(dir, 'secrets', 'notify-id-key')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(loadOrCreateSecret(tempDir(), 'notify-id-key')).not.toBe(a);
    expect(loadOrCreateSecret(dir, 'other', 16)).toMatch(/^[0-9a-f]{32}$/);
    expect(fs.readdirSync(path.join(dir, 'secrets')).sort()).toEqual(['notify-id-key', 'other']);
  });

  it('refuses a name that could leave the directory and a file that holds no secret', () => {
    const dir = tempDir();
    expect(() => loadOrCreateSecret(dir, '../escape')).toThrow(/secret name/);
    fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'secrets', 'broken'), '');
    expect(() => loadOrCreateSecret(dir, 'broken')).toThrow(/does not hold a hex secret/);
  });
});
