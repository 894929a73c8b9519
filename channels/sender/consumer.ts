import type { Channel as AmqpChannel, ConsumeMessage } from 'amqplib';
import type { Channel } from '../../domain/events.ts';
import { isFinal } from '../../domain/notification.ts';
import { readNotification } from '../../commands/readNotification.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import type { Alerter } from '../../infra/alerts.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { RabbitConnection } from '../../infra/rabbit/connection.ts';
import { attemptOf, parseDelivery, traceparentOf } from '../../infra/rabbit/message.ts';
import { channelNames, HEADERS } from '../../infra/rabbit/names.ts';
import { createConfirmPublisher } from '../../infra/rabbit/publisher.ts';
import { assertOnConnect, type Topology } from '../../infra/rabbit/topology.ts';
import { contextFromTraceparent, currentTraceparent, inSpan } from '../../infra/telemetry.ts';
import type { Provider } from '../port.ts';
import { deferral, putOffDelay, unsettledPauseMs, type RetryPolicy, type ScheduledRetry } from '../retryPolicy.ts';
import { deliver, failAtDeliveryLimit, type Action, type DeliverDeps, type ParkReason, type Render } from './deliver.ts';
import type { OutcomeRecorder } from './recorder.ts';
import type { Claimer } from '../../infra/claims.ts';
import { createFailureWatch } from './failureWatch.ts';
import { createFairnessGate } from './fairness.ts';

/**
 * The sender runtime for one channel: competing consumer on `notify.<channel>`, prefetch-bounded
 * concurrency. Every message ends acked exactly once its fate is in the log and, for a retry or
 * a park, once the copy it becomes is confirmed; a message whose fate could not be settled is
 * left unacked and comes back (the log makes the second look idempotent).
 */
export interface SenderOptions {
  channel: Channel;
  eventStore: EventStore;
  rabbit: RabbitConnection;
  topology: Topology;
  provider: Provider;
  render: Render;
  logger: Logger;
  metrics?: Pick<Metrics, 'notifications' | 'providerLatency' | 'retries' | 'parked'> & Partial<Pick<Metrics, 'deferred'>>;
  alerter?: Alerter;
  prefetch?: number;
  /** Attempts, delays and pauses (channels/retryPolicy.ts); its tiers must be the ones `topology` was built from. */
  retry: RetryPolicy;
  /**
   * One app's deliveries this consumer runs at once (SENDER_APP_MAX_IN_FLIGHT); the next wait here,
   * and a stuck app's beyond as many again are put off (fairness.ts). Default: no per-app limit.
   */
  appMaxInFlight?: number;
  providerTimeoutMs?: number;
  /** Consecutive provider failures on this channel that raise `channel_failing` (default 10). */
  failingThreshold?: number;
  /** Successes in a row that end a `channel_failing` incident (default 5). */
  recoverAfter?: number;
  /**
   * A parking incident ends after this long without a park (default 60 s) once every notification
   * parked in it is resolved (final in the log); parks inside it raise nothing new.
   */
  parkedQuietMs?: number;
  /** Records outcomes (batched, with the outbox); default: one plain append each. */
  recorder?: OutcomeRecorder;
  /** Claims each attempt before the provider call (claims.ts); default: no claims. */
  claimer?: Claimer;
  /**
   * The work queue's x-delivery-limit: on the last delivery the broker allows, the sender records
   * `NotificationFailed` (delivery_limit) and parks the message itself rather than let the broker
   * dead-letter it with no outcome in the log.
   */
  deliveryLimit?: number;
  isPermanentRenderError?: (e: unknown) => boolean;
  now?: () => Date;
  random?: () => number;
}

export interface SenderStats {
  received: number;
  redelivered: number;
  sent: number;
  failed: number;
  retried: number;
  parked: number;
  skipped: number;
  /** Copies put off because another delivery held the attempt's claim, or their app was at its limit. */
  deferred: number;
  /** Handler errors left unacked for redelivery (store down, publish not confirmed...). */
  errors: number;
}

export interface Sender {
  start(): Promise<void>;
  /** Stops consuming, lets in-flight sends finish and ack, closes the channel. Does not close `rabbit`. */
  stop(): Promise<void>;
  stats(): SenderStats;
}

export function createSender(o: SenderOptions): Sender {
  const names = channelNames(o.channel, o.topology.prefix);
  const log = o.logger.child({ channel: o.channel });
  const prefetch = o.prefetch ?? 50;
  // A tier the topology has no delay queue for would make every retry unroutable: refuse at once.
  if (o.retry.tiersMs.join() !== o.topology.retryTiers.map((t) => t.delayMs).join()) {
    throw new Error(`the retry policy's tiers (${o.retry.tiersMs.join()}) are not the topology's (${o.topology.retryTiers.map((t) => t.delayMs).join()})`);
  }
  const now = o.now ?? (() => new Date());
  const stats: SenderStats = { received: 0, redelivered: 0, sent: 0, failed: 0, retried: 0, parked: 0, skipped: 0, deferred: 0, errors: 0 };
  const unregisterTopology = assertOnConnect(o.rabbit, o.topology, (queues) =>
    log.warn({ queues }, 'delay queues on a RabbitMQ node that is down: retries through them are returned and come back until it is up'),
  );
  const publisher = createConfirmPublisher(o.rabbit, { logger: log, maxInFlight: Math.max(prefetch, 10) });
  const watch = createFailureWatch({
    channel: o.channel,
    threshold: o.failingThreshold ?? 10,
    ...(o.recoverAfter !== undefined ? { recoverAfter: o.recoverAfter } : {}),
    ...(o.alerter ? { alerter: o.alerter } : {}),
  });
  const parkedQuietMs = o.parkedQuietMs ?? 60_000;
  let parkedIncidentTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  const gate = o.appMaxInFlight !== undefined ? createFairnessGate({ maxInFlight: o.appMaxInFlight, maxHeld: o.appMaxInFlight }) : undefined;
  const deliverDeps: DeliverDeps = {
    channel: o.channel,
    eventStore: o.eventStore,
    provider: o.provider,
    render: o.render,
    retry: o.retry,
    ...(o.random ? { random: o.random } : {}),
    providerTimeoutMs: o.providerTimeoutMs ?? 10_000,
    now,
    ...(o.isPermanentRenderError ? { isPermanentRenderError: o.isPermanentRenderError } : {}),
    ...(o.recorder ? { record: o.recorder.record.bind(o.recorder), held: o.recorder.held.bind(o.recorder) } : {}),
    ...(o.claimer ? { claim: o.claimer.claim.bind(o.claimer) } : {}),
    onProviderResult: (result, seconds) => {
      o.metrics?.providerLatency.observe({ channel: o.channel, outcome: result.kind }, seconds);
      watch.observe(result);
    },
  };
  let consumer: { ch: AmqpChannel; tag: string } | undefined;
  let stopping = false;

  function ack(ch: AmqpChannel, msg: ConsumeMessage): void {
    try {
      ch.ack(msg);
    } catch {
      // The channel died under us: the broker redelivers the message, and the log says it is done.
    }
  }

  /** Notifications parked in the current incident: it ends only once each is final in the log. */
  const parkedIds = new Set<string>();

  async function unresolvedParked(): Promise<number> {
    for (const id of [...parkedIds]) {
      if (o.recorder?.held(id)?.final) {
        parkedIds.delete(id);
        continue;
      }
      const { state, revision } = await readNotification(o.eventStore, id);
      // No stream: nothing was ever accepted under this id, so nothing is owed.
      if (revision < 0 || isFinal(state.status)) parkedIds.delete(id);
    }
    return parkedIds.size;
  }

  function armParkedIncidentEnd(): void {
    clearTimeout(parkedIncidentTimer);
    parkedIncidentTimer = setTimeout(() => {
      unresolvedParked().then(
        (left) => {
          if (left === 0) o.alerter?.clear('message_parked', names.parkedQueue);
          else if (!stopping) armParkedIncidentEnd();
        },
        () => !stopping && armParkedIncidentEnd(),
      );
    }, parkedQuietMs);
    parkedIncidentTimer.unref();
  }

  async function park(ch: AmqpChannel, msg: ConsumeMessage, reason: ParkReason, detail: string, notificationId?: string): Promise<void> {
    const headers = {
      ...(msg.properties.headers ?? {}),
      [HEADERS.parkReason]: reason,
      [HEADERS.parkDetail]: detail.slice(0, 300),
      [HEADERS.parkedAt]: now().toISOString(),
      [HEADERS.parkedFrom]: names.queue,
    };
    delete (headers as Record<string, unknown>)[HEADERS.publishId];
    await publisher.publish('', names.parkedQueue, msg.content, {
      headers,
      ...(msg.properties.messageId ? { messageId: String(msg.properties.messageId) } : {}),
      ...(msg.properties.contentType ? { contentType: String(msg.properties.contentType) } : {}),
    });
    ack(ch, msg);
    stats.parked += 1;
    o.metrics?.parked.inc({ channel: o.channel, reason });
    log.warn({ reason, detail, messageId: msg.properties.messageId }, 'message parked');
    o.alerter?.raise('message_parked', names.parkedQueue, { channel: o.channel, reason });
    // One incident while parks keep coming; it ends after a quiet spell, not at the next success
    // (a 3% permanent-failure rate would otherwise raise one alert per parked message), and not
    // while a notification parked in it is still unresolved.
    if (notificationId) parkedIds.add(notificationId);
    armParkedIncidentEnd();
  }

  /**
   * Hands the message to the delay queue the policy chose (it dead-letters the copy back to the
   * work queue once `delayMs` has passed), confirmed, then acks the original. `attempt`: the
   * attempt header the copy carries.
   */
  async function republishDelayed(ch: AmqpChannel, msg: ConsumeMessage, delay: ScheduledRetry, attempt?: number, extraHeaders?: Record<string, unknown>): Promise<string> {
    const tier = o.topology.retryTiers[delay.tierIndex];
    if (!tier) throw new Error(`no retry tier ${delay.tierIndex}`);
    const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}), ...(attempt !== undefined ? { [HEADERS.attempt]: attempt } : {}), ...extraHeaders };
    delete headers[HEADERS.publishId];
    delete headers[HEADERS.deliveryCount];
    const tp = currentTraceparent();
    if (tp) headers[HEADERS.traceparent] = tp;
    await publisher.publish(names.retryExchange, tier.label, msg.content, {
      headers,
      expiration: String(delay.delayMs),
      contentType: 'application/json',
      ...(msg.properties.messageId ? { messageId: String(msg.properties.messageId) } : {}),
    });
    ack(ch, msg);
    return tier.label;
  }

  /** The delay is the one deliver() chose and recorded (`retryInMs`), so the log says when the retry comes. */
  async function scheduleRetry(ch: AmqpChannel, msg: ConsumeMessage, action: Extract<Action, { kind: 'retry' }>): Promise<void> {
    const tier = await republishDelayed(ch, msg, action, action.nextAttempt);
    stats.retried += 1;
    o.metrics?.retries.inc({ channel: o.channel, tier });
  }

  /**
   * Another delivery is making this attempt: the copy waits one first-tier delay (same attempt
   * header) and is read again then, when the log shows that delivery's outcome (or its claim has
   * expired because it died). Not an attempt: nothing is recorded.
   */
  async function defer(ch: AmqpChannel, msg: ConsumeMessage): Promise<void> {
    await republishDelayed(ch, msg, deferral(o.retry, o.random));
    stats.deferred += 1;
    o.metrics?.deferred?.inc({ channel: o.channel });
  }

  /**
   * The message's app is stuck at its in-flight limit (fairness.ts): back to the broker through a
   * retry tier, same attempt header (nothing was tried). It starts at the second tier (10 s by
   * default: a stuck app's calls take about a provider timeout to clear) and each put-off of the
   * same copy waits one tier longer, so a stuck app's backlog spreads out instead of cycling
   * through the consumer.
   */
  async function putOff(ch: AmqpChannel, msg: ConsumeMessage): Promise<void> {
    const times = Number((msg.properties.headers as Record<string, unknown> | undefined)?.[HEADERS.putOff] ?? 0) || 0;
    await republishDelayed(ch, msg, putOffDelay(o.retry, times, o.random), undefined, { [HEADERS.putOff]: times + 1 });
    stats.deferred += 1;
    o.metrics?.deferred?.inc({ channel: o.channel });
  }

  async function settle(ch: AmqpChannel, msg: ConsumeMessage, action: Action, notificationId: string): Promise<void> {
    switch (action.kind) {
      case 'ack':
        ack(ch, msg);
        if (action.note === 'sent') {
          stats.sent += 1;
          o.metrics?.notifications.inc({ channel: o.channel, status: 'sent' });
        } else if (action.note === 'failed') {
          stats.failed += 1;
          o.metrics?.notifications.inc({ channel: o.channel, status: 'failed' });
        } else stats.skipped += 1;
        return;
      case 'retry':
        return scheduleRetry(ch, msg, action);
      case 'defer':
        return defer(ch, msg);
      case 'park':
        if (action.reason === 'permanent' || action.reason === 'exhausted' || action.reason === 'delivery_limit') {
          stats.failed += 1;
          o.metrics?.notifications.inc({ channel: o.channel, status: 'failed' });
        }
        return park(ch, msg, action.reason, action.detail, notificationId);
      default: {
        const never: never = action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  }

  async function handle(ch: AmqpChannel, msg: ConsumeMessage): Promise<void> {
    stats.received += 1;
    if (msg.fields.redelivered) stats.redelivered += 1;
    const headers = msg.properties.headers as Record<string, unknown> | undefined;
    try {
      const parsed = parseDelivery(msg.content);
      if (!parsed.ok) return await park(ch, msg, parsed.reason, parsed.detail);
      if (parsed.message.channel !== o.channel) {
        return await park(ch, msg, 'wrong_channel', `${parsed.message.channel} message on the ${o.channel} queue`);
      }
      const { notificationId, appId } = parsed.message;
      const work = () =>
        inSpan(
          'sender.consume',
          async (span) => {
            span.setAttribute('notification.id', notificationId);
            span.setAttribute('messaging.source', names.queue);
            const deliveries = Number(headers?.[HEADERS.deliveryCount] ?? 0);
            // The broker allows this delivery and no other: settle it here, with an outcome in the log.
            const last = o.deliveryLimit !== undefined && deliveries > 0 && deliveries >= o.deliveryLimit - 1;
            const action = last
              ? await failAtDeliveryLimit(deliverDeps, notificationId, attemptOf(headers), deliveries)
              : await deliver(deliverDeps, notificationId, attemptOf(headers));
            span.setAttribute('action', action.kind);
            await settle(ch, msg, action, notificationId);
          },
          contextFromTraceparent(traceparentOf(headers)),
        );
      // Another app's slow provider calls must not hold this one's: see fairness.ts.
      const outcome = gate ? await gate.run(appId, work) : (await work(), 'done');
      if (outcome === 'put_off') await putOff(ch, msg);
    } catch (e) {
      // Never crash the consumer: the message stays unacked and is redelivered (the quorum
      // queue's delivery limit parks it if it keeps failing).
      stats.errors += 1;
      log.error({ err: e instanceof Error ? e.message : String(e), messageId: msg.properties.messageId }, 'delivery not settled; left for redelivery');
      // Back off before handing it back, so a store outage does not burn the delivery limit in a tight loop.
      const deliveries = Number(headers?.[HEADERS.deliveryCount] ?? 0);
      await new Promise((r) => setTimeout(r, unsettledPauseMs(o.retry, deliveries)));
      try {
        ch.nack(msg, false, true);
      } catch {
        // channel gone: redelivered anyway
      }
    }
  }

  const unregisterConsumer = o.rabbit.onConnect(async (conn) => {
    if (stopping) return;
    const ch = await conn.createChannel();
    ch.on('error', (e: Error) => log.warn({ err: e.message }, 'sender channel error'));
    await ch.prefetch(prefetch);
    const { consumerTag } = await ch.consume(
      names.queue,
      (msg) => {
        if (!msg) {
          log.warn('consumer cancelled by the broker (queue deleted?)');
          return;
        }
        const p = handle(ch, msg);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      },
      { noAck: false },
    );
    consumer = { ch, tag: consumerTag };
    ch.on('close', () => {
      if (consumer?.ch === ch) consumer = undefined;
    });
  });

  return {
    async start() {
      await o.rabbit.start();
      await o.rabbit.waitConnected();
      log.info({ queue: names.queue, prefetch }, 'sender started');
    },
    async stop() {
      stopping = true;
      clearTimeout(parkedIncidentTimer);
      gate?.close();
      unregisterConsumer();
      const c = consumer;
      if (c) await c.ch.cancel(c.tag).catch(() => {});
      await Promise.allSettled([...inFlight]);
      if (c) await c.ch.close().catch(() => {});
      await publisher.close();
      unregisterTopology();
      log.info({ stats }, 'sender stopped');
    },
    stats() {
      return { ...stats };
    },
  };
}
