import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createApp, type AppAuthenticator } from '../../commands/apps.ts';
import { handleCommand } from '../../commands/handle.ts';
import { notificationDecider } from '../../domain/notification.ts';
import { createApi, type ApiDeps } from '../../api/app.ts';
import { loadConfig, type Config } from '../../app/config.ts';
import { withSimulatedReceiptSecrets } from '../../app/simulated.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { withPersonalDataEncryption } from '../../infra/eventStore/personalData.ts';
import { createArchiveReader } from '../../infra/archive/reader.ts';
import { withArchive } from '../../infra/archive/readThrough.ts';
import { createSqliteKeyVault } from '../../infra/sqlite/keyVault.ts';
import type { KeyVault } from '../../infra/keyVault/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { apiProjections } from '../../api/projections.ts';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../api/server.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { startProjectionRunner, type ProjectionRunner } from '../../projections/runner.ts';
import { startInboxFeed, type InboxFeed } from '../../api/feeds/inboxFeed.ts';
import { inboxAppliedPosition } from '../../projections/inboxPosition.ts';

export interface TestApi {
  url: string;
  /** The log through the personal-data decorator: personal fields read decrypted (or erased). */
  store: EventStore;
  keyVault: KeyVault;
  config: Config & { trackingSecret: string };
  dir: string;
  appKey: string;
  appSecret: string;
  auth: string;
  /** fetch with this app's credentials and a JSON body. */
  call(method: string, p: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  runner?: ProjectionRunner;
  projectionStore?: ProjectionStore;
  close(): Promise<void>;
}

export function basic(appKey: string, appSecret: string): string {
  return `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}`;
}

/** The real express app on an embedded event store in a temp dir, listening on 127.0.0.1. */
export async function startTestApi(
  options: {
    env?: Record<string, string>;
    deps?: Partial<ApiDeps>;
    projections?: boolean;
    authenticator?: (store: EventStore) => AppAuthenticator;
    /** Verify the simulator's receipts with its keys, as embedded mode does (app/simulated.ts). */
    simulatedReceipts?: boolean;
  } = {},
): Promise<TestApi> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-api-'));
  // The log as the platform runs it: personal data sealed with per-user keys from their own file.
  const keyVault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
  const store = withPersonalDataEncryption(withArchive(createSqliteEventStore(path.join(dir, 'events.sqlite')), createArchiveReader(path.join(dir, 'archive'))), keyVault);
  const loaded = loadConfig({ NOTIFY_DATA_DIR: dir, TRACKING_SECRET: 'test-tracking-secret', OPS_PORT: '0', ...options.env });
  const base = {
    ...loaded,
    trackingSecret: loaded.trackingSecret ?? 'test-tracking-secret',
    ...(options.simulatedReceipts && { api: withSimulatedReceiptSecrets(loaded.api, loaded.providers) }),
  };
  const { appKey, appSecret } = await createApp(store, 'test-app');
  let projectionStore: ProjectionStore | undefined;
  let runner: ProjectionRunner | undefined;
  let feed: InboxFeed | undefined;
  if (options.projections) {
    projectionStore = await createProjectionStore(base);
    runner = await startProjectionRunner({ eventStore: store, store: projectionStore });
    const r = runner;
    feed = await startInboxFeed({ eventStore: store, store: projectionStore, appliedPosition: inboxAppliedPosition(projectionStore, () => r.positions().inbox) });
  }
  const server: Server = await new Promise((resolve) => {
    const app = createApi({
      eventStore: store,
      keyVault,
      config: base,
      logger: silentLogger,
      ...(projectionStore && runner ? { projections: apiProjections(projectionStore, () => runner!.positions().rateWindows) } : {}),
      ...(options.authenticator ? { authenticator: options.authenticator(store) } : {}),
      ...(projectionStore && feed ? { inbox: { store: projectionStore, feed }, projectionStore } : {}),
      ...options.deps,
    });
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    // As in production (api/server.ts). With Node's default of 5 s, a test that blocks its own event
    // loop for longer (spawnSync of the CLI) raced the server's idle timeout: the next fetch reused a
    // socket the server was closing (ECONNRESET), seen under load.
    s.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The app keeps its configured publicUrl: signed webhook URLs are computed against it.
  const config = base;
  const auth = basic(appKey, appSecret);
  return {
    url,
    store,
    keyVault,
    config,
    dir,
    appKey,
    appSecret,
    auth,
    async call(method, p, body, headers = {}) {
      const res = await fetch(`${url}${p}`, {
        method,
        redirect: 'manual',
        headers: {
          authorization: auth,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      return { status: res.status, body: parsed, headers: res.headers };
    },
    runner,
    projectionStore,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await feed?.close();
      await runner?.close();
      await projectionStore?.close();
      await store.close();
      await keyVault.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const IOS_TOKEN = 'a'.repeat(64);
export const ANDROID_TOKEN = `fcm:${'B1_-'.repeat(40)}`;

export async function countEvents(store: EventStore): Promise<number> {
  return store.headPosition();
}

/** What a sender records after the provider accepted the message. */
export async function markSent(store: EventStore, notificationId: string): Promise<void> {
  await handleCommand(
    store,
    notificationDecider,
    `notification-${notificationId}`,
    {
      type: 'RecordAttemptOutcome',
      data: { notificationId, attempt: 1, provider: 'simulator', at: new Date().toISOString(), outcome: { kind: 'sent', providerMessageId: 'sim-1' } },
    },
    { correlationId: 'test', causationId: 'test', appId: 'sender' },
  );
}
