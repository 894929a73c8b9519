// Builds dist/ from src/: tsc emits the JavaScript and the .d.ts files, then the relative `.ts`
// specifiers tsc leaves in declaration files (it rewrites them in JavaScript only:
// microsoft/TypeScript#61037) become `.js`, so every tool and editor resolves them.
// `node build.mjs [outDir]` (default dist/); the platform's tests build into a temp dir and compare.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, 'dist'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// From scratch: a file deleted from src/ must not linger in dist/.
fs.rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json'), '--outDir', outDir], { stdio: 'inherit' });
for (const file of fs.readdirSync(outDir)) {
  if (!file.endsWith('.d.ts')) continue;
  const full = path.join(outDir, file);
  const text = fs.readFileSync(full, 'utf8');
  fs.writeFileSync(full, text.replace(/(\bfrom\s+|\bimport\(\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
}
