import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from '../logger.ts';
import { amqpNodeLabel, parseAmqpUrls } from './urls.ts';

/**
 * One AMQP connection that comes back by itself. Each user registers a setup hook that is
 * called on every (re)connect (assert topology, open channels, start consuming): a restart of
 * the broker is a reconnect with backoff, then the same set-up again.
 *
 * Given several nodes of a cluster (`url` comma-separated), it connects to one and, when that
 * connection is lost or refused, to the next in turn: a lost node costs a reconnect, not an
 * outage. The backoff grows only when a whole round of nodes has failed.
 */
export interface RabbitConnection {
  /** Resolves after the first successful connect and set-up. */
  start(): Promise<void>;
  /** `setup` runs now if connected, and again after every reconnect. Returns an unregister function. */
  onConnect(setup: (conn: ChannelModel) => Promise<void>): () => void;
  /** Called when the connection is lost (channels are gone; in-flight work must not ack). */
  onDisconnect(handler: (error: Error | undefined) => void): () => void;
  readonly connected: boolean;
  /** Successful connects so far (1 + reconnects). */
  readonly connects: number;
  /** Resolves when connected (immediately if already). */
  waitConnected(): Promise<void>;
  /**
   * Drops the current connection and connects to the next node: for a user that sees the node
   * misbehave while the connection itself stays up (a publisher whose every publish is nacked).
   */
  failover(reason: string): void;
  /** The node connected to now (host:port), for logs and status. */
  readonly node: string | undefined;
  close(): Promise<void>;
}

export interface RabbitConnectionOptions {
  /** One node's URL, or several nodes of one cluster separated by commas. */
  url: string;
  logger: Logger;
  /** Shown in the broker's connection list. */
  name?: string;
  initialDelayMs?: number;
  maxDelayMs?: number;
  heartbeatSeconds?: number;
}

export function createRabbitConnection(options: RabbitConnectionOptions): RabbitConnection {
  const initialDelayMs = options.initialDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const log = options.logger;
  const urls = parseAmqpUrls(options.url);
  /** The node to try next: a list is walked in turn, starting where the last connection was. */
  let nodeIndex = 0;
  let node: string | undefined;
  const setups = new Set<(conn: ChannelModel) => Promise<void>>();
  const disconnectHandlers = new Set<(error: Error | undefined) => void>();
  let conn: ChannelModel | undefined;
  let closing = false;
  let loop: Promise<void> | undefined;
  let waiters: Array<() => void> = [];
  let firstConnect: Promise<void> | undefined;
  let wakeSleep: (() => void) | undefined;
  let connects = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wakeSleep = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function connectOnce(target: string): Promise<ChannelModel> {
    const url = new URL(target);
    if (options.heartbeatSeconds !== undefined || !url.searchParams.has('heartbeat')) {
      url.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 10));
    }
    // A connect that neither succeeds nor fails (dropped SYNs) must not stall the reconnect loop.
    const c = await amqp.connect(url.toString(), { clientProperties: { connection_name: options.name ?? 'notify' }, timeout: 10_000 });
    // An 'error' is always followed by 'close'; handling it here keeps it from crashing the process.
    c.on('error', (e: Error) => log.warn({ err: e.message }, 'rabbitmq connection error'));
    c.on('blocked', (reason: string) => log.warn({ reason }, 'rabbitmq blocked the connection (resource alarm)'));
    try {
      for (const setup of [...setups]) await setup(c);
    } catch (e) {
      await c.close().catch(() => {});
      throw e;
    }
    return c;
  }

  /** Runs until closed: connect, wait for the close, back off, connect again (to the next node). */
  async function run(onFirst: (error?: Error) => void): Promise<void> {
    let delay = initialDelayMs;
    let first = true;
    /** Nodes refused in a row: a full round of them is what earns a backoff. */
    let failedInRound = 0;
    while (!closing) {
      let current: ChannelModel;
      const target = urls[nodeIndex % urls.length] ?? urls[0]!;
      try {
        current = await connectOnce(target);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (closing) break;
        nodeIndex = (nodeIndex + 1) % urls.length;
        failedInRound += 1;
        if (failedInRound < urls.length) {
          log.warn({ err: error.message, node: amqpNodeLabel(target), next: amqpNodeLabel(urls[nodeIndex]!) }, 'rabbitmq connect failed; trying the next node');
          continue;
        }
        failedInRound = 0;
        log.warn({ err: error.message, node: amqpNodeLabel(target), retryInMs: delay }, 'rabbitmq connect failed; retrying');
        await sleep(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(maxDelayMs, delay * 2);
        continue;
      }
      failedInRound = 0;
      if (closing) {
        await current.close().catch(() => {});
        break;
      }
      delay = initialDelayMs;
      conn = current;
      node = amqpNodeLabel(target);
      connects += 1;
      if (!first) log.info({ node }, 'rabbitmq reconnected');
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
      if (first) {
        first = false;
        onFirst();
      }
      const closeError = await new Promise<Error | undefined>((resolve) => current.once('close', (err?: Error) => resolve(err)));
      conn = undefined;
      node = undefined;
      for (const h of [...disconnectHandlers]) h(closeError);
      // The node that dropped us is the likeliest to be down: start with the next one, at once when
      // there is one (a single node gets the usual pause before it is asked again).
      nodeIndex = (nodeIndex + 1) % urls.length;
      if (!closing) log.warn({ err: closeError?.message, next: amqpNodeLabel(urls[nodeIndex]!) }, 'rabbitmq connection lost; reconnecting');
      if (!closing && urls.length === 1) await sleep(delay);
    }
  }

  return {
    start() {
      if (!firstConnect) {
        firstConnect = new Promise<void>((resolve) => {
          loop = run(() => resolve());
        });
      }
      return firstConnect;
    },
    onConnect(setup) {
      setups.add(setup);
      if (conn) {
        const c = conn;
        setup(c).catch((e: unknown) => {
          log.error({ err: e instanceof Error ? e.message : String(e) }, 'rabbitmq set-up failed; reconnecting');
          void c.close().catch(() => {});
        });
      }
      return () => setups.delete(setup);
    },
    onDisconnect(handler) {
      disconnectHandlers.add(handler);
      return () => disconnectHandlers.delete(handler);
    },
    get connected() {
      return conn !== undefined;
    },
    get connects() {
      return connects;
    },
    waitConnected() {
      if (conn) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    failover(reason) {
      const c = conn;
      if (!c || closing) return;
      log.warn({ node, reason }, 'rabbitmq: leaving this node for the next');
      // The close ends the wait in run(), which moves on to the next node. A node that no longer
      // answers (paused, partitioned) never confirms the close: drop the socket after a moment.
      const drop = setTimeout(() => (c.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy(), 1_000);
      drop.unref();
      void c
        .close()
        .catch(() => {})
        .finally(() => clearTimeout(drop));
    },
    get node() {
      return node;
    },
    async close() {
      closing = true;
      wakeSleep?.();
      const c = conn;
      if (c) await c.close().catch(() => {});
      await loop;
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    },
  };
}
