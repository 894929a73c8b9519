import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from '../logger.ts';

/**
 * One AMQP connection that comes back by itself. Each user registers a setup hook that is
 * called on every (re)connect (assert topology, open channels, start consuming): a restart of
 * the broker is a reconnect with backoff, then the same set-up again.
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
  close(): Promise<void>;
}

export interface RabbitConnectionOptions {
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

  async function connectOnce(): Promise<ChannelModel> {
    const url = new URL(options.url);
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

  /** Runs until closed: connect, wait for the close, back off, connect again. */
  async function run(onFirst: (error?: Error) => void): Promise<void> {
    let delay = initialDelayMs;
    let first = true;
    while (!closing) {
      let current: ChannelModel;
      try {
        current = await connectOnce();
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (closing) break;
        log.warn({ err: error.message, retryInMs: delay }, 'rabbitmq connect failed; retrying');
        await sleep(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(maxDelayMs, delay * 2);
        continue;
      }
      if (closing) {
        await current.close().catch(() => {});
        break;
      }
      delay = initialDelayMs;
      conn = current;
      connects += 1;
      if (!first) log.info('rabbitmq reconnected');
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
      if (first) {
        first = false;
        onFirst();
      }
      const closeError = await new Promise<Error | undefined>((resolve) => current.once('close', (err?: Error) => resolve(err)));
      conn = undefined;
      for (const h of [...disconnectHandlers]) h(closeError);
      if (!closing) log.warn({ err: closeError?.message }, 'rabbitmq connection lost; reconnecting');
      if (!closing) await sleep(delay);
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
