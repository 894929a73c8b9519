import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envVars } from '../../app/config.ts';
import { CONFIG_DOCS_FILE, renderConfigDocs } from '../../app/configDocs.ts';

describe('docs/configuration.md', () => {
  it('is what the schema renders (run `npm run docs:config` after changing app/config.ts)', () => {
    expect(readFileSync(CONFIG_DOCS_FILE, 'utf8')).toBe(renderConfigDocs());
  });

  it('lists every variable once, with its default and whether it is secret', () => {
    const docs = renderConfigDocs();
    for (const v of envVars()) {
      const rows = docs.split('\n').filter((line) => line.startsWith(`| \`${v.name}\` |`));
      expect(rows, v.name).toHaveLength(1);
      if (v.default !== undefined) expect(rows[0], v.name).toContain(v.default);
      expect(rows[0]!.split('|')[3]!.trim() !== '', v.name).toBe(v.secret !== undefined);
    }
    expect(docs).toContain('| `PORT` | `3000` |  |');
    expect(docs).toContain('| `TRACKING_SECRET` |  | yes |');
    expect(docs).toContain('| `AMQP_URL` | `amqp://guest:guest@127.0.0.1:5672` | password in URL |');
  });
});
