/**
 * Tracing overhead: the whole pipeline (HTTP API -> log -> dispatcher -> RabbitMQ -> senders ->
 * provider SDKs -> simulator -> outcome in the log) with tracing off and on, same workload, same
 * run. "On" is the real SDK with every instrumentation and a batch span processor whose exporter
 * drops the spans (what it costs to make them, not to ship them).
 *
 *   node bench/tracing.bench.ts            (or: npm run bench:tracing)
 *   BENCH_REQUESTS=1000 BENCH_ROUNDS=2 node bench/tracing.bench.ts
 *
 * Throughput on a shared box swings with everyone else's load; the CPU this process spends per
 * delivery is the steadier figure, so both are printed.
 *
 * Each measurement runs in a fresh child process (instrumentations patch modules on load, so
 * "off" must never have seen the SDK); modes alternate so drift on a shared box hits both.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { freePort } from '../tests/helpers/net.ts';

type Mode = 'off' | 'on';
interface Result {
  mode: Mode;
  requests: number;
  deliveries: number;
  httpSeconds: number;
  pipelineSeconds: number;
  /** CPU (user + system) this process spent from the first request to the last outcome. */
  cpuSeconds: number;
  spans: number;
}

const self = fileURLToPath(import.meta.url);

async function child(mode: Mode, requests: number): Promise<Result> {
  let spans = 0;
  if (mode === 'on') {
    const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { startTelemetry } = await import('../infra/telemetry.ts');
    const dropping: SpanExporter = {
      export(batch, done) {
        spans += batch.length;
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    await startTelemetry({ otelExporter: 'off' }, { spanProcessors: [new BatchSpanProcessor(dropping, { maxQueueSize: 8192, maxExportBatchSize: 512 })] });
  }
  // Loaded only now, so that with tracing on the instrumentations see express and amqplib load.
  const { ROLES, startPlatform } = await import('../app/main.ts');
  const { loadConfig } = await import('../app/config.ts');
  const { silentLogger } = await import('../infra/logger.ts');
  const { createApp } = await import('../commands/apps.ts');
  const { createApiClient } = await import('../app/demo/client.ts');
  const { CHANNELS } = await import('../domain/events.ts');
  const { buildTopology, deleteTopology } = await import('../infra/rabbit/topology.ts');
  const { retryPolicy } = await import('../channels/retryPolicy.ts');
  const { connect } = await import('amqplib');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `notify-bench-tracing-${mode}-`));
  const prefix = `bench.tracing.${mode}.${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    NOTIFY_DATA_DIR: dataDir,
    RABBIT_PREFIX: prefix,
    PORT: String(await freePort()),
    SIM_PORT: String(await freePort()),
    SIM_PROVIDER_PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    OPS_PORT: '0',
    API_APP_RATE_LIMIT: '0',
    NOTIFY_RATE_LIMITS: 'sms=1000000/1h,email=1000000/1h,push=1000000/1h',
  });
  const platform = await startPlatform(config, silentLogger, { roles: ROLES, channels: CHANNELS });
  try {
    const api = createApiClient({ baseUrl: `http://127.0.0.1:${config.port}`, ...(await createApp(platform.eventStore, 'bench')) });
    const users = 200;
    for (let u = 0; u < users; u++) await api.request('PUT', `/v1/users/bench-${u}`, { email: `bench${u}@example.com`, phone: `+1415555${String(1000 + u).padStart(4, '0')}` });
    await api.request('PUT', '/v1/templates/bench', { email: { subject: 'Order {{ n }}', html: '<p>Order {{ n }} shipped</p>' }, sms: { text: 'Order {{ n }} shipped' } });
    let position = await platform.eventStore.headPosition();

    const started = performance.now();
    const cpu = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests) {
          const i = next++;
          await api.request('POST', '/v1/notifications', { eventId: `b-${i}`, userId: `bench-${i % users}`, templateId: 'bench', params: { n: i }, channels: ['email', 'sms'] });
        }
      }),
    );
    const httpSeconds = (performance.now() - started) / 1000;
    const deliveries = requests * 2;
    let sent = 0;
    for (;;) {
      const batch = await platform.eventStore.readAll({ after: position, limit: 5000 });
      for (const e of batch) if (e.type === 'NotificationSent' || e.type === 'NotificationFailed') sent += 1;
      if (batch.length) position = batch[batch.length - 1]!.position;
      if (sent >= deliveries) break;
      if (performance.now() - started > 600_000) throw new Error(`only ${sent}/${deliveries} deliveries after 10 minutes`);
      if (batch.length < 5000) await new Promise((r) => setTimeout(r, 20));
    }
    const pipelineSeconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { mode, requests, deliveries, httpSeconds, pipelineSeconds, cpuSeconds: (used.user + used.system) / 1e6, spans };
  } finally {
    await platform.stop();
    const conn = await connect(config.amqpUrl);
    await deleteTopology(await conn.createChannel(), buildTopology({ prefix, retry: retryPolicy(config.retry) })).catch(() => {});
    await conn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (mode === 'on') await (await import('../infra/telemetry.ts')).shutdownTelemetry();
  }
}

function runChild(mode: Mode, requests: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [self, '--child', mode, String(requests)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`child (${mode}) exited ${code}: ${out}`));
      resolve(JSON.parse(line) as Result);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function orchestrate(): Promise<void> {
  const requests = Number(process.env.BENCH_REQUESTS ?? 500);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const results: Result[] = [];
  console.log(`tracing overhead: ${requests} requests x 2 channels (email, sms) per run, ${rounds} rounds of off/on, ${os.cpus().length} cores`);
  for (let r = 0; r < rounds; r++) {
    for (const mode of (r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as Mode[]) {
      // A free port found by the child can be taken by someone else before it listens: try again.
      const res = await runChild(mode, requests).catch((e: unknown) => {
        console.log(`  (${mode} run failed, retrying: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
        return runChild(mode, requests);
      });
      results.push(res);
      console.log(
        `  ${mode.padEnd(3)}  HTTP ${(res.requests / res.httpSeconds).toFixed(0).padStart(5)} req/s   pipeline ${(res.deliveries / res.pipelineSeconds).toFixed(0).padStart(5)} deliveries/s   (${res.pipelineSeconds.toFixed(1)} s)   CPU ${((res.cpuSeconds / res.deliveries) * 1000).toFixed(2)} ms/delivery   ${res.spans} spans`,
      );
    }
  }
  const rate = (mode: Mode, f: (r: Result) => number) => median(results.filter((r) => r.mode === mode).map(f));
  const httpOff = rate('off', (r) => r.requests / r.httpSeconds);
  const httpOn = rate('on', (r) => r.requests / r.httpSeconds);
  const pipeOff = rate('off', (r) => r.deliveries / r.pipelineSeconds);
  const pipeOn = rate('on', (r) => r.deliveries / r.pipelineSeconds);
  const cpuOff = rate('off', (r) => (r.cpuSeconds / r.deliveries) * 1000);
  const cpuOn = rate('on', (r) => (r.cpuSeconds / r.deliveries) * 1000);
  const spansPerDelivery = median(results.filter((r) => r.mode === 'on').map((r) => r.spans / r.deliveries));
  console.log('median of rounds:');
  console.log(`  HTTP intake      off ${httpOff.toFixed(0)} req/s, on ${httpOn.toFixed(0)} req/s  (${(((httpOn - httpOff) / httpOff) * 100).toFixed(1)}%)`);
  console.log(`  whole pipeline   off ${pipeOff.toFixed(0)} deliveries/s, on ${pipeOn.toFixed(0)} deliveries/s  (${(((pipeOn - pipeOff) / pipeOff) * 100).toFixed(1)}%)`);
  console.log(`  CPU per delivery off ${cpuOff.toFixed(2)} ms, on ${cpuOn.toFixed(2)} ms  (+${(((cpuOn - cpuOff) / cpuOff) * 100).toFixed(1)}%)`);
  console.log(`  spans per delivery with tracing on: ${spansPerDelivery.toFixed(1)}`);
}

const [flag, mode, requests] = process.argv.slice(2);
if (flag === '--child') {
  child(mode as Mode, Number(requests))
    .then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
} else {
  orchestrate().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
