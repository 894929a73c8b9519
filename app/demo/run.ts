import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { createApp } from '../../commands/apps.ts';
import { demoAdmin } from './admin.ts';
import { CHANNELS } from '../../domain/events.ts';
import { amqpNodeLabel, connectFirst, parseAmqpUrls } from '../../infra/rabbit/urls.ts';
import { loadConfig } from '../config.ts';
import { buildTopology, deleteTopology, type Topology } from '../../infra/rabbit/topology.ts';
import { retryPolicy } from '../../channels/retryPolicy.ts';
import { createLogger } from '../../infra/logger.ts';
import { ROLES, startPlatform } from '../main.ts';
import { shutdownTelemetry } from '../../infra/telemetry.ts';
import { createApiClient, type ApiClient } from './client.ts';
import { createFunnel, formatFunnel } from './funnel.ts';
import { DEMO_TEMPLATES, demoRequests, demoUsers, seeded } from './workload.ts';
import { runWorkflowTour, type WorkflowTour } from './workflow.ts';

export interface DemoOptions {
  exit: boolean;
  notifications: number;
  dataDir?: string;
  env?: Record<string, string | undefined>;
  /** Where the story is told (tests pass a sink). */
  out?: (line: string) => void;
  /** How long to wait for every notification to settle. */
  settleTimeoutMs?: number;
}

/** Bounded concurrency: enough to look like real traffic, not so much that 2 cores choke. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function removeTopology(amqpUrl: string, topology: Topology): Promise<void> {
  const conn = await connectFirst(amqpUrl);
  try {
    await deleteTopology(await conn.createChannel(), topology);
  } finally {
    await conn.close().catch(() => {});
  }
}

async function sim(url: string, method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${url}/_sim/faults`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${method} /_sim/faults answered ${res.status}: ${await res.text()}`);
}

/** Until the simulator has no receipt under way (or the deadline): the funnel then counts them all. */
async function receiptsLanded(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/_sim/receipts?since=${Number.MAX_SAFE_INTEGER}`);
    if (!res.ok) throw new Error(`simulator GET /_sim/receipts answered ${res.status}`);
    if (((await res.json()) as { pending: number }).pending === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `notify demo`: the whole platform in this process on fresh embedded stores, the local broker
 * and the provider simulator; a seeded, mixed workload through the public API while the simulator
 * misbehaves (an SMS outage, dead iOS tokens, slow FCM, a few refused emails); then the funnel.
 */
export async function runDemo(options: DemoOptions): Promise<{
  funnel: ReturnType<ReturnType<typeof createFunnel>['rows']>;
  workflow: WorkflowTour;
  apiUrl: string;
  admin: { email: string; password: string };
  stop(): Promise<void>;
}> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const interactive = !options.out && process.stdout.isTTY === true;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'notify-demo-'));
  const baseEnv = options.env ?? process.env;
  // A short alert window so the SMS outage is seen raised and cleared within the demo. Its own broker
  // prefix: a `notify serve` on the same broker keeps its queues, and the demo's are removed at the end.
  const env = {
    // Alerts (error level) show as they happen; routine warnings (each parked message) would drown the bars.
    LOG_LEVEL: 'error',
    ALERT_FAILURE_WINDOW_MS: '10000',
    // The workflow tour opens SendGrid's breaker: a short cool-down shows it close again soon after.
    PROVIDER_BREAKER_FAILURES: '2',
    PROVIDER_BREAKER_COOLDOWN_MS: '5000',
    ALERT_FAILURE_MIN_SAMPLES: '10',
    QUEUE_POLL_MS: '1000',
    RABBIT_PREFIX: 'notify-demo',
    // Beside a running `notify serve` (which holds 9464): the demo's ops endpoints take any free port.
    OPS_PORT: '0',
    ...baseEnv,
    NOTIFY_DATA_DIR: dataDir,
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const topology = buildTopology({ prefix: config.rabbitPrefix, retry: retryPolicy(config.retry) });
  // The stores are fresh, so whatever an interrupted earlier demo left in its queues is orphaned.
  await removeTopology(config.amqpUrl, topology);

  out(`Starting the platform (data in ${dataDir}, broker ${parseAmqpUrls(config.amqpUrl).map(amqpNodeLabel).join(', ')}) ...`);
  const platform = await startPlatform(config, logger, { roles: ROLES, channels: CHANNELS });
  const apiUrl = `http://127.0.0.1:${config.port}`;
  const simUrl = `http://127.0.0.1:${config.simPort}`;
  const stop = async () => {
    await platform.stop();
    await shutdownTelemetry();
    await removeTopology(config.amqpUrl, topology);
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const funnel = createFunnel();
    let position = await platform.eventStore.headPosition();
    const follow = async () => {
      for (;;) {
        const batch = await platform.eventStore.readAll({ after: position, limit: 2000 });
        for (const e of batch) funnel.apply(e);
        if (batch.length) position = batch[batch.length - 1]!.position;
        if (batch.length < 2000) return;
      }
    };

    const creds = await createApp(platform.eventStore, 'demo');
    const admin = await demoAdmin(platform.eventStore);
    const api: ApiClient = createApiClient({ baseUrl: apiUrl, ...creds });
    const rand = seeded(7);
    const users = demoUsers(60, rand);
    out(`Registering ${users.length} users with their emails, phones and devices, and ${Object.keys(DEMO_TEMPLATES).length} templates ...`);
    await pool(users, 4, async (u) => {
      await api.put('/v1/users/{userId}', { path: { userId: u.userId }, body: u.contact });
      for (const d of u.devices) await api.post('/v1/users/{userId}/devices', { path: { userId: u.userId }, body: d });
      // A browser subscribed to Web Push: the simulator plays it and keeps the subscription's private key.
      if (u.webPush) {
        const res = await fetch(`${simUrl}/_sim/web/subscriptions`, { method: 'POST' });
        if (!res.ok) throw new Error(`simulator POST /_sim/web/subscriptions answered ${res.status}`);
        await api.post('/v1/users/{userId}/devices', {
          path: { userId: u.userId },
          body: { platform: 'web', subscription: (await res.json()) as { endpoint: string; keys: { auth: string; p256dh: string } } },
        });
      }
      // A team channel's incoming webhook: the simulator plays Slack.
      if (u.chat) {
        const res = await fetch(`${simUrl}/_sim/chat/webhooks`, { method: 'POST' });
        if (!res.ok) throw new Error(`simulator POST /_sim/chat/webhooks answered ${res.status}`);
        const { url } = (await res.json()) as { url: string };
        await api.put('/v1/users/{userId}', { path: { userId: u.userId }, body: { chat: { webhookUrl: url } } });
      }
      if (u.optOutSms) await api.put('/v1/users/{userId}/preferences', { path: { userId: u.userId }, body: { channels: { sms: false } } });
    });
    for (const [id, content] of Object.entries(DEMO_TEMPLATES)) await api.put('/v1/templates/{templateId}', { path: { templateId: id }, body: content });

    // The providers misbehave: an SMS outage (retryable 503s), dead iOS tokens (410), slow FCM, a few refused emails.
    const deadTokens = users.flatMap((u) => u.devices.filter((d) => d.platform === 'ios').map((d) => d.token)).slice(0, 4);
    await sim(simUrl, 'POST', { channel: 'sms', rate: 0.6, status: 503 });
    await sim(simUrl, 'POST', { channel: 'ios', rate: 0, tokens: deadTokens });
    await sim(simUrl, 'POST', { channel: 'android', rate: 0, latencyMs: 40 });
    await sim(simUrl, 'POST', { channel: 'email', rate: 0.03, status: 400 });
    out('Injected faults: SMS provider failing 60% (503), 4 dead iOS tokens, FCM +40 ms, 3% of emails refused (400).');

    const requests = demoRequests(options.notifications, users, rand);
    const bar = (label: string) =>
      interactive ? new cliProgress.SingleBar({ format: ` ${label} [{bar}] {value}/{total}`, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
    const sentBar = bar('requests sent      ');
    sentBar?.start(requests.length, 0);
    let sent = 0;
    await pool(requests, 8, async (r) => {
      await api.post('/v1/notifications', {
        body: {
          eventId: `demo-${sent}-${r.userId}-${r.templateId}-${Math.floor(rand() * 1e9)}`,
          userId: r.userId,
          templateId: r.templateId,
          params: r.params,
          ...(r.channels ? { channels: r.channels } : {}),
        },
      });
      sent += 1;
      sentBar?.update(sent);
    });
    // The SMS provider recovers: the retries already queued now go through.
    sentBar?.stop();
    // The outage lasts until every SMS has met it at least once (senders may trail the requests).
    const outageEnds = Date.now() + 20_000;
    await follow();
    while (funnel.unattempted('sms') > 0 && Date.now() < outageEnds) {
      await new Promise((r) => setTimeout(r, 200));
      await follow();
    }
    await sim(simUrl, 'DELETE');
    out('SMS provider recovered (faults cleared); waiting for every notification to settle ...');

    await follow();
    const settleBar = bar('notifications done ');
    settleBar?.start(funnel.total(), funnel.settled());
    const deadline = Date.now() + (options.settleTimeoutMs ?? 90_000);
    while (funnel.settled() < funnel.total() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      await follow();
      settleBar?.setTotal(funnel.total());
      settleBar?.update(funnel.settled());
    }
    settleBar?.stop();
    // The simulator's receipts (delivered, opens, clicks) trail the sends by a moment: let them land.
    await receiptsLanded(simUrl, Date.now() + 15_000);
    await follow();

    const rows = funnel.rows();
    const open = new Set(platform.alerter.active().map((a) => `${a.kind} ${a.subject}`));
    const alerts = (await platform.metrics.alertsRaised.get()).values
      .filter((v) => v.value > 0)
      .map((v) => `${String(v.labels.kind)} ${String(v.labels.subject)}`)
      .map((a) => `${a} (${open.has(a) ? 'still open' : 'cleared'})`);
    out('');
    out('Delivery funnel per channel (from the event log):');
    out(formatFunnel(rows));
    out('');
    out(`Alerts raised during the run: ${alerts.length ? `\n  ${alerts.join('\n  ')}` : 'none'}`);
    const workflow = await runWorkflowTour(api, simUrl, out);
    out('');
    out('Where to look:');
    out(`  API            ${apiUrl}  (app key ${creds.appKey}; secret below)`);
    out(`  console        ${apiUrl}/console   sign in as ${admin.email} / ${admin.password}   (more accounts: npx notify operators create <email> --role viewer|operator|admin)`);
    out(`  metrics        http://127.0.0.1:${platform.opsPort}/metrics    readiness http://127.0.0.1:${platform.opsPort}/readyz`);
    out(`  simulator      ${simUrl}/_sim/messages?channel=email   (also sms, ios, android, web)`);
    out(
      `  try            NOTIFY_APP_KEY=${creds.appKey} NOTIFY_APP_SECRET=${creds.appSecret} npx notify send --user ${users[0]!.userId} --template welcome --params '{"name":"Ada"}'`,
    );
    out(`                 then: npx notify status <id>   (same NOTIFY_APP_* variables)`);
    // The demo's stores are not ./data: an app created without this flag would be unknown to it (401).
    out(`  more apps      npx notify apps create <name> --data-dir ${dataDir}`);
    if (!options.exit) out('Serving until Ctrl-C.');
    return { funnel: rows, workflow, apiUrl, admin, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
