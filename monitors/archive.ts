import { archiveFinishedNotifications, logFollowers, passLine } from '../commands/archive.ts';
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import type { PassResult } from '../infra/archive/pass.ts';
import { PassAlreadyRunning } from '../infra/archive/pass.ts';
import type { Logger } from '../infra/logger.ts';
import type { Metrics } from '../infra/metrics.ts';
import { archiveDir, openHotLog } from '../infra/stores/archive.ts';
import type { StoreUrls } from '../infra/stores/choice.ts';

/** How often passes run: a quarter of the retention, between 10 s and an hour (a pass finds nothing new sooner). */
export function archiveIntervalMs(retentionMs: number): number {
  return Math.min(3_600_000, Math.max(10_000, Math.floor(retentionMs / 4)));
}

type ArchiveMetrics = Pick<Metrics, 'archivePasses' | 'archiveMoved' | 'archiveEvents' | 'archiveHotBytes' | 'archiveBytes' | 'archivePassSeconds'>;

/**
 * The retention schedule of the monitors role: one pass at a time, the next `intervalMs` after
 * the previous one ended. Progress goes to `notify_archive_*` as each block moves, so a long first
 * pass (a log that never had retention) shows how far it is. A pass already running elsewhere on
 * the same archive (`notify archive` by hand) makes this one skip its turn.
 */
export function startArchiveSchedule(o: {
  config: StoreUrls;
  /** Where the read models keep their checkpoints (a pass moves nothing a follower has not passed). */
  projectionStore: ProjectionStore;
  retentionMs: number;
  intervalMs?: number;
  metrics: ArchiveMetrics;
  logger: Logger;
  /** Tests: the pass itself (default: open the hot log the config names and run one). */
  runPass?: (onProgress: (p: { moved: number; events: number }) => void) => Promise<PassResult>;
}): { stop(): Promise<void> } {
  const intervalMs = o.intervalMs ?? archiveIntervalMs(o.retentionMs);
  const runPass =
    o.runPass ??
    (async (onProgress) => {
      const followers = await logFollowers(o.config, o.projectionStore);
      const hot = await openHotLog(o.config);
      try {
        return await archiveFinishedNotifications({ hot, dir: archiveDir(o.config), olderThanMs: o.retentionMs, below: followers[0]?.position ?? 0, onProgress });
      } finally {
        await hot.close();
      }
    });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const started = Date.now();
    let counted = { moved: 0, events: 0 };
    const progress = (p: { moved: number; events: number }) => {
      o.metrics.archiveMoved.inc(p.moved - counted.moved);
      o.metrics.archiveEvents.inc(p.events - counted.events);
      counted = p;
    };
    try {
      const result = await runPass(progress);
      progress(result);
      o.metrics.archiveHotBytes.set(result.hotBytes);
      o.metrics.archiveBytes.set(result.archiveBytes);
      o.metrics.archivePasses.inc({ outcome: 'ok' });
      if (result.moved > 0) o.logger.info({ ...result }, passLine(result));
    } catch (e) {
      if (e instanceof PassAlreadyRunning) o.metrics.archivePasses.inc({ outcome: 'skipped' });
      else {
        o.metrics.archivePasses.inc({ outcome: 'error' });
        // A store that is down fails the pass; the next one tries again, nothing is half-moved (pass.ts).
        o.logger.warn({ err: e }, 'archive pass failed');
      }
    } finally {
      o.metrics.archivePassSeconds.set((Date.now() - started) / 1000);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
