import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envVars, SECTIONS, type EnvVar, type Section } from './config.ts';

/** Where the rendered reference is committed (tests/app/configDocs.test.ts keeps it in step with the schema). */
export const CONFIG_DOCS_FILE = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** Literal defaults read as code; a default described in words (it has spaces) reads as prose. */
function defaultCell(v: EnvVar): string {
  if (v.default === undefined) return '';
  return v.default.includes(' ') ? cell(v.default) : `\`${v.default}\``;
}

function secretCell(v: EnvVar): string {
  if (v.secret === undefined) return '';
  return v.secret === true ? 'yes' : 'password in URL';
}

/** docs/configuration.md, from the schema in app/config.ts: one table per section. */
export function renderConfigDocs(): string {
  const vars = envVars();
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from app/config.ts by `npm run docs:config`: edit the schema, not this file. -->',
    '',
    'Every setting is an environment variable, read once at start-up by `app/config.ts` and checked there:',
    'a bad value stops start-up with an error naming the variable. A variable set to the empty string',
    'counts as unset. `notify config` prints the values in effect and where each comes from, secrets masked.',
    "A `$NAME` default is that variable's value.",
  ];
  for (const section of Object.keys(SECTIONS) as Section[]) {
    const rows = vars.filter((v) => v.section === section);
    if (rows.length === 0) continue;
    lines.push('', `## ${SECTIONS[section]}`, '', '| Variable | Default | Secret | Description |', '| --- | --- | --- | --- |');
    for (const v of rows) lines.push(`| \`${v.name}\` | ${defaultCell(v)} | ${secretCell(v)} | ${cell(v.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

// `npm run docs:config`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_DOCS_FILE, renderConfigDocs());
  process.stdout.write(`wrote ${CONFIG_DOCS_FILE}\n`);
}
