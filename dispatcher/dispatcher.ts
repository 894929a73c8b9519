import type { NotificationRequested } from '../domain/events.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import { keepCheckpoint } from '../infra/eventStore/checkpoint.ts';
import { followLog, type LogFollower } from '../infra/eventStore/follower.ts';
import type { Logger } from '../infra/logger.ts';
import { dispatcherLagGauge, type Metrics } from '../infra/metrics.ts';
import type { RabbitConnection } from '../infra/rabbit/connection.ts';
import { publishDelivery, type DeliveryMessage } from '../infra/rabbit/message.ts';
import { channelNames } from '../infra/rabbit/names.ts';
import { createConfirmPublisher, PublishError } from '../infra/rabbit/publisher.ts';
import { assertOnConnect, type Topology } from '../infra/rabbit/topology.ts';
import { contextFromTraceparent, currentTraceparent, inSpan } from '../infra/telemetry.ts';
import type { ScheduleStore } from '../infra/scheduleStore.ts';
import type { CommitMarks } from '../infra/commitMarks.ts';
import { handover, publishesAtOnce, type CommitMark, type Handover } from '../domain/publishOnCommit.ts';

/** How often a waited-on committer's mark is read again (it writes it every ~150 ms). */
/** The only events the relay acts on (handleEvent); every other type is passed over unparsed. */
export const DISPATCHER_EVENT_TYPES = ['NotificationRequested', 'NotificationRedriven', 'NotificationCanceled'] as const;

const MARK_POLL_MS = 50;
/** Committer rows silent this long are forgotten (a later request of theirs would be published here, never lost). */
const MARK_RETENTION_MS = 86_400_000;

/**
 * A relay: follows the log from its checkpoint and turns each due NotificationRequested (and each
 * NotificationRedriven) into one persistent message on its channel's exchange. It decides nothing
 * beyond what the event says: a digest member (`digest` set) is held for its window, which the
 * workflow closes into a notification of its own; a `scheduleAt` in the future waits in the
 * dispatcher's schedule; a cancel takes an entry out of it. The checkpoint moves only over events
 * whose message was confirmed (or, for a scheduled one, whose entry was stored), in log order: a
 * crash republishes at most the unconfirmed window, and the senders' idempotency absorbs those.
 */
export interface DispatcherOptions {
  eventStore: EventStore;
  state: ScheduleStore;
  rabbit: RabbitConnection;
  topology: Topology;
  logger: Logger;
  metrics?: Pick<Metrics, 'dispatcherLag' | 'dispatcherLagBytes'>;
  /** Unconfirmed publishes allowed at once (docs/delivery-pipeline.md: ~100 is the best trade-off). */
  maxInFlight?: number;
  /** How often due scheduled notifications are looked for. */
  scheduleTickMs?: number;
  checkpointFlushMs?: number;
  lagIntervalMs?: number;
  now?: () => Date;
  /**
   * Publish on commit's marks (commands/publishOnCommit.ts): a request tagged with its committer
   * is skipped once that committer confirmed it, and published here only when the committer went
   * silent or did not confirm it in time. Absent: tagged requests are published like the rest.
   */
  marks?: CommitMarks;
  /** A committer silent this long is taken for dead (default 3 s). */
  committerStaleMs?: number;
  /** A tagged request unconfirmed this long is published here even if its committer lives (default 10 s). */
  committerMaxWaitMs?: number;
}

export interface DispatcherStats {
  published: number;
  scheduled: number;
  publishedScheduled: number;
  /** Digest members passed over: the workflow gathers them into their window's notification. */
  held: number;
  /** Requests their committer published and confirmed: passed over. */
  confirmedByCommitter: number;
  /** Tagged requests published here: their committer went silent or was late. */
  takenOver: number;
  checkpoint: number;
  lastRead: number;
}

export interface Dispatcher {
  start(): Promise<void>;
  /** Stops reading, gives unconfirmed publishes `graceMs` to land, saves the checkpoint. Does not close `rabbit`. */
  stop(graceMs?: number): Promise<void>;
  stats(): DispatcherStats;
  /** Events between the log head and the checkpoint. */
  lag(): Promise<number>;
}

interface Tracked {
  position: number;
  done: boolean;
}

export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const maxInFlight = o.maxInFlight ?? 100;
  const now = o.now ?? (() => new Date());
  const log = o.logger;
  const channels = new Set<string>(o.topology.channels);
  const unregisterTopology = assertOnConnect(o.rabbit, o.topology);
  const publisher = createConfirmPublisher(o.rabbit, { logger: log, maxInFlight });

  /** Set first on stop: no new publish starts. */
  let stopReading = false;
  /** Set once the grace period is over: publishes still unconfirmed give up. */
  let stopping = false;
  let follower: LogFollower | undefined;
  const checkpoint = keepCheckpoint(o.state, { logger: log, name: 'dispatcher' });
  const tracked: Tracked[] = [];
  let inFlight = 0;
  let slotWaiters: Array<() => void> = [];
  const inFlightWork = new Set<Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let tickBusy = false;
  const stats = { published: 0, scheduled: 0, publishedScheduled: 0, held: 0, confirmedByCommitter: 0, takenOver: 0 };
  const marks = o.marks;
  const markCache = new Map<string, { mark: CommitMark | undefined; readAt: number }>();

  function advance(): void {
    while (tracked.length > 0 && tracked[0]!.done) {
      checkpoint.move(tracked.shift()!.position);
    }
  }

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

  /** Publishes until confirmed; gives up only when stopping (the event stays before the checkpoint). */
  async function publishUntilConfirmed(message: DeliveryMessage, traceparent: string | undefined): Promise<boolean> {
    const names = channelNames(message.channel, o.topology.prefix);
    let delay = 100;
    while (!stopping) {
      try {
        await inSpan(
          'dispatch.publish',
          async (span) => {
            span.setAttribute('notification.id', message.notificationId);
            span.setAttribute('messaging.destination', names.exchange);
            await publishDelivery(publisher, o.topology.prefix, message, currentTraceparent() ?? traceparent);
          },
          contextFromTraceparent(traceparent),
        );
        return true;
      } catch (e) {
        if (stopping) return false;
        const reason = e instanceof PublishError ? e.reason : 'error';
        // A broker outage is logged once by the connection; per-message lines would flood the log.
        const level = reason === 'not_connected' || reason === 'channel_closed' ? 'debug' : 'warn';
        log[level]({ notificationId: message.notificationId, reason, retryInMs: delay }, 'dispatch publish not confirmed; retrying');
        if (!o.rabbit.connected) await Promise.race([o.rabbit.waitConnected(), sleep(delay)]);
        else await sleep(delay);
        delay = Math.min(5_000, delay * 2);
      }
    }
    return false;
  }

  async function acquireSlot(): Promise<void> {
    while (inFlight >= maxInFlight && !stopReading) await new Promise<void>((r) => slotWaiters.push(r));
    inFlight += 1;
  }
  function releaseSlot(): void {
    inFlight -= 1;
    slotWaiters.shift()?.();
  }

  function track(work: Promise<unknown>): void {
    inFlightWork.add(work);
    void work.finally(() => inFlightWork.delete(work));
  }

  /** Nothing to publish up to `position`: the checkpoint may pass it once everything before it is confirmed. */
  function passedOver(position: number): void {
    if (tracked.length === 0) checkpoint.move(position);
    else tracked.push({ position, done: true });
  }

  async function handleEvent(event: RecordedEvent): Promise<void> {
    // A redrive is published like a fresh request (now, never scheduled): the sender continues its attempts.
    if (event.type === 'NotificationRedriven' && channels.has(event.data.channel)) {
      const { notificationId, channel, appId } = event.data;
      return publishTracked(event.position, { notificationId, channel, appId }, event.metadata.traceparent);
    }
    if (event.type === 'NotificationCanceled') {
      // A canceled notification leaves the schedule before the checkpoint passes the cancel; the
      // senders skip one already on a queue (canceled is final).
      await o.state.remove(event.data.notificationId);
    }
    // A digest member is never published alone: the event says so, and the workflow carries it in its window's digest.
    const held = event.type === 'NotificationRequested' && channels.has(event.data.channel) && event.data.digest !== undefined;
    if (held) stats.held += 1;
    if (event.type !== 'NotificationRequested' || !channels.has(event.data.channel) || held) return passedOver(event.position);
    const data: NotificationRequested['data'] = event.data;
    const traceparent = event.metadata.traceparent;
    const message: DeliveryMessage = { notificationId: data.notificationId, channel: data.channel, appId: data.appId };
    const committer = event.metadata.committer;
    if (committer !== undefined && marks) {
      // Its committer judged it due at once (the same rule) and publishes it: ours only if it does not confirm.
      const decision = await awaitCommitter(marks, committer, event);
      switch (decision) {
        case 'skip':
          stats.confirmedByCommitter += 1;
          tracked.push({ position: event.position, done: true });
          advance();
          return;
        case 'stopped':
          // Left before the checkpoint: the next start decides again.
          tracked.push({ position: event.position, done: false });
          return;
        case 'publish':
          stats.takenOver += 1;
          return publishTracked(event.position, message, traceparent);
        default: {
          const never: never = decision;
          throw new Error(`unknown handover ${String(never)}`);
        }
      }
    }
    // The digest members left above: what the rule keeps back here is a request scheduled for later.
    if (data.scheduleAt !== undefined && !publishesAtOnce(data, now())) {
      // Stored before the checkpoint may pass it: the entry, not the log, now holds the promise to send.
      await o.state.schedule({ ...message, dueAt: data.scheduleAt, position: event.position, ...(traceparent ? { traceparent } : {}) });
      stats.scheduled += 1;
      tracked.push({ position: event.position, done: true });
      advance();
      return;
    }
    await publishTracked(event.position, message, traceparent);
  }

  /** A mark read at most every MARK_POLL_MS per committer: one read covers every request it confirmed since. */
  async function markOf(m: CommitMarks, committer: string): Promise<CommitMark | undefined> {
    const cached = markCache.get(committer);
    if (cached && Date.now() - cached.readAt < MARK_POLL_MS) return cached.mark;
    const mark = await m.get(committer);
    markCache.set(committer, { mark, readAt: Date.now() });
    return mark;
  }

  /** Waits (in log order: the follower stays a little behind the committers) until the request is confirmed or is ours to publish. */
  async function awaitCommitter(m: CommitMarks, committer: string, event: RecordedEvent): Promise<Exclude<Handover, 'wait'> | 'stopped'> {
    for (;;) {
      if (stopReading) return 'stopped';
      const decision = handover({
        position: event.position,
        recordedAt: Date.parse(event.recordedAt),
        now: now().getTime(),
        mark: await markOf(m, committer),
        staleMs: o.committerStaleMs ?? 3_000,
        maxWaitMs: o.committerMaxWaitMs ?? 10_000,
      });
      if (decision !== 'wait') return decision;
      await sleep(MARK_POLL_MS);
    }
  }

  async function publishTracked(position: number, message: DeliveryMessage, traceparent: string | undefined): Promise<void> {
    await acquireSlot();
    if (stopReading) {
      // Never tracked as done: the checkpoint stays before it and the next start publishes it.
      releaseSlot();
      tracked.push({ position, done: false });
      return;
    }
    const entry: Tracked = { position, done: false };
    tracked.push(entry);
    track(
      publishUntilConfirmed(message, traceparent)
        .then((ok) => {
          if (!ok) return;
          stats.published += 1;
          entry.done = true;
          advance();
        })
        .finally(releaseSlot),
    );
  }

  async function publishDue(): Promise<void> {
    if (tickBusy || stopReading) return;
    tickBusy = true;
    try {
      const due = await o.state.due(now(), 500);
      await Promise.all(
        due.map(async (e) => {
          // A workflow timer left by a dispatcher that ran the workflow itself: the workflow, reading
          // the log from its own first checkpoint, sets it again in its own store.
          if (e.timer) return o.state.remove(e.notificationId);
          await acquireSlot();
          try {
            if (stopReading) return;
            const ok = await publishUntilConfirmed({ notificationId: e.notificationId, channel: e.channel, appId: e.appId }, e.traceparent);
            if (ok) {
              // Removed only after the confirm: a crash in between republishes, never loses.
              await o.state.remove(e.notificationId);
              stats.publishedScheduled += 1;
            }
          } finally {
            releaseSlot();
          }
        }),
      );
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'publishing scheduled notifications failed');
    } finally {
      tickBusy = false;
    }
  }

  async function lag(): Promise<number> {
    return Math.max(0, (await o.eventStore.headPosition()) - checkpoint.position);
  }

  return {
    async start() {
      await o.rabbit.start();
      // Stopped while waiting for the broker: start nothing.
      if (stopReading) return;
      log.info({ checkpoint: await checkpoint.load() }, 'dispatcher starting');
      // The follower resumes after the last event handled: one that failed is read again.
      // Ids, channels and times are all it reads of an event: events come sealed, with no key lookup
      // and no cipher per event.
      // Only the types it acts on are parsed: the sends and receipts that make up most of the log are
      // passed over by the store, and still move the checkpoint (in order, behind any unconfirmed publish).
      follower = followLog({
        name: 'dispatcher',
        eventStore: o.eventStore,
        after: checkpoint.position,
        onEvent: handleEvent,
        types: DISPATCHER_EVENT_TYPES,
        onSkipped: passedOver,
        logger: log,
        personalData: false,
      });
      timers.push(setInterval(() => void checkpoint.flush(), o.checkpointFlushMs ?? 200));
      timers.push(setInterval(() => void publishDue(), o.scheduleTickMs ?? 1_000));
      timers.push(
        setInterval(() => {
          lag()
            .then((n) => o.metrics && dispatcherLagGauge(o.metrics, o.eventStore.positionUnit).set(n))
            .catch(() => {});
        }, o.lagIntervalMs ?? 1_000),
      );
      void publishDue();
      if (marks) {
        const prune = () => {
          markCache.clear();
          marks.prune(new Date(now().getTime() - MARK_RETENTION_MS)).catch(() => {});
        };
        timers.push(setInterval(prune, 600_000));
        prune();
      }
    },
    async stop(graceMs = 5_000) {
      // Stop reading first so nothing new enters the window, then give confirms a moment to land.
      stopReading = true;
      for (const t of timers) clearInterval(t);
      const ws = slotWaiters;
      slotWaiters = [];
      for (const w of ws) w();
      await follower?.close();
      const settled = Promise.allSettled([...inFlightWork]);
      await Promise.race([settled, sleep(graceMs)]);
      stopping = true;
      await settled;
      while (tickBusy) await sleep(10);
      await checkpoint.flush();
      await publisher.close();
      unregisterTopology();
      log.info({ checkpoint: checkpoint.position }, 'dispatcher stopped');
    },
    stats() {
      return { ...stats, checkpoint: checkpoint.position, lastRead: follower?.position() ?? checkpoint.position };
    },
    lag,
  };
}
