import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../../infra/sqlite/eventStore.ts';
import { createSqliteProjectionStore } from '../../infra/sqlite/projectionStore.ts';
import { openScheduleStore } from '../../infra/stores/scheduleStore.ts';
import { checkpointName, currentGeneration } from '../../projections/generations.ts';
import { READ_MODELS } from '../../projections/index.ts';
import { meta } from '../contracts/eventStore.contract.ts';
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
      projectionStore: undefined as never,
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

  it("with the platform's own policy and hot log: nothing moves past a follower's checkpoint; then finished notifications move, a pending one and the user stay", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-archive-schedule-'));
    const raw = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    const at = new Date().toISOString();
    const base = { appId: 'app1', eventId: 'e1', userId: 'u1', channel: 'email' as const, templateId: 't' };
    const requested = (id: string): NewEvent => ({
      type: 'NotificationRequested',
      data: { ...base, notificationId: id, templateVersion: 1, params: {}, recipient: { kind: 'email', email: 'u1@example.test' }, requestedAt: at },
      metadata: meta(),
    });
    await raw.append(
      'notification-sent',
      [requested('sent'), { type: 'NotificationSent', data: { notificationId: 'sent', attempt: 1, provider: 'sim', providerMessageId: 'm1', at }, metadata: meta() }],
      'no_stream',
    );
    await raw.append('notification-pending', [requested('pending')], 'no_stream');
    await raw.append(
      'notification-suppressed',
      [{ type: 'NotificationSuppressed', data: { ...base, notificationId: 'suppressed', reason: 'opted_out', at }, metadata: meta() }],
      'no_stream',
    );
    await raw.append(
      'user-app1-u1',
      [{ type: 'PreferencesChanged', data: { userId: 'u1', preferences: { channels: {}, categories: {} } }, metadata: meta() } as NewEvent],
      'no_stream',
    );
    const projections = createSqliteProjectionStore(path.join(dir, 'projections.sqlite'));
    const head = await raw.headPosition();
    for (const model of READ_MODELS) await projections.setCheckpoint(checkpointName(model.name, await currentGeneration(projections, model.name)), head);
    const dispatcher = await openScheduleStore({ dataDir: dir }, 'dispatcher');
    const workflow = await openScheduleStore({ dataDir: dir }, 'workflow');
    await dispatcher.setCheckpoint(head);
    // The workflow has not passed the first notification yet: nothing may move.
    await workflow.setCheckpoint(1);
    const metrics = createMetrics();
    const text = () => metrics.registry.metrics();
    const count = async (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await text())?.[1] ?? 0);
    const schedule = startArchiveSchedule({ config: { dataDir: dir }, projectionStore: projections, retentionMs: 1, intervalMs: 5, metrics, logger: silentLogger });
    try {
      for (let i = 0; i < 400 && (await count('notify_archive_passes_total{outcome="ok"}')) < 2; i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(await count('notify_archive_passes_total{outcome="ok"}')).toBeGreaterThanOrEqual(2);
      expect(await count('notify_archive_moved_notifications_total')).toBe(0);
      expect(await raw.readStream('notification-sent')).toHaveLength(2);
      await workflow.setCheckpoint(head);
      // Counted block by block: wait for the pass that moved them to have reported.
      for (let i = 0; i < 400 && (await count('notify_archive_moved_notifications_total')) < 2; i += 1) await new Promise((r) => setTimeout(r, 25));
      expect(await count('notify_archive_moved_notifications_total')).toBe(2);
    } finally {
      await schedule.stop();
      await dispatcher.close();
      await workflow.close();
      await projections.close();
    }
    expect(await raw.readStream('notification-sent')).toEqual([]);
    expect(await raw.readStream('notification-suppressed')).toEqual([]);
    expect(await raw.readStream('notification-pending')).toHaveLength(1);
    expect(await raw.readStream('user-app1-u1')).toHaveLength(1);
    await raw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
