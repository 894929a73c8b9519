import fs from 'node:fs';
import { createSqliteKeyVault } from '../../infra/sqlite/keyVault.ts';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { createApi } from '../../api/app.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { silentLogger } from '../../infra/logger.ts';
import { loadConfig } from '../config.ts';

/** The committed output, in the client package's source; tests/api/client.test.ts fails when it differs from a fresh generation. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../packages/client/src/schema.ts', import.meta.url));

const HEADER = `/**
 * Generated from the API's /openapi.json by openapi-typescript (npm run client:generate).
 * Do not edit: change api/openapi.ts (or openapiSchemas.ts) and regenerate.
 */

`;

/** The document exactly as a running API serves it, fetched from createApi in this process. */
export async function servedDocument(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-openapi-'));
  const store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  // A fixed public URL: the document names it in `servers`, and the generation must not depend on the machine.
  const config = loadConfig({ NOTIFY_DATA_DIR: dir, TRACKING_SECRET: 'openapi-generation', PUBLIC_URL: 'http://localhost:3000', OPS_PORT: '0' });
  const keyVault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
  const app = createApi({ eventStore: store, keyVault, config: { ...config, trackingSecret: 'openapi-generation' }, logger: silentLogger });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`);
    if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await new Promise((r) => server.close(r));
    await store.close();
    await keyVault.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The TypeScript source of app/client/schema.ts: deterministic (same document, same bytes). */
export async function generateSchemaSource(document?: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(structuredClone(document ?? (await servedDocument())) as unknown as OpenAPI3, {
    alphabetize: true,
    emptyObjectsUnknown: true,
  });
  return HEADER + astToString(ast);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(SCHEMA_FILE, await generateSchemaSource());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
