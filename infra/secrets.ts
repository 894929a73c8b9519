import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * An installation secret kept in the data directory: read when there, otherwise made once from
 * the system's random source. `<dir>/secrets/<name>` holds it as hex, mode 0600 in a 0700 dir.
 * Several processes starting at once agree on one value: each writes its own temp file and
 * link()s it into place, which fails when another got there first; everyone then reads the winner.
 */
export function loadOrCreateSecret(dir: string, name: string, bytes = 32): string {
  if (!NAME.test(name)) throw new Error(`secret name "${name}" must be 1-64 of a-z 0-9 _ . - (starting with a letter or digit)`);
  if (!Number.isInteger(bytes) || bytes < 16) throw new Error(`secret ${name}: at least 16 bytes, got ${bytes}`);
  const secretsDir = path.join(dir, 'secrets');
  fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored for an existing dir: set it explicitly.
  fs.chmodSync(secretsDir, 0o700);
  const file = path.join(secretsDir, name);
  const existing = readSecret(file);
  if (existing !== undefined) return existing;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, `${randomBytes(bytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
  } catch (e) {
    if (!(e instanceof Error && 'code' in e && e.code === 'EEXIST')) throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const created = readSecret(file);
  if (created === undefined) throw new Error(`secret ${name}: ${file} is empty or unreadable`);
  return created;
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
  const value = text.trim();
  if (!/^[0-9a-f]{32,}$/.test(value)) throw new Error(`${file} does not hold a hex secret: remove it to have a new one made, or restore the old one`);
  return value;
}
