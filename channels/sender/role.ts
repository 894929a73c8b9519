import type { Channel, TemplateEvent } from '../../domain/events.ts';
import { streams } from '../../domain/streams.ts';
import { templateDecider, templateVersion, type TemplateState } from '../../domain/template.ts';
import { loadState } from '../../commands/handle.ts';
import type { Alerter } from '../../infra/alerts.ts';
import type { Config } from '../../app/config.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { PipelineConfig } from '../../infra/rabbit/config.ts';
import { createRabbitConnection } from '../../infra/rabbit/connection.ts';
import type { Topology } from '../../infra/rabbit/topology.ts';
import type { Providers } from '../port.ts';
import { createRenderer, RenderError } from '../render/renderer.ts';
import { createSender, type Sender } from './consumer.ts';

/** The `senders` role: one connection, one consumer per channel asked for, the renderer shared by all. */
export async function startSendersRole(deps: {
  config: Pick<Config, 'amqpUrl' | 'publicUrl'> & { trackingSecret: string };
  pipeline: PipelineConfig;
  topology: Topology;
  channels: readonly Channel[];
  providers: Providers;
  eventStore: EventStore;
  metrics: Metrics;
  alerter: Alerter;
  logger: Logger;
}): Promise<{ senders: Sender[]; stop(): Promise<void> }> {
  const logger = deps.logger.child({ role: 'senders' });
  const renderer = createRenderer({
    publicUrl: deps.config.publicUrl,
    trackingSecret: deps.config.trackingSecret,
    // (templateId, version) is immutable once published, so the renderer caches what this returns.
    loadTemplate: async (templateId, version) => {
      const { state } = await loadState<TemplateState, TemplateEvent>(deps.eventStore, templateDecider, streams.template(templateId));
      const found = templateVersion(state, version);
      if (!found) throw new RenderError('template_not_found', `template ${templateId} has no version ${version}`);
      return found;
    },
  });
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
      ...(deps.pipeline.maxAttempts ? { maxAttempts: deps.pipeline.maxAttempts } : {}),
    }),
  );
  for (const s of senders) await s.start();
  return {
    senders,
    async stop() {
      // Stop consuming everywhere first, then close the connection the senders share.
      await Promise.all(senders.map((s) => s.stop()));
      await rabbit.close();
    },
  };
}
