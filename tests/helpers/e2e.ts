import { BREAKER_GAUGE, closeProviders, createProviders, simulatorPushOrigins } from '../../channels/providers/index.ts';
import { startSendersRole } from '../../channels/sender/role.ts';
import { CHANNELS } from '../../domain/events.ts';
import { createAlerter } from '../../infra/alerts.ts';
import { startDispatcherRole } from '../../dispatcher/role.ts';
import { startWorkflowRole } from '../../workflow/role.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { startTestApi, type TestApi } from '../api/helpers.ts';
import { startTestSimulator } from '../channels/simHelpers.ts';
import { simulatedProviders } from '../../app/simulated.ts';
import { retryPolicy } from '../../channels/retryPolicy.ts';
import { buildTopology, type Topology } from '../../infra/rabbit/topology.ts';
import { removeTopology, uniquePrefix } from './rabbit.ts';

export type TestSim = Awaited<ReturnType<typeof startTestSimulator>>;

export interface E2ePlatform {
  sim: TestSim;
  api: TestApi;
  topology: Topology;
  /** The registry the senders' breakers report to (notify_provider_breaker_state). */
  metrics: ReturnType<typeof createMetrics>;
  /** Stops the dispatcher (as a crash-free restart would) and starts a new one on the same state file. */
  restartDispatcher(): Promise<void>;
  /** The same for the workflow (digests, fallbacks, schedules) and its timers; `downMs`: stays stopped that long. */
  restartWorkflow(downMs?: number): Promise<void>;
  /** Stops the workflow role until `startWorkflow` (a test runs a part of it by hand meanwhile). */
  stopWorkflow(): Promise<void>;
  startWorkflow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole delivery path for end-to-end tests: the API on embedded stores, the dispatcher, the
 * workflow and the senders on a uniquely named topology (removed by stop), the real SDKs into the
 * simulator.
 */
export async function startE2ePlatform(name: string, apiOptions: Parameters<typeof startTestApi>[0]): Promise<E2ePlatform> {
  const prefix = uniquePrefix(name);
  const sim = await startTestSimulator();
  const stops: Array<() => Promise<void>> = [];
  let declared: Topology | undefined;
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    if (declared) await removeTopology(declared).catch(() => {});
    await sim.sim.stop();
  };
  try {
    // The simulator plays the push service on a port chosen now: its origin is a listed one, as in embedded mode.
    const pushOrigins = [...simulatorPushOrigins(sim.endpoint), apiOptions?.env?.WEB_PUSH_ALLOWED_ORIGINS ?? ''].filter((o) => o !== '').join(',');
    const api = await startTestApi({ ...apiOptions, env: { ...apiOptions?.env, WEB_PUSH_ALLOWED_ORIGINS: pushOrigins } });
    stops.push(() => api.close());
    const pipeline = api.config.pipeline;
    // Short tiers, so retries take milliseconds, unless the test chose its own (RETRY_DELAYS_MS).
    const retry = retryPolicy(apiOptions?.env?.RETRY_DELAYS_MS ? api.config.retry : { ...api.config.retry, tiersMs: [50, 100, 200] });
    const topology = buildTopology({ prefix, retry, deliveryLimit: pipeline.deliveryLimit });
    declared = topology;
    const metrics = createMetrics();
    const providers = createProviders(
      {
        providers: api.config.providers,
        publicUrl: api.config.publicUrl,
        simulated: simulatedProviders(sim.sim.provider.port, undefined, sim.sim.smtp.port),
        onBreakerState: (channel, provider, state) => metrics.breakerState.set({ channel, provider }, BREAKER_GAUGE[state]),
      },
      silentLogger,
    );
    const startDispatcher = () => startDispatcherRole({ config: api.config, pipeline, topology, eventStore: api.store, metrics, logger: silentLogger });
    let dispatcher = await startDispatcher();
    stops.push(() => dispatcher.stop());
    const startWorkflow = () => startWorkflowRole({ config: api.config, eventStore: api.store, metrics, logger: silentLogger, timerTickMs: pipeline.scheduleTickMs });
    let workflow = await startWorkflow();
    let workflowStopped = false;
    stops.push(async () => {
      if (!workflowStopped) await workflow.stop();
    });
    const senders = await startSendersRole({
      config: api.config,
      pipeline,
      retry,
      topology,
      channels: CHANNELS,
      providers,
      eventStore: api.store,
      metrics,
      alerter: createAlerter({ logger: silentLogger }),
      logger: silentLogger,
    });
    stops.push(async () => {
      await senders.stop();
      await closeProviders(providers);
    });
    const restartDispatcher = async () => {
      await dispatcher.stop();
      dispatcher = await startDispatcher();
    };
    const restartWorkflow = async (downMs = 0) => {
      await workflow.stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      workflow = await startWorkflow();
    };
    const stopWorkflow = async () => {
      if (!workflowStopped) await workflow.stop();
      workflowStopped = true;
    };
    const startWorkflowAgain = async () => {
      if (workflowStopped) workflow = await startWorkflow();
      workflowStopped = false;
    };
    return { sim, api, topology, metrics, restartDispatcher, restartWorkflow, stopWorkflow, startWorkflow: startWorkflowAgain, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
