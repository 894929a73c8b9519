import type { CommitPublisher } from '../commands/publishOnCommit.ts';
import { createRateCounter, parseRateLimits, type RateWindowSource } from '../commands/rateLimits.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import { loadOrCreateSecret } from '../infra/secrets.ts';
import { createLeaderLock, runSingleActive } from '../infra/stores/leaderLock.ts';
import { openScheduleStore } from '../infra/stores/scheduleStore.ts';
import { createFanoutRunner } from './fanout.ts';
import { createWorkflowRunner, type WorkflowRunner } from './runner.ts';

/** What the workflow needs of the configuration: where its state lives, and how it makes notifications. */
export interface WorkflowRoleConfig {
  dataDir: string;
  mongoUrl?: string;
  databaseUrl?: string;
  /** NOTIFY_ID_KEY: digests and fallbacks derive notification ids like the API (unset: the data dir's key). */
  notifyIdKey?: string;
  /** NOTIFY_RATE_LIMITS: fallback requests are rate limited like the API's. */
  api?: { userRateLimits?: string };
}

/**
 * The `workflow` role: digests, fallbacks and topic fan-outs, one active process at a time (it owns its checkpoint
 * and timers). Like the dispatcher, the lock lives with the state (infra/leader): on PostgreSQL or
 * MongoDB a second process stands by and takes over, on the embedded store a second one refuses.
 */
export async function startWorkflowRole(deps: {
  config: WorkflowRoleConfig;
  eventStore: EventStore;
  metrics: Metrics;
  logger: Logger;
  /** How often due timers are looked for (DISPATCHER_SCHEDULE_TICK_MS, shared with the dispatcher's schedule). */
  timerTickMs?: number;
  /** How often a standby tries the lock (and the active one checks it). */
  leaderPollMs?: number;
  /** The rate-window read model, so fallback requests count what other processes sent. */
  rateSource?: RateWindowSource;
  /** Publishes fallback requests right after their commit; absent, the dispatcher relays them. */
  publishOnCommit?: CommitPublisher;
}): Promise<{ workflow(): WorkflowRunner | undefined; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'workflow' });
  const single = await runSingleActive({
    role: 'workflow',
    lock: await createLeaderLock(deps.config, 'workflow'),
    logger,
    metrics: deps.metrics,
    ...(deps.leaderPollMs !== undefined && { pollMs: deps.leaderPollMs }),
    start: async () => {
      const state = await openScheduleStore(deps.config, 'workflow');
      const notify = {
        idKey: deps.config.notifyIdKey ?? loadOrCreateSecret(deps.config.dataDir, 'notify-id-key'),
        rateCounter: createRateCounter(deps.rateSource),
        rateLimits: parseRateLimits(deps.config.api?.userRateLimits),
        ...(deps.publishOnCommit && { publishOnCommit: deps.publishOnCommit }),
      };
      const workflow = createWorkflowRunner({
        eventStore: deps.eventStore,
        state,
        logger,
        ...(deps.timerTickMs !== undefined && { timerTickMs: deps.timerTickMs }),
        notify,
      });
      // Topic sends past 1,000 subscribers: their own follower and checkpoint, under the same lock.
      const fanoutState = await openScheduleStore(deps.config, 'fanout');
      const fanout = createFanoutRunner({ eventStore: deps.eventStore, state: fanoutState, notify, logger: logger.child({ part: 'fanout' }) });
      try {
        await workflow.start();
        await fanout.start();
      } catch (e) {
        await workflow.stop();
        await Promise.all([state.close(), fanoutState.close()]);
        throw e;
      }
      return {
        workflow,
        async stop() {
          await Promise.all([workflow.stop(), fanout.stop()]);
          await Promise.all([state.close(), fanoutState.close()]);
        },
      };
    },
  });
  return { workflow: () => single.current()?.workflow, stop: () => single.stop() };
}
