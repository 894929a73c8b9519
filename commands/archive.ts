import { fold } from '../domain/decider.ts';
import type { NotificationEvent } from '../domain/events.ts';
import { isFinal, notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { RecordedEvent } from '../infra/eventStore/port.ts';
import type { HotLog } from '../infra/eventStore/hotLog.ts';
import { runArchivePass, type PassHooks, type PassResult } from '../infra/archive/pass.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { openScheduleStore } from '../infra/stores/scheduleStore.ts';
import type { StoreUrls } from '../infra/stores/choice.ts';
import { checkpointName, currentGeneration } from '../projections/generations.ts';
import { READ_MODELS } from '../projections/index.ts';

/** Only notification streams leave the hot log; user, app, template, digest and index streams stay. */
export const ARCHIVABLE_PREFIX = streams.notification('');

/** A notification may leave once its status is final (sent, delivered, failed, suppressed, canceled, digested). */
export function finalNotification(events: readonly RecordedEvent[]): boolean {
  if (events.length === 0) return false;
  return isFinal(fold(notificationDecider, events as unknown as NotificationEvent[]).status);
}

/** A reader of the log that keeps a checkpoint: a pass moves nothing it has not passed. */
export interface LogFollower {
  name: string;
  position: number;
}

/**
 * The checkpoints of the roles that follow the log (the dispatcher, the workflow, every read
 * model's serving generation), lowest first. A role that never ran has 0 and holds retention back
 * until it runs: the pass reports it rather than move events it would miss.
 */
export async function logFollowers(config: StoreUrls, projections: ProjectionStore): Promise<LogFollower[]> {
  const out: LogFollower[] = [];
  for (const role of ['dispatcher', 'workflow']) {
    const state = await openScheduleStore(config, role);
    try {
      out.push({ name: role, position: await state.getCheckpoint() });
    } finally {
      await state.close();
    }
  }
  for (const model of READ_MODELS) {
    out.push({ name: `projection ${model.name}`, position: await projections.getCheckpoint(checkpointName(model.name, await currentGeneration(projections, model.name))) });
  }
  return out.sort((a, b) => a.position - b.position);
}

/** One retention pass: final notifications whose last event is older than `olderThanMs` move to the archive. */
export function archiveFinishedNotifications(o: {
  hot: HotLog;
  dir: string;
  olderThanMs: number;
  /** The lowest follower checkpoint (logFollowers): nothing past it moves. */
  below?: number;
  now?: number;
  hooks?: PassHooks;
  onProgress?: (p: { moved: number; events: number }) => void;
}): Promise<PassResult> {
  const now = o.now ?? Date.now();
  return runArchivePass({
    hot: o.hot,
    dir: o.dir,
    cutoff: now - o.olderThanMs,
    now,
    ...(o.below !== undefined && { below: o.below }),
    prefix: ARCHIVABLE_PREFIX,
    eligible: finalNotification,
    ...(o.hooks && { hooks: o.hooks }),
    ...(o.onProgress && { onProgress: o.onProgress }),
  });
}

/** The CLI's and the monitors' closing line (docs/operations.md). */
export const passLine = (r: PassResult): string => `archive: moved=${r.moved} events=${r.events} hot_bytes=${r.hotBytes} archive_bytes=${r.archiveBytes}`;
