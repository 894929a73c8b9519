import path from 'node:path';
import type { Channel } from '../../domain/events.ts';
import { createSender, type Sender, type SenderOptions } from '../../channels/sender/consumer.ts';
import type { Provider } from '../../channels/port.ts';
import { createAlerter, type Alerter } from '../../infra/alerts.ts';
import { createDispatcher, type Dispatcher } from '../../dispatcher/dispatcher.ts';
import { createSqliteScheduleStore } from '../../infra/sqlite/scheduleStore.ts';
import type { ScheduleStore } from '../../infra/scheduleStore.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics, type Metrics } from '../../infra/metrics.ts';
import { createRabbitConnection, type RabbitConnection } from '../../infra/rabbit/connection.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import { AMQP_URL, testRetry } from '../helpers/rabbit.ts';
import { renderTrivially } from './world.ts';

export interface Pipeline {
  dispatcher?: Dispatcher;
  dispatcherState?: ScheduleStore;
  senders: Map<Channel, Sender>;
  alerter: Alerter;
  metrics: Metrics;
  rabbits: RabbitConnection[];
  stop(): Promise<void>;
}

/** Starts a dispatcher (optional) and one sender per provider given, on their own connections, as main.ts does. */
export async function startPipeline(o: {
  dir: string;
  store: EventStore;
  topology: Topology;
  providers: Partial<Record<Channel, Provider>>;
  dispatcher?: boolean;
  url?: string;
  sender?: Partial<SenderOptions>;
  scheduleTickMs?: number;
}): Promise<Pipeline> {
  const url = o.url ?? AMQP_URL;
  const metrics = createMetrics();
  const alerter = createAlerter({ logger: silentLogger, metrics });
  const rabbits: RabbitConnection[] = [];
  const connect = (name: string) => {
    const r = createRabbitConnection({ url, logger: silentLogger, name, initialDelayMs: 100, maxDelayMs: 1_000 });
    rabbits.push(r);
    return r;
  };
  let dispatcher: Dispatcher | undefined;
  let dispatcherState: ScheduleStore | undefined;
  if (o.dispatcher !== false) {
    dispatcherState = createSqliteScheduleStore(path.join(o.dir, 'dispatcher.sqlite'), o.topology.prefix);
    dispatcher = createDispatcher({
      eventStore: o.store,
      state: dispatcherState,
      rabbit: connect('test-dispatcher'),
      topology: o.topology,
      logger: silentLogger,
      metrics,
      scheduleTickMs: o.scheduleTickMs ?? 100,
    });
  }
  const senders = new Map<Channel, Sender>();
  const senderRabbit = connect('test-senders');
  for (const [channel, provider] of Object.entries(o.providers) as Array<[Channel, Provider]>) {
    senders.set(
      channel,
      createSender({
        channel,
        eventStore: o.store,
        rabbit: senderRabbit,
        topology: o.topology,
        provider,
        render: renderTrivially,
        logger: silentLogger,
        metrics,
        alerter,
        prefetch: 50,
        // The tiers of testTopology()'s default; a test with other tiers passes its policy in `sender`.
        retry: testRetry(),
        ...o.sender,
      }),
    );
  }
  for (const s of senders.values()) await s.start();
  await dispatcher?.start();
  return {
    dispatcher,
    dispatcherState,
    senders,
    alerter,
    metrics,
    rabbits,
    async stop() {
      await dispatcher?.stop();
      for (const s of senders.values()) await s.stop();
      for (const r of rabbits) await r.close();
      await dispatcherState?.close();
    },
  };
}
