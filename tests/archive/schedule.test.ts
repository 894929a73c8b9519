import { describe, expect, it } from 'vitest';
import { PassAlreadyRunning, type PassResult } from '../../infra/archive/pass.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createMetrics } from '../../infra/metrics.ts';
import { archiveIntervalMs, startArchiveSchedule } from '../../monitors/archive.ts';
import { waitFor } from '../contracts/eventStore.contract.ts';

describe('the monitors role runs retention passes on a schedule', () => {
  it('a quarter of the retention between passes, from 10 s to an hour', () => {
    expect(archiveIntervalMs(30 * 86_400_000)).toBe(3_600_000);
    expect(archiveIntervalMs(4 * 60_000)).toBe(60_000);
    expect(archiveIntervalMs(5_000)).toBe(10_000);
  });

  it('counts passes by outcome and moved notifications and events as blocks go (notify_archive_*)', async () => {
    const metrics = createMetrics();
    const outcomes: Array<'ok' | 'busy' | 'fail'> = ['ok', 'busy', 'fail', 'ok'];
    let calls = 0;
    const schedule = startArchiveSchedule({
      config: { dataDir: '/nonexistent' },
      retentionMs: 60_000,
      intervalMs: 5,
      metrics,
      logger: silentLogger,
      async runPass(onProgress): Promise<PassResult> {
        const outcome = outcomes[calls++] ?? 'ok';
        if (outcome === 'busy') throw new PassAlreadyRunning('/x');
        if (outcome === 'fail') throw new Error('store down');
        onProgress({ moved: 2, events: 5 });
        return { moved: 3, events: 7, blocks: 1, hotBytes: 1000 + calls, archiveBytes: 200, ms: 1 };
      },
    });
    await waitFor(() => calls >= 5, 10_000, 'five passes');
    await schedule.stop();
    const text = await metrics.registry.metrics();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('notify_archive_passes_total{outcome="skipped"}')).toBe(1);
    expect(value('notify_archive_passes_total{outcome="error"}')).toBe(1);
    const ok = value('notify_archive_passes_total{outcome="ok"}');
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(value('notify_archive_moved_notifications_total')).toBe(3 * ok);
    expect(value('notify_archive_moved_events_total')).toBe(7 * ok);
    expect(value('notify_archive_bytes')).toBe(200);
  });
});
