import type { Channel } from '../domain/events.ts';
import { CHANNELS } from '../domain/events.ts';
import { createAlerter, type Alerter } from '../infra/alerts.ts';
import type { Config } from './config.ts';
import { resolveTrackingSecret, type StartConfig } from './secrets.ts';
import { createEventStore } from '../infra/stores/eventStore.ts';
import { createKeyVault } from '../infra/stores/keyVault.ts';
import type { EventStore } from '../infra/eventStore/port.ts';
import { createProjectionStore } from '../infra/stores/projectionStore.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { startProjectionRunner, type ProjectionRunner } from '../projections/runner.ts';
import { createLeaderLock, runSingleActive } from '../infra/stores/leaderLock.ts';
import type { Logger } from '../infra/logger.ts';
import { createMetrics, type Metrics } from '../infra/metrics.ts';
import { createOpsStatus } from '../monitors/status.ts';
import { startMonitorsRole } from '../monitors/role.ts';
import { projectionStoreReadiness, rabbitClusterReadiness, rabbitReadiness } from '../monitors/readiness.ts';
import { pickManagement } from '../monitors/management.ts';
import { createHealthRouter, createOpsRouter, serveOps, type ReadinessCheck } from '../infra/ops.ts';
import { instrumentEventStore } from '../infra/tracing/eventStore.ts';
import { BREAKER_GAUGE, closeProviders, createProviders, loadOrCreateVapidKeys, simulatedChannels, simulatorPushOrigins, type VapidKeys } from '../channels/providers/index.ts';
import { createRenderPool } from '../infra/render/pool.ts';
import { startSimulator } from '../simulator/index.ts';
import { simulatedProviders, withSimulatedReceiptSecrets } from './simulated.ts';
import { explainListenError, type ListenSetting } from './listenErrors.ts';
import { startTcpRelay } from '../infra/tcpRelay.ts';
import { startSendersRole } from '../channels/sender/role.ts';
import { startDispatcherRole } from '../dispatcher/role.ts';
import { startWorkflowRole } from '../workflow/role.ts';
import { rateWindowSource } from '../commands/rateLimits.ts';
import { openPublishOnCommit, type CommitPublisher } from '../commands/publishOnCommit.ts';
import { buildTopology } from '../infra/rabbit/topology.ts';
import { longestRetryWaitMs, retryPolicy } from '../channels/retryPolicy.ts';
import { createApi } from '../api/app.ts';
import { apiProjections } from '../api/projections.ts';
import { listenApi } from '../api/server.ts';
import { startInboxFeed } from '../api/feeds/inboxFeed.ts';
import { inboxAppliedPosition } from '../projections/inboxPosition.ts';

/**
 * The composition root: plain function calls, environment already read into `config`, no container.
 * Each role is started by one function owned by its part of the tree; `serve` runs them all.
 */
export const ROLES = ['simulator', 'projections', 'dispatcher', 'workflow', 'senders', 'monitors', 'api'] as const;
export type Role = (typeof ROLES)[number];

export interface PlatformOptions {
  roles: readonly Role[];
  channels: readonly Channel[];
  /** The API shares its port with sibling API processes (SO_REUSEPORT): set by the `serve` supervisor. */
  reusePort?: boolean;
}

export interface Platform {
  config: StartConfig;
  /** Where /metrics, /readyz and /healthz answer (OPS_HOST:OPS_PORT; the actual port when OPS_PORT=0). */
  opsPort: number;
  eventStore: EventStore;
  /** Read models (projections/queries.ts reads them); the projections role keeps them up to date. */
  projectionStore: ProjectionStore;
  /** Present while this process runs the projections role (not while it stands by). */
  readonly projections?: ProjectionRunner;
  metrics: Metrics;
  alerter: Alerter;
  stop(): Promise<void>;
}

/** The ports this process binds, by the variable that chose each: a failed listen names the one to change. */
export function listenSettings(config: Config, roles: readonly Role[]): ListenSetting[] {
  return [
    ...(roles.includes('api') ? [{ name: 'PORT', port: config.port }] : []),
    { name: 'OPS_PORT', port: config.opsPort, hostSetting: 'OPS_HOST' },
    ...(roles.includes('simulator') || (roles.includes('senders') && config.simHost !== undefined)
      ? [
          { name: 'SIM_PORT', port: config.simPort },
          { name: 'SIM_PROVIDER_PORT', port: config.simProviderPort },
          { name: 'SIM_SMTP_PORT', port: config.simSmtpPort },
        ]
      : []),
  ];
}

export async function startPlatform(given: Config, logger: Logger, options: PlatformOptions = { roles: ROLES, channels: CHANNELS }): Promise<Platform> {
  // First: a configuration that would send real mail with a guessable link secret never starts.
  const config = resolveTrackingSecret(given);
  const metrics = createMetrics();
  // Every append is timed (and traced when tracing is on) here, so no adapter has to know.
  // Per-user data keys, outside the log: the store seals personal data with them, the API destroys them on erasure.
  const keyVault = await createKeyVault(config, logger);
  const eventStore = instrumentEventStore(await createEventStore(config, logger, keyVault), metrics);
  const projectionStore = await createProjectionStore(config, logger);
  let projections: ProjectionRunner | undefined;
  const alerter = createAlerter({ logger, metrics, webhookUrl: config.alertWebhookUrl });
  // One topology for every channel (the dispatcher publishes to all of them), asserted by each role that uses RabbitMQ.
  const pipeline = config.pipeline;
  // RABBIT_PREFIX (default `notify`) lets tests, benchmarks and the demo run beside a live platform on one broker.
  // The one retry policy: the senders follow it, and the topology's delay queues are derived from it.
  const retry = retryPolicy(config.retry);
  const topology = buildTopology({
    prefix: config.rabbitPrefix,
    retry,
    deliveryLimit: pipeline.deliveryLimit,
    ...(pipeline.quorumReplicas !== undefined && { quorumReplicas: pipeline.quorumReplicas }),
  });
  // Readiness: each role adds the dependencies it cannot serve without; GET /readyz runs them all.
  // The simulator alone uses no store: a database outage must not take it out of rotation.
  const usesStores = options.roles.some((r) => r !== 'simulator');
  const readiness: ReadinessCheck[] = usesStores
    ? [{ name: 'eventStore', check: async () => void (await eventStore.headPosition()) }, projectionStoreReadiness(projectionStore)]
    : [];
  // GET /healthz, /readyz, /metrics on OPS_PORT (loopback by default); the public API port answers /healthz only.
  const opsRouter = createOpsRouter({ metrics, checks: readiness });
  let opsPort: number;
  // Web Push identity: configured (VAPID_*), or made once and kept in the data directory, so the
  // senders sign with the very key the API hands to front-ends (subscriptions are bound to it).
  let vapid: VapidKeys | undefined;
  const vapidKeys = (): VapidKeys => (vapid ??= config.providers.webPush ?? loadOrCreateVapidKeys(config.dataDir, 'mailto:notify@localhost'));
  // Stopped in reverse order of start: the API closes first so nothing new arrives while the rest drains.
  const stops: Array<() => Promise<void>> = [() => keyVault.close(), () => eventStore.close(), () => projectionStore.close()];

  if (options.roles.some((r) => r === 'dispatcher' || r === 'senders' || r === 'monitors')) {
    const rabbitReady = rabbitReadiness(config.amqpUrl, () => topology);
    readiness.push(rabbitReady);
    // Short per-node timeouts: /readyz gives each check 2 s, and a frozen node must not eat them all.
    readiness.push(rabbitClusterReadiness(pickManagement({ amqpUrl: config.amqpUrl, managementUrl: config.monitoring.managementUrl, logger, timeoutMs: 600 })));
    stops.push(() => rabbitReady.close());
  }

  async function stopAll(): Promise<void> {
    for (const stop of [...stops].reverse()) {
      try {
        await stop();
      } catch (e) {
        logger.warn({ err: e }, 'error while stopping');
      }
    }
  }

  // Publish on commit: one publisher per process, shared by the roles that commit requests (workflow, api).
  let commits: Promise<CommitPublisher> | undefined;
  const publishOnCommit = (): Promise<CommitPublisher> => {
    if (!commits) {
      const opened = openPublishOnCommit({ config, topology, logger: logger.child({ part: 'publish-on-commit' }), name: options.roles.includes('api') ? 'api' : 'workflow' });
      commits = opened;
      // Stopped after the roles that commit through it (pushed before them, stopped in reverse).
      stops.push(async () => (await opened).close());
    }
    return commits;
  };

  // The simulator's SMTP relay: its bound port when it runs in this process (SIM_SMTP_PORT may be 0).
  let simSmtpPort: number | undefined = config.simSmtpPort || undefined;
  // Its push-service origin with the port it bound (SIM_PROVIDER_PORT may be 0): subscriptions may point there.
  let simPushOrigins: string[] = [];
  // One render pool per process: the API's previews and publish checks and the senders share its workers.
  const renderPool = createRenderPool(config.render);
  stops.push(() => renderPool.close());

  // A role that fails to start (a port in use, a broker away) must not leave the ones before it
  // holding connections, timers and ports: stop what started, then report.
  try {
    for (const role of ROLES) {
      if (!options.roles.includes(role)) continue;
      switch (role) {
        case 'simulator': {
          // Default mode: any channel without credentials delivers to this in-process simulator.
          const simulated = simulatedChannels(config.providers);
          const asked = options.roles.length < ROLES.length;
          if (simulated.length === 0 && !asked) {
            logger.info('every channel has provider credentials: provider simulator not started');
            break;
          }
          const { url: receiptsUrl, ...rates } = config.simReceipts;
          const sim = await startSimulator({
            controlPort: config.simPort,
            providerPort: config.simProviderPort,
            smtpPort: config.simSmtpPort,
            host: config.simListenHost,
            // Receipts go back to this deployment's API, which checks them with the simulator's keys (withSimulatedReceiptSecrets).
            ...(receiptsUrl !== undefined && { receipts: { url: receiptsUrl, ...rates } }),
          });
          logger.info(
            { simulatedChannels: simulated, control: sim.urls.control, providers: sim.urls.provider },
            'provider simulator started (channels without credentials deliver to it)',
          );
          simSmtpPort = sim.smtp.port;
          if (!config.providers.webPush) simPushOrigins = simulatorPushOrigins({ host: '127.0.0.1', port: sim.provider.port });
          stops.push(() => sim.stop());
          break;
        }
        case 'projections': {
          // Single-active like the dispatcher: a standby (PostgreSQL, MongoDB) takes over when the active one dies.
          const single = await runSingleActive({
            role: 'projections',
            lock: await createLeaderLock(config, 'projections'),
            logger: logger.child({ role: 'projections' }),
            metrics,
            start: async () => {
              const runner = await startProjectionRunner({ eventStore, store: projectionStore, metrics, logger });
              projections = runner;
              return {
                runner,
                stop: async () => {
                  if (projections === runner) projections = undefined;
                  await runner.close();
                },
              };
            },
          });
          // A standby has nothing to lag behind: it is ready while it waits.
          readiness.push({ name: 'projections', check: async () => void (await single.current()?.runner.lag()) });
          stops.push(() => single.stop());
          break;
        }
        case 'dispatcher': {
          const role = await startDispatcherRole({ config, pipeline, topology, eventStore, metrics, logger });
          stops.push(() => role.stop());
          break;
        }
        case 'workflow': {
          // Fallback requests count what every process sent, as the API's requests do.
          const rateSource = rateWindowSource(projectionStore, () => projections?.positions().rateWindows);
          const role = await startWorkflowRole({ config, eventStore, metrics, logger, timerTickMs: pipeline.scheduleTickMs, rateSource, publishOnCommit: await publishOnCommit() });
          stops.push(() => role.stop());
          break;
        }
        case 'senders': {
          // Real or simulated is decided here, per channel: one without credentials gets the simulator's endpoint and identities.
          const simulated = simulatedChannels(config.providers).length > 0;
          // The simulator in another container (SIM_HOST): its endpoints answer on this one's loopback through relays.
          if (simulated && config.simHost !== undefined && !options.roles.includes('simulator')) {
            for (const port of [config.simProviderPort, config.simSmtpPort]) {
              const relay = await startTcpRelay({ listenHost: '127.0.0.1', port, target: { host: config.simHost, port } });
              stops.push(() => relay.close());
            }
            logger.info({ simHost: config.simHost, ports: [config.simProviderPort, config.simSmtpPort] }, 'simulator ports relayed from loopback to SIM_HOST');
          }
          const providers = createProviders(
            {
              providers: config.providers,
              publicUrl: config.publicUrl,
              simulatedVapid: vapidKeys(),
              ...(simulated && { simulated: simulatedProviders(config.simProviderPort, '127.0.0.1', simSmtpPort) }),
              onBreakerState: (channel, provider, state) => metrics.breakerState.set({ channel, provider }, BREAKER_GAUGE[state]),
            },
            logger,
          );
          const role = await startSendersRole({ config, pipeline, retry, topology, channels: options.channels, providers, eventStore, metrics, alerter, logger, renderPool });
          stops.push(async () => {
            await role.stop();
            await closeProviders(providers);
          });
          break;
        }
        case 'monitors': {
          const role = await startMonitorsRole({ config, topology, longestRetryWaitMs: longestRetryWaitMs(retry), eventStore, projectionStore, metrics, alerter, logger });
          stops.push(() => role.stop());
          break;
        }
        case 'api': {
          // The inbox's live feed follows the log here, so senders in other processes reach this API's streams.
          const feed = await startInboxFeed({
            eventStore,
            store: projectionStore,
            appliedPosition: inboxAppliedPosition(projectionStore, () => projections?.positions().inbox),
            logger,
          });
          stops.push(() => feed.close());
          const app = createApi({
            inbox: { store: projectionStore, feed },
            projectionStore,
            eventStore,
            keyVault,
            config: {
              ...config,
              api: { ...withSimulatedReceiptSecrets(config.api, config.providers), webPushAllowedOrigins: [...config.api.webPushAllowedOrigins, ...simPushOrigins] },
              vapidPublicKey: vapidKeys().publicKey,
            },
            renderPool,
            logger,
            // The in-process runner's position makes the rate limiter exact; without it, the stored checkpoint.
            projections: apiProjections(projectionStore, () => projections?.positions().rateWindows),
            extraRouters: [createHealthRouter()],
            opsStatus: createOpsStatus({ metrics, alerter, channels: options.channels }),
            metrics,
            publishOnCommit: await publishOnCommit(),
          });
          const server = await listenApi(app, config.port, undefined, {
            reusePort: options.reusePort ?? false,
            acceptors: config.api.acceptors,
            backlog: config.api.listenBacklog,
          });
          logger.info({ port: server.port }, 'API listening');
          stops.push(() => server.close());
          break;
        }
        default: {
          const never: never = role;
          throw new Error(`unknown role ${String(never)}`);
        }
      }
    }
    // Every process can be probed and scraped, on a port that is not the public one.
    const ops = await serveOps(opsRouter, config.opsPort, config.opsHost);
    opsPort = ops.port;
    logger.info({ host: config.opsHost, port: ops.port }, 'ops endpoints listening (/healthz, /readyz, /metrics)');
    stops.push(() => ops.close());
  } catch (e) {
    await stopAll();
    throw explainListenError(e, listenSettings(config, options.roles));
  }

  return {
    config,
    opsPort,
    eventStore,
    projectionStore,
    get projections() {
      return projections;
    },
    metrics,
    alerter,
    stop: stopAll,
  };
}
