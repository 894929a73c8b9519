import type { EventStore } from '../infra/eventStore/port.ts';
import { createLeaderLock, runSingleActive } from '../infra/stores/leaderLock.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import type { PipelineConfig } from '../infra/rabbit/config.ts';
import { createRabbitConnection } from '../infra/rabbit/connection.ts';
import type { Topology } from '../infra/rabbit/topology.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import type { ScheduleStore } from '../infra/scheduleStore.ts';
import { openScheduleStore } from '../infra/stores/scheduleStore.ts';
import { openCommitMarks } from '../infra/stores/commitMarks.ts';

/** What the dispatcher needs of the configuration: the broker and where its state lives. */
export interface DispatcherRoleConfig {
  amqpUrl: string;
  dataDir: string;
  mongoUrl?: string;
  databaseUrl?: string;
  pgPoolSize?: number;
}

/**
 * The `dispatcher` role: one active process at a time (it owns the checkpoint). The lock lives
 * with the state (infra/leader): on PostgreSQL or MongoDB a second process stands by and takes
 * over when the active one dies; on the embedded store a second one refuses to start.
 */
export async function startDispatcherRole(deps: {
  config: DispatcherRoleConfig;
  pipeline: PipelineConfig;
  topology: Topology;
  eventStore: EventStore;
  metrics: Metrics;
  logger: Logger;
  /** How often a standby tries the lock (and the active one checks it). */
  leaderPollMs?: number;
}): Promise<{ dispatcher(): Dispatcher | undefined; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'dispatcher' });
  const lock = await createLeaderLock(deps.config, 'dispatcher');
  const single = await runSingleActive({
    role: 'dispatcher',
    lock,
    logger,
    metrics: deps.metrics,
    ...(deps.leaderPollMs !== undefined && { pollMs: deps.leaderPollMs }),
    start: () => startActiveDispatcher(deps, logger),
  });
  return { dispatcher: () => single.current()?.dispatcher, stop: () => single.stop() };
}

/**
 * The active dispatcher: its own connection and state store. The state follows the projection
 * store's choice: MongoDB when MONGO_URL is set, else PostgreSQL when DATABASE_URL is, else
 * SQLite in the data dir.
 */
async function startActiveDispatcher(
  deps: { config: DispatcherRoleConfig; pipeline: PipelineConfig; topology: Topology; eventStore: EventStore; metrics: Metrics },
  logger: Logger,
): Promise<{ dispatcher: Dispatcher; state: ScheduleStore; stop(): Promise<void> }> {
  const state = await openScheduleStore(deps.config, 'dispatcher');
  const marks = await openCommitMarks(deps.config);
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
    marks,
  });
  // Not awaited: the broker may come up later; the log keeps what is accepted meanwhile.
  void dispatcher.start().catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, 'dispatcher did not start'));
  return {
    dispatcher,
    state,
    async stop() {
      await dispatcher.stop();
      await rabbit.close();
      await state.close();
      await marks.close();
    },
  };
}
