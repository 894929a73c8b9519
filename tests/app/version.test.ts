import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

describe('notify --version', () => {
  it('prints the package version', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(execFileSync(process.execPath, [path.join(root, 'bin/notify.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(version);
  });

  it("runs on the machine's own node too: an older one hands over to the bootstrapped Node 24", () => {
    const system = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => fs.existsSync(p));
    const bootstrapped = path.join(root, '.tools/node24/node_modules/node/bin/node');
    if (!system) return;
    const major = Number(execFileSync(system, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
    const run = spawnSync(system, [path.join(root, 'bin/notify.js'), '--version'], { encoding: 'utf8' });
    if (major >= 22 || fs.existsSync(bootstrapped)) {
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe(version);
    } else {
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/needs Node\.js 22\.18/);
    }
  });
});
