import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../simulator/index.ts';
import { startE2ePlatform, waitFor, type E2ePlatform } from '../helpers/e2e.ts';

/**
 * packages/client as another project gets it: `npm pack`, then `npm install --offline <tarball>`
 * into a scratch project outside the repository (offline works because it has no dependency),
 * type-checked there without Node's types, and run there against a running platform whose
 * simulator must receive the email. Also: the committed dist/ is what src/ builds to.
 */
const root = path.resolve(import.meta.dirname, '../..');
const pkgDir = path.join(root, 'packages', 'client');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-client-pkg-'));
const project = path.join(scratch, 'consumer');
let platform: E2ePlatform | undefined;

/** This Node first on PATH, and no npm_* variables from an `npm test` parent leaking into the child's config. */
const env = Object.fromEntries(Object.entries({ ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` }).filter(([k]) => !/^npm_/i.test(k)));
const run = (cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> => spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
const ok = (r: SpawnSyncReturns<string>) => expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);

beforeAll(async () => {
  platform = await startE2ePlatform('client-package', {});
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the client package', () => {
  it('dist/ is what src/ builds to (it is committed so that packing needs no build step)', () => {
    const fresh = path.join(scratch, 'fresh-dist');
    ok(run(process.execPath, [path.join(pkgDir, 'build.mjs'), fresh], root));
    const committed = path.join(pkgDir, 'dist');
    // Declarations name the emitted .js files, not sources that are not shipped.
    for (const file of fs.readdirSync(fresh).filter((f) => f.endsWith('.d.ts')))
      expect(fs.readFileSync(path.join(fresh, file), 'utf8'), file).not.toMatch(/from\s+['"]\.{1,2}\/[^'"]+\.ts['"]/);
    expect(fs.readdirSync(committed).sort()).toEqual(fs.readdirSync(fresh).sort());
    for (const file of fs.readdirSync(fresh)) {
      expect(fs.readFileSync(path.join(committed, file), 'utf8'), `packages/client/dist/${file} is stale: run \`npm run client:build\``).toBe(
        fs.readFileSync(path.join(fresh, file), 'utf8'),
      );
    }
  }, 120_000);

  it('packs to JS + .d.ts with an exports map and no dependency, installs offline into a scratch project, type-checks there and calls a running platform', async () => {
    const packed = run('npm', ['pack', '--json', '--pack-destination', scratch], pkgDir);
    ok(packed);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path).sort();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'dist/index.d.ts', 'dist/index.js', 'dist/client.js', 'dist/retry.js', 'dist/schema.d.ts', 'package.json']));
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json')).toEqual([]);

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    ok(run('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(scratch, info!.filename)], project));
    const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', '@notify-platform', 'client', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed).toMatchObject({ type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } });
    expect(installed.dependencies ?? {}).toEqual({});
    expect(installed.peerDependencies ?? {}).toEqual({});
    // Nothing else came with it.
    expect(fs.readdirSync(path.join(project, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['@notify-platform']);

    // Types: resolved through `exports`, with DOM's fetch types and none of Node's.
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], strict: true, noEmit: true },
        include: ['check.ts'],
      }),
    );
    fs.writeFileSync(
      path.join(project, 'check.ts'),
      [
        "import { createClient, ApiError, type RetryOptions } from '@notify-platform/client';",
        "const api = createClient({ baseUrl: 'http://x', appKey: 'k', appSecret: 's', retry: { retries: 1 } satisfies RetryOptions });",
        'export async function f(): Promise<string> {',
        "  const n = await api.get('/v1/notifications/{id}', { path: { id: 'x' } });",
        '  // @ts-expect-error the path parameter is `id`',
        "  await api.get('/v1/notifications/{id}', { path: { idx: 'x' } });",
        '  // @ts-expect-error eventId, userId and templateId are required',
        "  await api.post('/v1/notifications', { body: {} });",
        '  return n.status + String(ApiError.name);',
        '}',
      ].join('\n'),
    );
    ok(run(process.execPath, [tsc, '-p', project], project));

    const api = platform!.api;
    fs.writeFileSync(
      path.join(project, 'main.mjs'),
      `import { createClient, ApiError } from '@notify-platform/client';
const [baseUrl, appKey, appSecret] = process.argv.slice(2);
const api = createClient({ baseUrl, appKey, appSecret });
await api.put('/v1/users/{userId}', { path: { userId: 'pat' }, body: { email: 'pat@example.com' } });
await api.put('/v1/templates/{templateId}', { path: { templateId: 'packed' }, body: { email: { subject: 'Hi {{ name }}', html: '<p>Hello {{ name }}, from a packed client</p>' } } });
const request = { eventId: 'packed-1', userId: 'pat', templateId: 'packed', params: { name: 'Pat' } };
const first = await api.post('/v1/notifications', { body: request });
const again = await api.post('/v1/notifications', { body: request });
const missing = await api.get('/v1/notifications/{id}', { path: { id: 'nope' } }).catch((e) => ({ apiError: e instanceof ApiError, status: e.status }));
console.log(JSON.stringify({ first, again, missing }));
`,
    );
    // Asynchronously: the platform answers from this very process, which spawnSync would block.
    const main = await promisify(execFile)(process.execPath, ['main.mjs', api.url, api.appKey, api.appSecret], { cwd: project, env, encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(main.stdout) as { first: { notifications: Array<{ id: string; channel: string }> }; again: typeof out.first; missing: unknown };
    expect(out.first.notifications.map((n) => n.channel)).toEqual(['email']);
    expect(
      out.again.notifications.map((n) => n.id),
      'the same eventId answers the same notification',
    ).toEqual(out.first.notifications.map((n) => n.id));
    expect(out.missing).toEqual({ apiError: true, status: 404 });

    const id = out.first.notifications[0]!.id;
    const email = await waitFor(`email ${id} in the simulator`, async () =>
      (await platform!.sim.messages('email')).messages.find((m: SimMessage) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
    );
    expect(email.content.html).toContain('Hello Pat, from a packed client');
    expect(
      (await platform!.sim.messages('email')).messages.filter((m: SimMessage) => (m.content.customArgs as { notificationId?: string } | undefined)?.notificationId === id),
    ).toHaveLength(1);
  }, 180_000);
});
