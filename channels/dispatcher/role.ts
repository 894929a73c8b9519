import path from 'node:path';
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
  databaseUrl?: string;
}

/** The dispatcher's state store, as its role opens it (the monitors read its checkpoint through it too). */
export async function openDispatcherState(config: Omit<DispatcherRoleConfig, 'amqpUrl'>): Promise<DispatcherStateStore> {
  if (config.mongoUrl) {
    const { createMongoDispatcherState } = await import('./mongoState.ts');
    return createMongoDispatcherState(config.mongoUrl);
  }
  if (config.databaseUrl) {
    const { createPostgresDispatcherState } = await import('./postgresState.ts');
    return createPostgresDispatcherState(config.databaseUrl);
  }
  return createSqliteDispatcherState(path.join(config.dataDir, 'dispatcher.sqlite'));
}

/**
 * The `dispatcher` role: its own connection and state store. The state follows the projection
 * store's choice: MongoDB when MONGO_URL is set, else PostgreSQL when DATABASE_URL is, else
 * SQLite in the data dir.
 */
export async function startDispatcherRole(deps: {
  config: DispatcherRoleConfig;
  pipeline: PipelineConfig;
  topology: Topology;
  eventStore: EventStore;
  metrics: Metrics;
  logger: Logger;
}): Promise<{ dispatcher: Dispatcher; state: DispatcherStateStore; /** Resolves once connected and following the log. */ ready: Promise<void>; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'dispatcher' });
  const state = await openDispatcherState(deps.config);
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
  });
  // Not awaited: the broker may come up later; the log keeps what is accepted meanwhile.
  const ready = dispatcher.start().catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, 'dispatcher did not start'));
  return {
    dispatcher,
    state,
    ready: ready.then(() => {}),
    async stop() {
      await dispatcher.stop();
      await rabbit.close();
      await state.close();
    },
  };
}
