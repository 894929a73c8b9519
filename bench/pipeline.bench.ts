/**
 * Delivery pipeline benchmark: log -> dispatcher -> RabbitMQ -> sender -> provider call, with an
 * instant provider, side by side with the raw quorum-queue publish+consume rate of the same broker
 * in the same run. Bounded in count and time; deletes every queue it declares.
 *
 *   node bench/pipeline.bench.ts            (npm run bench:pipeline)
 *   BENCH_N=4000 BENCH_PACED_RATE=500 BENCH_PACED_SECONDS=5 node bench/pipeline.bench.ts
 *   BENCH_CLAIMS=compare node bench/pipeline.bench.ts   (senders without, then with delivery claims,
 *     alternated BENCH_ROUNDS times (default 2): what a claim before each provider call costs)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { CHANNELS, type Channel, type NotificationRequested, type Recipient } from '../domain/events.ts';
import { streams } from '../domain/streams.ts';
import { createSender, type Sender } from '../channels/sender/consumer.ts';
import { createClaimer } from '../infra/claims.ts';
import { createSqliteClaimStore } from '../infra/sqlite/claims.ts';
import type { Provider, RenderedContent } from '../channels/port.ts';
import { createDispatcher } from '../dispatcher/dispatcher.ts';
import { createSqliteScheduleStore } from '../infra/sqlite/scheduleStore.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { silentLogger } from '../infra/logger.ts';
import { createRabbitConnection } from '../infra/rabbit/connection.ts';
import { buildTopology, deleteTopology } from '../infra/rabbit/topology.ts';
import { retryPolicy } from '../channels/retryPolicy.ts';

const URL_ = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const N = Number(process.env.BENCH_N ?? 6000);
const RAW_N = Number(process.env.BENCH_RAW_N ?? 20000);
/** Default: half the burst rate just measured, so latency is taken below capacity, not behind a backlog. */
const PACED_RATE_ENV = process.env.BENCH_PACED_RATE ? Number(process.env.BENCH_PACED_RATE) : undefined;
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 5);
const TIME_LIMIT_MS = 120_000;
const prefix = `bench.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Raw broker rate: one quorum queue, confirms with 100 unconfirmed allowed, consumer prefetch 100, one ack per message. */
async function rawQuorumRate(): Promise<{ rate: number; seconds: number }> {
  const conn = await amqp.connect(URL_);
  const queue = `${prefix}.raw`;
  try {
    const pub = await conn.createConfirmChannel();
    const sub = await conn.createChannel();
    await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await sub.prefetch(100);
    const body = Buffer.from(JSON.stringify({ notificationId: randomUUID(), channel: 'email', appId: 'bench-app' }));
    let consumed = 0;
    const started = process.hrtime.bigint();
    const done = new Promise<void>((resolve) => {
      void sub.consume(queue, (m) => {
        if (!m) return;
        sub.ack(m);
        if (++consumed === RAW_N) resolve();
      });
    });
    let inFlight = 0;
    const waiters: Array<() => void> = [];
    for (let i = 0; i < RAW_N; i++) {
      while (inFlight >= 100) await new Promise<void>((r) => waiters.push(r));
      inFlight += 1;
      pub.publish('', queue, body, { persistent: true }, () => {
        inFlight -= 1;
        waiters.shift()?.();
      });
    }
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await pub.deleteQueue(queue);
    return { rate: RAW_N / seconds, seconds };
  } finally {
    await conn.close().catch(() => {});
  }
}

function recipientFor(channel: Channel, userId: string): Recipient {
  if (channel === 'email') return { kind: 'email', email: `${userId}@bench.test` };
  if (channel === 'sms') return { kind: 'sms', phone: '+15555550100' };
  if (channel === 'inapp') return { kind: 'inapp' };
  if (channel === 'chat') return { kind: 'chat', webhookUrl: `https://hooks.slack.com/services/${userId}` };
  return { kind: 'push', platform: channel, tokens: [`tok-${userId}`] };
}

async function instantRender(r: NotificationRequested['data']): Promise<RenderedContent> {
  if (r.channel === 'email') return { channel: 'email', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };
  if (r.channel === 'sms') return { channel: 'sms', text: 'Hi', segments: 1 };
  if (r.channel === 'inapp') return { channel: 'inapp', title: 'Hi', body: 'Hello' };
  if (r.channel === 'chat') return { channel: 'chat', text: 'Hi' };
  return { channel: r.channel, title: 'Hi', body: 'Hello' };
}

async function pipelineRun(options: { claims?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-bench-'));
  const store: EventStore = createSqliteEventStore(path.join(dir, 'events.sqlite'), { pollIntervalMs: 10 });
  const retry = retryPolicy();
  const topology = buildTopology({ prefix, retry });
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  let calls = 0;
  let lastCallAt = 0;
  const providers = Object.fromEntries(
    CHANNELS.map((channel): [Channel, Provider] => [
      channel,
      {
        channel,
        name: `instant:${channel}`,
        async send(m) {
          const now = performance.now();
          const t0 = appendedAt.get(m.notificationId);
          if (t0 !== undefined) latencies.push(now - t0);
          calls += 1;
          lastCallAt = now;
          return { kind: 'ok', provider: `instant:${channel}`, providerMessageId: `${calls}` };
        },
      },
    ]),
  ) as Record<Channel, Provider>;

  const dispatcherRabbit = createRabbitConnection({ url: URL_, logger: silentLogger, name: 'bench-dispatcher' });
  const senderRabbit = createRabbitConnection({ url: URL_, logger: silentLogger, name: 'bench-senders' });
  const state = createSqliteScheduleStore(path.join(dir, 'dispatcher.sqlite'), prefix);
  const dispatcher = createDispatcher({ eventStore: store, state, rabbit: dispatcherRabbit, topology, logger: silentLogger });
  // As the senders role opens it: its own SQLite file beside the log.
  const claimer = options.claims ? createClaimer({ store: createSqliteClaimStore(path.join(dir, 'claims.sqlite')), leaseMs: 27_000, logger: silentLogger }) : undefined;
  const senders: Sender[] = CHANNELS.map((channel) =>
    createSender({
      channel,
      eventStore: store,
      rabbit: senderRabbit,
      topology,
      retry,
      provider: providers[channel],
      render: instantRender,
      logger: silentLogger,
      prefetch: 100,
      ...(claimer && { claimer }),
    }),
  );

  let seq = 0;
  async function append(): Promise<void> {
    // The original four-channel mix, so figures stay comparable with earlier runs.
    const channel = (['ios', 'android', 'sms', 'email'] as const)[seq++ % 4]!;
    const userId = `u${seq}`;
    const recipient = recipientFor(channel, userId);
    const meta = { correlationId: randomUUID(), causationId: randomUUID(), appId: 'bench-app' };
    const at = new Date().toISOString();
    if (recipient.kind === 'push') {
      await store.append(
        streams.user('bench-app', userId),
        [
          { type: 'UserRegistered', data: { userId, contact: {}, at }, metadata: meta },
          { type: 'DeviceRegistered', data: { userId, token: recipient.tokens[0]!, platform: recipient.platform, at }, metadata: meta },
        ],
        'no_stream',
      );
    }
    const notificationId = randomUUID();
    const data: NotificationRequested['data'] = {
      notificationId,
      appId: 'bench-app',
      eventId: randomUUID(),
      userId,
      channel,
      templateId: 't',
      templateVersion: 1,
      params: {},
      recipient,
      requestedAt: at,
    };
    appendedAt.set(notificationId, performance.now());
    await store.append(streams.notification(notificationId), [{ type: 'NotificationRequested', data, metadata: meta }], 'no_stream');
  }
  const deadline = Date.now() + TIME_LIMIT_MS;
  const waitCalls = async (n: number) => {
    while (calls < n) {
      if (Date.now() > deadline) throw new Error(`time limit: ${calls}/${n} provider calls`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  try {
    // 1. Drain: N already in the log when the pipeline starts; nothing else competes for the CPU.
    for (let i = 0; i < N; i++) await append();
    const d0 = performance.now();
    for (const s of senders) await s.start();
    await dispatcher.start();
    await waitCalls(N);
    const drainSeconds = (lastCallAt - d0) / 1000;

    // 2. Burst: N more appended as fast as the log takes them while the pipeline runs.
    latencies.length = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      await append();
      if (i % 200 === 0) await new Promise((r) => setImmediate(r)); // let the pipeline run alongside
    }
    const appendDone = performance.now();
    await waitCalls(2 * N);
    const burstSeconds = (lastCallAt - t0) / 1000;
    const burstLat = [...latencies].sort((a, b) => a - b);

    // 3. Latency at a paced rate below capacity: append -> provider call.
    latencies.length = 0;
    const PACED_RATE = PACED_RATE_ENV ?? Math.max(50, Math.round(N / burstSeconds / 2 / 50) * 50);
    const pacedN = Math.round(PACED_RATE * PACED_SECONDS);
    const before = calls;
    const start = performance.now();
    for (let i = 0; i < pacedN; i++) {
      const due = start + (i * 1000) / PACED_RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      await append();
    }
    await waitCalls(before + pacedN);
    const paced = [...latencies].sort((a, b) => a - b);
    return {
      drain: { n: N, seconds: drainSeconds, rate: N / drainSeconds },
      burst: { n: N, seconds: burstSeconds, rate: N / burstSeconds, appendRate: N / ((appendDone - t0) / 1000), p50: pct(burstLat, 50), p99: pct(burstLat, 99) },
      paced: { n: pacedN, rate: PACED_RATE, p50: pct(paced, 50), p99: pct(paced, 99), max: paced.at(-1) ?? NaN },
      retried: senders.reduce((n, s) => n + s.stats().retried, 0),
    };
  } finally {
    await dispatcher.stop();
    for (const s of senders) await s.stop();
    const conn = await amqp.connect(URL_);
    await deleteTopology(await conn.createChannel(), topology).catch((e: unknown) => console.error('cleanup failed', e));
    await conn.close();
    await dispatcherRabbit.close();
    await senderRabbit.close();
    await state.close();
    await claimer?.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_CLAIMS === 'compare') {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const figures = { plain: { drain: [] as number[], burst: [] as number[] }, claims: { drain: [] as number[], burst: [] as number[] } };
  console.log(
    `delivery claims: senders without and with a claim before each provider call, alternated, ${rounds} round(s) (${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  for (let round = 0; round < rounds; round++) {
    for (const variant of ['plain', 'claims'] as const) {
      const r = await pipelineRun({ claims: variant === 'claims' });
      figures[variant].drain.push(r.drain.rate);
      figures[variant].burst.push(r.burst.rate);
      console.log(
        `  round ${round + 1} ${variant.padEnd(6)}: drain ${r.drain.rate.toFixed(0)}/s, burst ${r.burst.rate.toFixed(0)}/s (p99 ${ms(r.burst.p99)}), paced p99 ${ms(r.paced.p99)}`,
      );
    }
  }
  const [pd, pb, cd, cb] = [median(figures.plain.drain), median(figures.plain.burst), median(figures.claims.drain), median(figures.claims.burst)];
  console.log(`medians: drain ${pd.toFixed(0)} -> ${cd.toFixed(0)}/s (x${(cd / pd).toFixed(2)}), burst ${pb.toFixed(0)} -> ${cb.toFixed(0)}/s (x${(cb / pb).toFixed(2)})`);
  process.exit(0);
}

const raw = await rawQuorumRate();
const p = await pipelineRun();
console.log(`delivery pipeline benchmark (${os.cpus().length} cores, ${new Date().toISOString()})`);
console.log(`raw RabbitMQ quorum queue publish+consume (confirms, window 100, prefetch 100): ${raw.rate.toFixed(0)} msg/s (${RAW_N} in ${raw.seconds.toFixed(2)} s)`);
console.log(
  `pipeline drain, log -> provider call: ${p.drain.rate.toFixed(0)} notifications/s (${p.drain.n} already in the log, across 4 channels, in ${p.drain.seconds.toFixed(2)} s)`,
);
console.log(
  `pipeline burst, log -> provider call: ${p.burst.rate.toFixed(0)} notifications/s (${p.burst.n} across 4 channels in ${p.burst.seconds.toFixed(2)} s; appends ran at ${p.burst.appendRate.toFixed(0)}/s); latency under that backlog p50 ${ms(p.burst.p50)}, p99 ${ms(p.burst.p99)}`,
);
console.log(`pipeline paced at ${p.paced.rate}/s for ${p.paced.n}: append -> provider call p50 ${ms(p.paced.p50)}, p99 ${ms(p.paced.p99)}, max ${ms(p.paced.max)}`);
console.log(`pipeline / raw broker: drain ${((p.drain.rate / raw.rate) * 100).toFixed(0)} %, burst ${((p.burst.rate / raw.rate) * 100).toFixed(0)} %`);
process.exit(0);
