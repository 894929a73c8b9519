import type { Channel, TemplateEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
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
import { createRenderer, RenderError } from '../render/renderer.ts';
import path from 'node:path';
import { createSender, type Sender } from './consumer.ts';
import { openJournal } from './journal.ts';
import { createOutcomeRecorder, type HeldOutcome } from './recorder.ts';

/** What the senders need of the configuration: the broker, and what tracking links are built from. */
export interface SendersRoleConfig {
  amqpUrl: string;
  /** The sender's outbox lives here (`outbox/`). */
  dataDir: string;
  publicUrl: string;
  trackingSecret: string;
}

/**
 * The `senders` role: one connection, one consumer per channel asked for, the renderer and the
 * outcome recorder (with its outbox) shared by all. It starts without waiting for the broker: the
 * consumers begin whenever the connection comes up.
 */
export async function startSendersRole(deps: {
  config: SendersRoleConfig;
  pipeline: PipelineConfig;
  topology: Topology;
  channels: readonly Channel[];
  providers: Providers;
  eventStore: EventStore;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
}): Promise<{ senders: Sender[]; /** Resolves once every consumer is connected. */ ready: Promise<void>; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'senders' });
  const renderer = createRenderer({
    publicUrl: deps.config.publicUrl,
    trackingSecret: deps.config.trackingSecret,
    // (templateId, version) is immutable once published, so the renderer caches what this returns.
    loadTemplate: async (templateId, version) => {
      const { state } = await loadState<TemplateState, TemplateEvent>(deps.eventStore, templateDecider, streams.template(templateId), { cached: true });
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
  const rabbit = createRabbitConnection({ url: deps.config.amqpUrl, logger, name: 'notify-senders' });
  const senders = deps.channels.map((channel) =>
    createSender({
      channel,
      eventStore: deps.eventStore,
      rabbit,
      topology: deps.topology,
      provider: deps.providers[channel],
      render: (request) => renderer.render(request),
      isPermanentRenderError: (e) => e instanceof RenderError,
      logger,
      metrics: deps.metrics,
      alerter: deps.alerter,
      prefetch: deps.pipeline.prefetch,
      failingThreshold: deps.pipeline.failingThreshold,
      recoverAfter: deps.pipeline.recoverAfter,
      parkedQuietMs: deps.pipeline.parkedQuietMs,
      recorder,
      deliveryLimit: deps.pipeline.deliveryLimit,
      ...(deps.pipeline.maxAttempts ? { maxAttempts: deps.pipeline.maxAttempts } : {}),
    }),
  );
  const started = Promise.all(senders.map((s) => s.start())).catch((e: unknown) =>
    logger.error({ err: e instanceof Error ? e.message : String(e) }, 'senders did not start'),
  );
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
    },
  };
}
