import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../testkit/procs.ts';

describe('testkit', () => {
  it('finds the repository it runs from (the fault suite and the scale-out tests start bin/notify.js from there)', () => {
    expect(REPO).toBe(path.resolve(import.meta.dirname, '../..'));
    expect(fs.existsSync(path.join(REPO, 'bin', 'notify.js'))).toBe(true);
  });
});
