#!/usr/bin/env node
// The `notify` CLI. Node (22.18 and later) runs the TypeScript sources itself by stripping the types, so
// there is no build step to forget and no loader in production. This file stays plain JavaScript so an
// older Node can still parse it and say why it will not run. The sources only use erasable syntax
// (tsconfig `erasableSyntaxOnly`), and Node never strips types below a node_modules folder: run the
// platform from a checkout or the container image, not from an installed package.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  // The Node 24 that `npm start` / `npm test` bootstrap (scripts/ensure-node.sh): commands printed for the
  // machine's own `node` (the demo's `npx notify send ...`) run on it instead of failing.
  const { existsSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const node24 = new URL('../.tools/node24/node_modules/node/bin/node', import.meta.url).pathname;
  if (existsSync(node24)) {
    const run = spawnSync(node24, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
  console.error(
    `notify needs Node.js 22.18 or later (24 LTS recommended); this is ${process.version} at ${process.execPath}.\n` +
      'Run it through `npm start` / `npm test`, which fetch Node 24 when needed (scripts/ensure-node.sh).',
  );
  process.exit(1);
}
if (!process.features.typescript) {
  console.error("notify runs its TypeScript sources with Node's type stripping, which is switched off here (--no-experimental-strip-types?).");
  process.exit(1);
}

// Tracing starts before the CLI's module graph loads: its instrumentations patch express and amqplib on load.
const { bootTelemetry } = await import('../app/tracing.ts');
await bootTelemetry(process.argv.slice(2));
const { main } = await import('../app/cli/index.ts');
await main(process.argv);
