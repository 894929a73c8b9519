import { fold } from '../domain/decider.ts';
import type { NotificationEvent } from '../domain/events.ts';
import { isFinal, notificationDecider } from '../domain/notification.ts';
import { streams } from '../domain/streams.ts';
import type { RecordedEvent } from '../infra/eventStore/port.ts';
import type { HotLog } from '../infra/eventStore/hotLog.ts';
import { runArchivePass, type PassHooks, type PassResult } from '../infra/archive/pass.ts';

/** Only notification streams leave the hot log; user, app, template, digest and index streams stay. */
export const ARCHIVABLE_PREFIX = streams.notification('');

/** A notification may leave once its status is final (sent, delivered, failed, suppressed, canceled, digested). */
export function finalNotification(events: readonly RecordedEvent[]): boolean {
  if (events.length === 0) return false;
  return isFinal(fold(notificationDecider, events as unknown as NotificationEvent[]).status);
}

/** One retention pass: final notifications whose last event is older than `olderThanMs` move to the archive. */
export function archiveFinishedNotifications(o: {
  hot: HotLog;
  dir: string;
  olderThanMs: number;
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
    prefix: ARCHIVABLE_PREFIX,
    eligible: finalNotification,
    ...(o.hooks && { hooks: o.hooks }),
    ...(o.onProgress && { onProgress: o.onProgress }),
  });
}

/** The CLI's and the monitors' closing line (docs/operations.md). */
export const passLine = (r: PassResult): string => `archive: moved=${r.moved} events=${r.events} hot_bytes=${r.hotBytes} archive_bytes=${r.archiveBytes}`;
