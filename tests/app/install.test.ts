import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A production install needs neither Python nor a compiler (a node:24-bookworm-slim image has
 * neither): `npm ci --omit=dev` from the committed lockfile and .npmrc, with every python* hidden
 * from PATH, must succeed, and better-sqlite3 must then open a database from its shipped prebuild.
 * Without .npmrc's ignore-scripts, npm runs `node-gyp rebuild` for better-sqlite3 and fails with
 * `gyp ERR! find Python`.
 */
const root = path.resolve(import.meta.dirname, '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-install-'));

/** A bin folder with every command of the system's, Python's aside, and this Node first. */
function pathWithoutPython(): string {
  const bin = path.join(scratch, 'bin');
  fs.mkdirSync(bin);
  for (const dir of ['/usr/local/bin', '/usr/bin']) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^(python|pip|pyenv)/.test(name) || fs.existsSync(path.join(bin, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return `${path.dirname(process.execPath)}:${bin}`;
}

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('a production install', () => {
  it('needs no Python: npm ci --omit=dev passes with python hidden, and SQLite opens', () => {
    const app = path.join(scratch, 'app');
    fs.mkdirSync(app);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) fs.copyFileSync(path.join(root, file), path.join(app, file));
    // The npm workspaces (packages/*) are part of the lockfile: npm ci needs their manifests, as the image's deps stage does.
    for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
      fs.mkdirSync(path.join(app, 'packages', pkg), { recursive: true });
      fs.copyFileSync(path.join(root, 'packages', pkg, 'package.json'), path.join(app, 'packages', pkg, 'package.json'));
    }
    const env = { ...process.env, PATH: pathWithoutPython() };
    // The test would prove nothing if Python were still reachable.
    expect(spawnSync('sh', ['-c', 'command -v python3 || command -v python'], { env }).status).not.toBe(0);

    const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env, encoding: 'utf8', timeout: 280_000 });
    expect(install.stderr + install.stdout, 'npm ci output').not.toMatch(/gyp ERR/);
    expect(install.status).toBe(0);

    const probe = "const D = require('better-sqlite3'); console.log(JSON.stringify(new D(':memory:').prepare('select 41 + 1 as x').get()))";
    expect(execFileSync(process.execPath, ['-e', probe], { cwd: app, env, encoding: 'utf8' }).trim()).toBe('{"x":42}');
    expect(fs.existsSync(path.join(app, 'node_modules', 'better-sqlite3', 'build'))).toBe(false);
  }, 300_000);
});
