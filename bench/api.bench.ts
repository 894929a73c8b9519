/**
 * Accepted requests per second for POST /v1/notifications: the real express app on the embedded
 * stores (temp dir), autocannon on 127.0.0.1, a unique eventId per request, bounded in time.
 * The API runs in a child process so the load generator does not share its event loop.
 * Two setups: the API alone, and the API with the projection runner in the same process (as in
 * `notify serve`, where every append is also projected). Run: `node bench/api.bench.ts`.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const USERS = 1000;

interface Ready {
  url: string;
  auth: string;
}

/** Child side: the API (and optionally the projection runner) on a temp dir; reports its URL over IPC. */
async function serve(withProjections: boolean): Promise<void> {
  const { createApp } = await import('../commands/apps.ts');
  const { createApi } = await import('../api/app.ts');
  const { apiProjections } = await import('../api/projections.ts');
  const { listenApi } = await import('../api/server.ts');
  const { loadConfig } = await import('../app/config.ts');
  const { createSqliteEventStore } = await import('../infra/sqlite/eventStore.ts');
  const { withPersonalDataEncryption } = await import('../infra/eventStore/personalData.ts');
  const { createSqliteKeyVault } = await import('../infra/sqlite/keyVault.ts');
  const { silentLogger } = await import('../infra/logger.ts');
  const { createProjectionStore } = await import('../infra/stores/projectionStore.ts');
  const { startProjectionRunner } = await import('../projections/runner.ts');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-api-bench-'));
  // As the platform runs it: personal data sealed with per-user keys.
  const keyVault = createSqliteKeyVault(path.join(dir, 'keys.sqlite'));
  const eventStore = withPersonalDataEncryption(createSqliteEventStore(path.join(dir, 'events.sqlite')), keyVault);
  // Limits out of the way: this measures the request path, not the limiter saying no.
  const config = loadConfig({ NOTIFY_DATA_DIR: dir, API_APP_RATE_LIMIT: '0', NOTIFY_RATE_LIMITS: 'email=100000000/1h' });
  const projectionStore = await createProjectionStore(config);
  const runner = withProjections ? await startProjectionRunner({ eventStore, store: projectionStore }) : undefined;
  const { appKey, appSecret } = await createApp(eventStore, 'bench');
  const app = createApi({
    eventStore,
    keyVault,
    config: { ...config, trackingSecret: 'bench-tracking-secret' },
    logger: silentLogger,
    projections: apiProjections(projectionStore, () => runner?.positions().rateWindows),
  });
  const server = await listenApi(app, 0, '127.0.0.1');
  const ready: Ready = { url: `http://127.0.0.1:${server.port}`, auth: `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}` };
  process.send?.({ ready });
  process.on(
    'message',
    (m: { stop?: boolean }) =>
      void (async () => {
        if (!m.stop) return;
        const head = await eventStore.headPosition();
        await server.close();
        await runner?.close();
        await projectionStore.close();
        await eventStore.close();
        fs.rmSync(dir, { recursive: true, force: true });
        process.send?.({ stopped: { eventsInLog: head } }, () => process.exit(0));
      })(),
  );
}

async function runOnce(label: string, withProjections: boolean) {
  // BENCH_CPU_PROF=<dir> writes a CPU profile of the API process there.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(fileURLToPath(import.meta.url), ['--serve', withProjections ? 'projections' : 'alone'], {
    stdio: 'inherit',
    execArgv: [...process.execArgv, ...prof],
  });
  const next = <T>(key: string) => new Promise<T>((resolve) => child.on('message', (m: Record<string, T>) => key in m && resolve(m[key]!)));
  const ready = await next<Ready>('ready');
  const json = { authorization: ready.auth, 'content-type': 'application/json' };
  await fetch(`${ready.url}/v1/templates/bench`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ email: { subject: 'Order {{ orderId }}', html: '<p>Hi {{ name }}</p>' } }),
  });
  for (let i = 0; i < USERS; i++) {
    await fetch(`${ready.url}/v1/users/user-${i}`, { method: 'PUT', headers: json, body: JSON.stringify({ email: `user-${i}@example.com`, timezone: 'Europe/Paris' }) });
  }
  let seq = 0;
  const result = await autocannon({
    url: `${ready.url}/v1/notifications`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    method: 'POST',
    headers: json,
    requests: [
      {
        setupRequest: (req) => {
          const n = seq++;
          return { ...req, body: JSON.stringify({ eventId: `bench-${n}`, userId: `user-${n % USERS}`, templateId: 'bench', params: { orderId: `o-${n}`, name: 'Ann' } }) };
        },
      },
    ],
  });
  const stopped = next<{ eventsInLog: number }>('stopped');
  child.send({ stop: true });
  const { eventsInLog } = await stopped;
  return {
    label,
    acceptedPerSec: Math.round(result['2xx'] / (result.duration || DURATION_S)),
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50ms: result.latency.p50,
    latencyP99ms: result.latency.p99,
    eventsInLog,
  };
}

const serveArg = process.argv.indexOf('--serve');
if (serveArg >= 0) {
  await serve(process.argv[serveArg + 1] === 'projections');
} else {
  const rows = [];
  rows.push(await runOnce('API alone (embedded stores)', false));
  rows.push(await runOnce('API + projection runner in-process (as in serve)', true));
  console.log(
    `POST /v1/notifications, 1 user x email per request, ${CONNECTIONS} connections, ${DURATION_S}s each, Node ${process.version}, ${os.cpus().length} cores, load avg ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.table(rows);
}
