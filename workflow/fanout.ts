import { continueFanout } from '../commands/topicSend.ts';
import type { NotifyDeps } from '../commands/notifications.ts';
import { keepCheckpoint } from '../infra/eventStore/checkpoint.ts';
import { followLog, type LogFollower } from '../infra/eventStore/follower.ts';
import type { EventStore, RecordedEvent } from '../infra/eventStore/port.ts';
import type { Logger } from '../infra/logger.ts';
import type { ScheduleStore } from '../infra/scheduleStore.ts';

/**
 * The background half of a topic send (commands/topicSend.ts): follows the log for FanoutStarted
 * from its own checkpoint and runs each background fan-out to the end before that checkpoint may
 * pass it. Progress lives in the fan-out's stream (FanoutBatchCompleted), so a crash, a stop or a
 * standby taking over (the workflow role's lock) starts again at the event and resumes at the first
 * batch not recorded; a batch repeated finds its notifications made (ids derived from eventId and
 * user) and adds none. Fan-outs run one after another, apart from the workflow's own follower, so a
 * 100,000-subscriber send never holds up a digest or a fallback.
 */
export interface FanoutRunnerOptions {
  eventStore: EventStore;
  /** Its own checkpoint (a schedule store named `fanout`); it holds no entries. */
  state: Pick<ScheduleStore, 'getCheckpoint' | 'setCheckpoint'>;
  notify: Omit<NotifyDeps, 'store'>;
  logger: Logger;
  checkpointFlushMs?: number;
  now?: () => Date;
  /** Called after each batch's notifications are made, before the batch is recorded (tests interrupt here). */
  onBatch?: (batch: { fanoutId: string; from: number; to: number }) => Promise<void> | void;
}

export interface FanoutRunner {
  start(): Promise<void>;
  /** Stops between two batches; the fan-out in progress resumes at the next start (here or on a standby). */
  stop(): Promise<void>;
  stats(): { completed: number; batches: number; checkpoint: number };
}

class Stopping extends Error {
  constructor() {
    super('fan-out runner stopping');
    this.name = 'Stopping';
  }
}

export function createFanoutRunner(o: FanoutRunnerOptions): FanoutRunner {
  const now = o.now ?? (() => new Date());
  const log = o.logger;
  const notify: NotifyDeps = { store: o.eventStore, ...o.notify };
  const checkpoint = keepCheckpoint(o.state, { logger: log, name: 'fanout' });
  let follower: LogFollower | undefined;
  let interval: NodeJS.Timeout | undefined;
  let stopped = false;
  const stats = { completed: 0, batches: 0 };

  async function onEvent(event: RecordedEvent): Promise<void> {
    if (event.type === 'FanoutStarted' && event.data.mode === 'background') {
      const started = Date.now();
      log.info({ fanoutId: event.data.fanoutId, subscribers: event.data.subscribers }, 'fan-out running');
      const outcome = await continueFanout(
        notify,
        { fanoutId: event.data.fanoutId, metadata: { ...event.metadata, causationId: event.id } },
        {
          now,
          shouldStop: () => stopped,
          onBatch: async (b) => {
            stats.batches += 1;
            await o.onBatch?.({ fanoutId: event.data.fanoutId, ...b });
          },
        },
      );
      // Not past the event: the next run (or the standby) resumes this fan-out from its stream.
      if (outcome === 'stopped') throw new Stopping();
      stats.completed += 1;
      log.info({ fanoutId: event.data.fanoutId, subscribers: event.data.subscribers, ms: Date.now() - started }, 'fan-out completed');
    }
    checkpoint.move(event.position);
  }

  return {
    async start() {
      const after = await checkpoint.load();
      if (stopped) return;
      // Ids only: the fan-out reads the request's params from its own stream, never from this event's copy.
      follower = followLog({ name: 'fanout', eventStore: o.eventStore, after, onEvent, types: ['FanoutStarted'], logger: log, personalData: false });
      interval = setInterval(() => void checkpoint.flush(), o.checkpointFlushMs ?? 200);
    },
    async stop() {
      stopped = true;
      if (interval) clearInterval(interval);
      await follower?.close();
      await checkpoint.flush();
    },
    stats: () => ({ ...stats, checkpoint: checkpoint.position }),
  };
}
