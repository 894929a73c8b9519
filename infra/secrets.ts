import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret the embedded mode generates once and keeps: `<dir>/secrets/<name>` (hex), the file 0600
 * in a 0700 directory. Written to a temporary file and hard-linked into place (which fails if the
 * name exists), so two processes starting together agree on one value and never read a half file.
 */
export function loadOrCreateSecret(dir: string, name: string, bytes = 32): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new Error(`bad secret name "${name}"`);
  const secretsDir = path.join(dir, 'secrets');
  fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(secretsDir, 0o700);
  const file = path.join(secretsDir, name);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, randomBytes(bytes).toString('hex'), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  fs.chmodSync(file, 0o600);
  const value = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]+$/.test(value) || value.length < 32) throw new Error(`${file} does not hold a hex secret`);
  return value;
}
