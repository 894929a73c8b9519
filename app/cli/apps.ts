import type { Command } from 'commander';
import { isDomainError } from '../../domain/errors.ts';
import { loadConfig } from '../config.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { APP_KEY_PATTERN, createApp, revokeApp, rotateAppSecret } from '../../commands/apps.ts';

/**
 * `notify apps create|rotate|revoke`. stdout carries exactly one JSON line (scripts parse it);
 * the secret is shown once and only its scrypt hash is stored.
 */
async function withStore<T>(run: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await createEventStore(loadConfig());
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

export function addAppsCommands(program: Command): void {
  const apps = program.command('apps').description('manage the apps (API credentials) allowed to call /v1');
  apps
    .command('create <name>')
    .description('register an app; prints {"appKey","appSecret"} as one JSON line (the secret is not shown again)')
    .action(async (name: string) => {
      if (name.trim() === '' || name.length > 200) throw new Error('the app name must be 1-200 characters');
      const creds = await withStore((store) => createApp(store, name));
      process.stdout.write(`${JSON.stringify(creds)}\n`);
    });
  apps
    .command('rotate <appKey>')
    .description('replace the secret (the old one stops working at once); prints the new {"appKey","appSecret"}')
    .action(async (appKey: string) => {
      checkKey(appKey);
      const creds = await withStore((store) => rotateAppSecret(store, appKey).catch(explain));
      process.stdout.write(`${JSON.stringify(creds)}\n`);
    });
  apps
    .command('revoke <appKey>')
    .description('revoke the app: its credentials stop working at once')
    .action(async (appKey: string) => {
      checkKey(appKey);
      await withStore((store) => revokeApp(store, appKey).catch(explain));
      process.stdout.write(`${JSON.stringify({ appKey, revoked: true })}\n`);
    });
}
