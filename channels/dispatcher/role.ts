import path from 'node:path';
import { createRateCounter, parseRateLimits, type RateWindowSource } from '../../commands/rateLimits.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { PipelineConfig } from '../../infra/rabbit/config.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { createSqliteDispatcherState } from './sqliteState.ts';
import type { DispatcherStateStore } from './statePort.ts';

/** What the dispatcher needs of the configuration: the broker and where its state lives. */
export interface DispatcherRoleConfig {
  amqpUrl: string;
  dataDir: string;
  mongoUrl?: string;
  /** NOTIFY_RATE_LIMITS: fallback requests are rate limited like the API's. */
  api?: { userRateLimits?: string };
}

/** The `dispatcher` role: its own connection and state store (MongoDB when MONGO_URL is set, else SQLite in the data dir). */
export async function startDispatcherRole(deps: {
  config: DispatcherRoleConfig;
  pipeline: PipelineConfig;
  topology: Topology;
  eventStore: EventStore;
  metrics: Metrics;
  logger: Logger;
  /** The rate-window read model, so fallback requests count what other processes sent. */
  rateSource?: RateWindowSource;
}): Promise<{ dispatcher: Dispatcher; state: DispatcherStateStore; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'dispatcher' });
  let state: DispatcherStateStore;
  if (deps.config.mongoUrl) {
    const { createMongoDispatcherState } = await import('./mongoState.ts');
    state = await createMongoDispatcherState(deps.config.mongoUrl);
  } else {
    state = createSqliteDispatcherState(path.join(deps.config.dataDir, 'dispatcher.sqlite'));
  }
  const rabbit = createRabbitConnection({ url: deps.config.amqpUrl, logger, name: 'notify-dispatcher' });
  const dispatcher = createDispatcher({
    eventStore: deps.eventStore,
    state,
    rabbit,
    topology: deps.topology,
    logger,
    metrics: deps.metrics,
    maxInFlight: deps.pipeline.dispatcherMaxInFlight,
    scheduleTickMs: deps.pipeline.scheduleTickMs,
    notify: { rateCounter: createRateCounter(deps.rateSource), rateLimits: parseRateLimits(deps.config.api?.userRateLimits) },
  });
  await dispatcher.start();
  return {
    dispatcher,
    state,
    async stop() {
      await dispatcher.stop();
      await rabbit.close();
      await state.close();
    },
  };
}
