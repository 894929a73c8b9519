/**
 * A dispatcher or a sender in its own process, so a test can kill it the hard way (SIGKILL:
 * no ack, no checkpoint flush, no goodbye). Configured by one JSON argument.
 */
import path from 'node:path';
import type { Channel } from '../../../domain/events.ts';
import { createSender } from '../../../channels/sender/consumer.ts';
import { createDispatcher } from '../../../dispatcher/dispatcher.ts';
import { createSqliteScheduleStore } from '../../../infra/sqlite/scheduleStore.ts';
import { silentLogger } from '../../../infra/logger.ts';
import { createRabbitConnection } from '../../../infra/rabbit/connection.ts';
import { buildTopology } from '../../../infra/rabbit/topology.ts';
import { retryPolicy } from '../../../channels/retryPolicy.ts';
import { openStore, renderTrivially, testProvider } from '../world.ts';

interface Args {
  role: 'dispatcher' | 'sender';
  dir: string;
  prefix: string;
  channel: Channel;
  url: string;
  retryDelaysMs: number[];
  /** sender: die inside this provider call (other messages still in flight, unacked). */
  killOnCall?: number;
  latencyMs?: number;
  prefetch?: number;
  /** dispatcher: die once this many publishes are confirmed. */
  killAfterPublished?: number;
  maxInFlight?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const retry = retryPolicy({ tiersMs: args.retryDelaysMs, jitter: 0.2 });
const topology = buildTopology({ prefix: args.prefix, channels: [args.channel], retry });
const store = openStore(args.dir);
const rabbit = createRabbitConnection({ url: args.url, logger: silentLogger, name: `child-${args.role}` });
const die = () => process.kill(process.pid, 'SIGKILL');

if (args.role === 'sender') {
  const provider = testProvider(args.channel, { latencyMs: args.latencyMs ?? 0 });
  const send = provider.send.bind(provider);
  let calls = 0;
  provider.send = async (m) => {
    calls += 1;
    if (calls === args.killOnCall) {
      process.send?.({ calls });
      die();
    }
    return send(m);
  };
  const sender = createSender({
    channel: args.channel,
    eventStore: store,
    rabbit,
    topology,
    retry,
    provider,
    render: renderTrivially,
    logger: silentLogger,
    prefetch: args.prefetch ?? 20,
  });
  await sender.start();
  process.send?.({ ready: true });
} else {
  const state = createSqliteScheduleStore(path.join(args.dir, 'dispatcher.sqlite'), args.prefix);
  const dispatcher = createDispatcher({ eventStore: store, state, rabbit, topology, logger: silentLogger, maxInFlight: args.maxInFlight ?? 100 });
  await dispatcher.start();
  process.send?.({ ready: true });
  const timer = setInterval(() => {
    if (args.killAfterPublished !== undefined && dispatcher.stats().published >= args.killAfterPublished) {
      clearInterval(timer);
      die();
    }
  }, 1);
}
