import type { Command } from 'commander';
import { isDomainError } from '../../domain/errors.ts';
import { loadClientConfig, loadConfig, type Config } from '../config.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { APP_KEY_PATTERN, createApp, revokeApp, rotateAppSecret } from '../../commands/apps.ts';

/**
 * `notify apps create|rotate|revoke`. stdout carries exactly one JSON line (scripts parse it);
 * the secret is shown once and only its scrypt hash is stored.
 */
interface StoreOptions {
  /** --data-dir: the embedded stores' directory, over NOTIFY_DATA_DIR (the demo prints its own). */
  dataDir?: string;
}

function appsConfig(opts: StoreOptions): Config {
  return loadConfig({ ...process.env, ...(opts.dataDir !== undefined && { NOTIFY_DATA_DIR: opts.dataDir }) });
}

async function withStore<T>(config: Config, run: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await createEventStore(config);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function checkKey(appKey: string): void {
  if (!APP_KEY_PATTERN.test(appKey)) throw new Error(`"${appKey}" is not an app key (app_ followed by 24 hex characters)`);
}

function explain(e: unknown): never {
  if (isDomainError(e, 'app_not_found')) throw new Error('no such app');
  if (isDomainError(e, 'app_revoked')) throw new Error('the app is revoked; create a new one');
  throw e;
}

/**
 * After `apps create`: when a platform answers at the client's API URL (NOTIFY_API_URL, else
 * 127.0.0.1:$PORT) and refuses the new credentials, it reads another store than the one just
 * written to (the demo's temporary data dir, a different DATABASE_URL): say so on stderr now,
 * rather than leave a 401 to be puzzled over later. No platform there: nothing to compare with.
 */
async function warnIfRefused(config: Config, creds: { appKey: string; appSecret: string }, write: (line: string) => void): Promise<void> {
  const { apiUrl } = loadClientConfig();
  let status: number;
  try {
    const res = await fetch(`${apiUrl}/v1/notifications/apps-create-check`, {
      headers: { authorization: `Basic ${Buffer.from(`${creds.appKey}:${creds.appSecret}`).toString('base64')}` },
      signal: AbortSignal.timeout(2000),
    });
    status = res.status;
    await res.body?.cancel();
  } catch {
    return;
  }
  if (status !== 401) return;
  const store = config.eventStoreUrl ? 'EVENTSTORE_URL' : config.databaseUrl ? 'DATABASE_URL' : `the data dir ${config.dataDir}`;
  write(
    `warning: the platform at ${apiUrl} does not know this app (401): it keeps its apps in another store than ${store}, where this one was written. ` +
      "Run `notify apps create` with the platform's own settings (--data-dir <its NOTIFY_DATA_DIR>, or its EVENTSTORE_URL / DATABASE_URL).",
  );
}

export function addAppsCommands(program: Command): void {
  const apps = program.command('apps').description('manage the apps (API credentials) allowed to call /v1');
  apps
    .command('create <name>')
    .description('register an app; prints {"appKey","appSecret"} as one JSON line (the secret is not shown again)')
    .option('--data-dir <dir>', "the embedded stores' directory (default: NOTIFY_DATA_DIR)")
    .action(async (name: string, opts: StoreOptions) => {
      if (name.trim() === '' || name.length > 200) throw new Error('the app name must be 1-200 characters');
      const config = appsConfig(opts);
      const creds = await withStore(config, (store) => createApp(store, name));
      process.stdout.write(`${JSON.stringify(creds)}\n`);
      await warnIfRefused(config, creds, (line) => process.stderr.write(`${line}\n`));
    });
  apps
    .command('rotate <appKey>')
    .description('replace the secret (the old one stops working at once); prints the new {"appKey","appSecret"}')
    .option('--data-dir <dir>', "the embedded stores' directory (default: NOTIFY_DATA_DIR)")
    .action(async (appKey: string, opts: StoreOptions) => {
      checkKey(appKey);
      const creds = await withStore(appsConfig(opts), (store) => rotateAppSecret(store, appKey).catch(explain));
      process.stdout.write(`${JSON.stringify(creds)}\n`);
    });
  apps
    .command('revoke <appKey>')
    .description('revoke the app: its credentials stop working at once')
    .option('--data-dir <dir>', "the embedded stores' directory (default: NOTIFY_DATA_DIR)")
    .action(async (appKey: string, opts: StoreOptions) => {
      checkKey(appKey);
      await withStore(appsConfig(opts), (store) => revokeApp(store, appKey).catch(explain));
      process.stdout.write(`${JSON.stringify({ appKey, revoked: true })}\n`);
    });
}
