import type { Channel, TemplateEvent } from '../../domain/events.ts';
import { templateStream } from '../../commands/templates.ts';
import { templateDecider, templateVersion, type TemplateState } from '../../domain/template.ts';
import { loadState } from '../../commands/handle.ts';
import type { Alerter } from '../../infra/alerts.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { PipelineConfig } from '../../infra/rabbit/config.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import type { Providers } from '../port.ts';
import type { RetryPolicy } from '../retryPolicy.ts';
import { createRenderer, RenderError } from '../render/renderer.ts';
import { createRenderPool, DEFAULT_RENDER_POOL, type RenderPool, type RenderPoolConfig } from '../../infra/render/pool.ts';
import path from 'node:path';
import { createSender, type Sender } from './consumer.ts';
import { openJournal } from './journal.ts';
import { createOutcomeRecorder, type HeldOutcome } from './recorder.ts';
import { createClaimer } from '../../infra/claims.ts';
import { openClaimStore } from '../../infra/stores/claims.ts';

/** What the senders need of the configuration: the broker, and what tracking links are built from. */
export interface SendersRoleConfig {
  amqpUrl: string;
  /** The sender's outbox lives here (`outbox/`). */
  dataDir: string;
  publicUrl: string;
  trackingSecret: string;
  /** PREFERENCES_LINK_TTL_DAYS: life of the `{{ preferences_url }}` links minted at render time. */
  preferencesLinkTtlDays?: number;
  /** Where delivery claims are kept: like the dispatcher's state, MongoDB, else PostgreSQL, else `claims.sqlite` in dataDir. */
  mongoUrl?: string;
  databaseUrl?: string;
  pgPoolSize?: number;
  /** Each channel's provider timeout: the sender's own deadline sits 2 s above it, and a claim lasts 15 s past the longest deadline. */
  providers: { timeoutMs: Partial<Record<Channel, number>> };
  /** RENDER_WORKERS, RENDER_BUDGET_MS: the pool made when none is handed in. */
  render?: RenderPoolConfig;
}

/** How long a sender's own deadline allows past the provider's (the adapters' timeouts fire first). */
const DEADLINE_MARGIN_MS = 2_000;
/** How long a claim outlives the longest provider deadline: recording the outcome fits in it (the store's 10 s busy deadline, then the outbox). */
const CLAIM_MARGIN_MS = 15_000;

/**
 * The `senders` role: one connection, one consumer per channel asked for, the renderer and the
 * outcome recorder (with its outbox) shared by all. It starts without waiting for the broker: the
 * consumers begin whenever the connection comes up.
 */
export async function startSendersRole(deps: {
  config: SendersRoleConfig;
  pipeline: PipelineConfig;
  /** The policy `topology`'s delay queues were built from. */
  retry: RetryPolicy;
  topology: Topology;
  channels: readonly Channel[];
  providers: Providers;
  eventStore: EventStore;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
  /** The process's render pool (shared with its API); absent, the role makes and closes its own. */
  renderPool?: RenderPool;
}): Promise<{ senders: Sender[]; /** Resolves once every consumer is connected. */ ready: Promise<void>; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'senders' });
  const ownPool = deps.renderPool ? undefined : createRenderPool(deps.config.render ?? DEFAULT_RENDER_POOL);
  const renderer = createRenderer({
    pool: deps.renderPool ?? ownPool!,
    publicUrl: deps.config.publicUrl,
    trackingSecret: deps.config.trackingSecret,
    ...(deps.config.preferencesLinkTtlDays !== undefined && { preferencesLinkTtlDays: deps.config.preferencesLinkTtlDays }),
    // (templateId, version) is immutable once published, so the renderer caches what this returns.
    loadTemplate: async (appId, templateId, version) => {
      const { state } = await loadState<TemplateState, TemplateEvent>(deps.eventStore, templateDecider, await templateStream(deps.eventStore, appId, templateId), { cached: true });
      const found = templateVersion(state, version);
      if (!found) throw new RenderError('template_not_found', `template ${templateId} has no version ${version}`);
      return found;
    },
  });
  const journal = await openJournal<HeldOutcome>({ dir: path.join(deps.config.dataDir, 'outbox'), logger });
  const recorder = createOutcomeRecorder({ eventStore: deps.eventStore, journal, logger });
  // Outcomes a previous sender could not store go to the log before this one consumes (best effort:
  // if the store still refuses, the outbox keeps them and deliveries consult it).
  await recorder.replay();
  const deadline = (channel: Channel) => (deps.config.providers.timeoutMs[channel] ?? 10_000) + DEADLINE_MARGIN_MS;
  const claimer = createClaimer({
    store: await openClaimStore(deps.config),
    leaseMs: Math.max(0, ...deps.channels.map(deadline)) + CLAIM_MARGIN_MS,
    logger,
  });
  const rabbit = createRabbitConnection({ url: deps.config.amqpUrl, logger, name: 'notify-senders' });
  const senders = deps.channels.map((channel) =>
    createSender({
      channel,
      eventStore: deps.eventStore,
      rabbit,
      topology: deps.topology,
      retry: deps.retry,
      provider: deps.providers[channel],
      render: (request) => renderer.render(request),
      isPermanentRenderError: (e) => e instanceof RenderError,
      logger,
      metrics: deps.metrics,
      alerter: deps.alerter,
      prefetch: deps.pipeline.prefetch,
      ...(deps.pipeline.appMaxInFlight !== undefined && { appMaxInFlight: deps.pipeline.appMaxInFlight }),
      failingThreshold: deps.pipeline.failingThreshold,
      recoverAfter: deps.pipeline.recoverAfter,
      parkedQuietMs: deps.pipeline.parkedQuietMs,
      recorder,
      claimer,
      providerTimeoutMs: deadline(channel),
      deliveryLimit: deps.pipeline.deliveryLimit,
    }),
  );
  const started = Promise.all(senders.map((s) => s.start())).catch((e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, 'senders did not start'));
  return {
    senders,
    ready: started.then(() => {}),
    async stop() {
      // Stop consuming everywhere first, then close the connection the senders share.
      await Promise.all(senders.map((s) => s.stop()));
      await rabbit.close();
      // Last outcomes into the log if it takes them; what it refuses stays in the outbox file.
      await recorder.close();
      await journal.close();
      await claimer.close();
      await ownPool?.close();
    },
  };
}
