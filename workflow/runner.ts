import { closeDigest, joinDigest } from '../commands/digests.ts';
import { requestFallback } from '../commands/fallback.ts';
import type { NotifyDeps } from '../commands/notifications.ts';
import { readNotification } from '../commands/readNotification.ts';
import type { EventMetadata } from '../domain/events.ts';
import { keepCheckpoint } from '../infra/eventStore/checkpoint.ts';
import { followLog, type LogFollower } from '../infra/eventStore/follower.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { ScheduledEntry, ScheduleStore } from '../infra/scheduleStore.ts';
import { contextFromTraceparent, inSpan } from '../infra/telemetry.ts';
import { workflowDecider, type WorkflowCommand, type WorkflowInput } from './decider.ts';
import { scheduleWorkflow, type ScheduleInput, type ScheduleWorkflowCommand } from './schedules.ts';
import { fireOccurrence } from '../commands/schedules.ts';
import { loadState } from '../commands/handle.ts';
import type { ScheduleEvent } from '../domain/events.ts';
import type { ScheduleState } from '../domain/schedule.ts';
import { streams } from '../domain/streams.ts';

/**
 * Follows the log from its own checkpoint, feeds each event the workflow reacts to to the decider
 * (decider.ts), carries out what it decides through commands/, and keeps its timers in its own
 * store. A step is finished (every command appended, every timer stored) before the checkpoint
 * may pass its event, and every step is idempotent, so a crash repeats a step and loses none.
 * A timer is removed only once its step is done: a crash runs it again.
 */
export interface WorkflowRunnerOptions {
  eventStore: EventStore;
  state: ScheduleStore;
  /** How fallback requests and digests make notifications: the id key, the rate counter and limits. */
  notify: Omit<NotifyDeps, 'store'>;
  logger: Logger;
  /** How often due timers are looked for. */
  timerTickMs?: number;
  checkpointFlushMs?: number;
  now?: () => Date;
}

export interface WorkflowStats {
  /** Digest members joined to their window. */
  joined: number;
  timersSet: number;
  /** Timers run (digest closes, timed fallbacks, schedule occurrences). */
  timersFired: number;
  /** Recurring-schedule occurrences fired (each one notification request). */
  occurrencesFired: number;
  checkpoint: number;
  lastRead: number;
}

export interface WorkflowRunner {
  start(): Promise<void>;
  /** Stops reading and running timers, lets a step in progress finish, saves the checkpoint. */
  stop(): Promise<void>;
  stats(): WorkflowStats;
}

/** What the log says, as the decider's input; undefined for an event the workflow does not react to. */
/** The only events the workflow acts on (`inputOf`, and ScheduleCreated for schedules): the follower asks the store for these alone. */
export const WORKFLOW_EVENT_TYPES = ['NotificationRequested', 'NotificationSuppressed', 'NotificationFailed', 'DigestWindowOpened', 'ScheduleCreated'] as const;

export function inputOf(event: RecordedEvent, at: string): WorkflowInput | Extract<ScheduleInput, { type: 'ScheduleCreated' }> | undefined {
  switch (event.type) {
    case 'NotificationRequested':
      return { type: event.type, data: event.data, at };
    case 'NotificationSuppressed':
      return { type: event.type, data: event.data, at };
    case 'NotificationFailed':
      return { type: event.type, data: event.data, at };
    case 'DigestWindowOpened':
      return { type: event.type, stream: event.streamId, data: event.data, at };
    case 'ScheduleCreated':
      return { type: event.type, data: event.data, at };
    default:
      return undefined;
  }
}

export function createWorkflowRunner(o: WorkflowRunnerOptions): WorkflowRunner {
  const now = o.now ?? (() => new Date());
  const log = o.logger;
  const notify: NotifyDeps = { store: o.eventStore, ...o.notify };
  let follower: LogFollower | undefined;
  let stopped = false;
  const checkpoint = keepCheckpoint(o.state, { logger: log, name: 'workflow' });
  let tickBusy = false;
  const intervals: NodeJS.Timeout[] = [];
  const stats = { joined: 0, timersSet: 0, timersFired: 0, occurrencesFired: 0 };

  /** One step: read the state it needs, decide, carry every command out. */
  async function step(input: WorkflowInput, metadata: EventMetadata, position: number): Promise<void> {
    const id = workflowDecider.stateOf(input);
    // Read opened (the follower hands events over sealed): a fallback carries the params on.
    const state = id ? (await readNotification(o.eventStore, id)).state : workflowDecider.initialState();
    for (const command of workflowDecider.decide(input, state)) await carryOut(command, metadata, position);
  }

  /** A schedule's step: decided on the schedule's own stream (read opened: firing needs its params). */
  async function scheduleStep(input: ScheduleInput, scheduleId: string, metadata: EventMetadata, position: number): Promise<void> {
    const state =
      input.type === 'ScheduleCreated'
        ? scheduleWorkflow.initialState()
        : (await loadState<ScheduleState, ScheduleEvent>(o.eventStore, scheduleWorkflow, streams.schedule(scheduleId))).state;
    for (const command of scheduleWorkflow.decide(input, state)) await carryOut(command, metadata, position);
  }

  async function carryOut(c: WorkflowCommand | ScheduleWorkflowCommand, metadata: EventMetadata, position: number): Promise<void> {
    const parent = contextFromTraceparent(metadata.traceparent);
    switch (c.type) {
      case 'JoinDigest':
        await joinDigest(o.eventStore, c.member, metadata);
        stats.joined += 1;
        return;
      case 'CloseDigest':
        await inSpan(
          'workflow.digest.close',
          async (span) => {
            span.setAttribute('digest.stream', c.stream);
            await closeDigest(o.eventStore, notify.idKey, c.stream, c.windowId, new Date(c.at), metadata);
          },
          parent,
        );
        return;
      case 'RequestFallback':
        await inSpan(
          'workflow.fallback',
          async (span) => {
            span.setAttribute('notification.id', c.source.notificationId);
            await requestFallback(notify, c.source, new Date(c.at), metadata);
          },
          parent,
        );
        return;
      case 'FireOccurrence':
        await inSpan(
          'workflow.schedule.occurrence',
          async (span) => {
            span.setAttribute('schedule.id', c.schedule.scheduleId);
            await fireOccurrence(notify, c.schedule, c.occurrence, { now: new Date(c.at), metadata, ...(c.skippedBefore !== undefined && { skippedBefore: c.skippedBefore }) });
          },
          parent,
        );
        stats.occurrencesFired += 1;
        return;
      case 'SetTimer': {
        const tp = metadata.traceparent ? { traceparent: metadata.traceparent } : {};
        await o.state.schedule({ notificationId: c.key, channel: c.channel, appId: c.appId, dueAt: c.dueAt, position, timer: c.timer, ...tp });
        stats.timersSet += 1;
        return;
      }
      default: {
        const never: never = c;
        throw new Error(`unknown workflow command ${String((never as { type: string }).type)}`);
      }
    }
  }

  async function onEvent(event: RecordedEvent): Promise<void> {
    const input = inputOf(event, now().toISOString());
    // Caused by the event it reacts to, in the request's correlation.
    const metadata = { ...event.metadata, causationId: event.id };
    if (input?.type === 'ScheduleCreated') await scheduleStep(input, input.data.scheduleId, metadata, event.position);
    else if (input) await step(input, metadata, event.position);
    checkpoint.move(event.position);
  }

  async function runTimer(entry: ScheduledEntry): Promise<void> {
    try {
      if (entry.timer?.kind === 'schedule') {
        // Every occurrence of a schedule is correlated with the schedule.
        const t = entry.timer;
        const metadata: EventMetadata = {
          correlationId: t.scheduleId,
          causationId: entry.notificationId,
          appId: entry.appId,
          ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
        };
        await scheduleStep({ type: 'ScheduleTimerFired', scheduleId: t.scheduleId, occurrence: t.occurrence, at: now().toISOString() }, t.scheduleId, metadata, entry.position);
        stats.timersFired += 1;
      } else if (entry.timer) {
        const metadata: EventMetadata = {
          correlationId: entry.notificationId,
          causationId: entry.notificationId,
          appId: entry.appId,
          ...(entry.traceparent ? { traceparent: entry.traceparent } : {}),
        };
        await step({ type: 'TimerFired', timer: entry.timer, at: now().toISOString() }, metadata, entry.position);
        stats.timersFired += 1;
      }
      await o.state.remove(entry.notificationId);
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e), timer: entry.notificationId }, 'workflow timer failed; retrying on the next tick');
    }
  }

  async function runDue(): Promise<void> {
    if (tickBusy || stopped) return;
    tickBusy = true;
    try {
      await Promise.all((await o.state.due(now(), 500)).map(runTimer));
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'reading due workflow timers failed');
    } finally {
      tickBusy = false;
    }
  }

  return {
    async start() {
      const after = await checkpoint.load();
      if (stopped) return;
      log.info({ checkpoint: after }, 'workflow starting');
      // Ids, types, channels and times are all a step reads of the event itself: events come sealed.
      // Only the types it reacts to are parsed (most of the log is sends and receipts); the events
      // passed over still move the checkpoint, so its lag means what it says.
      follower = followLog({
        name: 'workflow',
        eventStore: o.eventStore,
        after,
        onEvent,
        types: WORKFLOW_EVENT_TYPES,
        onSkipped: (position) => checkpoint.move(position),
        logger: log,
        personalData: false,
      });
      intervals.push(setInterval(() => void checkpoint.flush(), o.checkpointFlushMs ?? 200));
      intervals.push(setInterval(() => void runDue(), o.timerTickMs ?? 1_000));
      void runDue();
    },
    async stop() {
      stopped = true;
      for (const t of intervals) clearInterval(t);
      await follower?.close();
      while (tickBusy) await new Promise((r) => setTimeout(r, 10));
      await checkpoint.flush();
      log.info({ checkpoint: checkpoint.position }, 'workflow stopped');
    },
    stats() {
      return { ...stats, checkpoint: checkpoint.position, lastRead: follower?.position() ?? checkpoint.position };
    },
  };
}
