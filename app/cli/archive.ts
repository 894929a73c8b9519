import type { Command } from 'commander';
import { archiveFinishedNotifications, logFollowers, passLine } from '../../commands/archive.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import { verifyArchive } from '../../infra/archive/verify.ts';
import { archiveDir, openHotLog } from '../../infra/stores/archive.ts';
import { loadConfig } from '../config.ts';
import { parseDuration } from '../duration.ts';

/**
 * `notify archive [--older-than <duration>] [--verify]`: one retention pass now (the monitors role
 * runs them on a schedule), ending with `archive: moved=<n> events=<n> hot_bytes=<n> archive_bytes=<n>`;
 * or, with --verify, a check of every segment's checksums (exit 1 on damage).
 */
export function addArchiveCommand(program: Command): void {
  program
    .command('archive')
    .description('move finished notifications older than the retention (LOG_RETENTION) from the hot log to the archive segments, now')
    .option('--older-than <duration>', 'this pass only: the retention to apply (30d, 12h, 5m, 90s, 0s), instead of LOG_RETENTION')
    .option('--verify', 'check every archive segment block by block against its checksum and the index; move nothing')
    .action(async (opts: { olderThan?: string; verify?: boolean }) => {
      const config = loadConfig();
      const dir = archiveDir(config);
      if (opts.verify) {
        const r = verifyArchive(dir);
        for (const p of r.problems) process.stderr.write(`${p}\n`);
        process.stdout.write(`archive verify: segments=${r.segments} blocks=${r.blocks} events=${r.events} problems=${r.problems.length}\n`);
        if (r.problems.length > 0) process.exitCode = 1;
        return;
      }
      const olderThanMs = opts.olderThan !== undefined ? parseDuration(opts.olderThan) : config.logRetentionMs;
      if (olderThanMs === undefined) throw new Error(`--older-than must be a duration such as 30d, 12h, 5m, 90s or 0s, got "${opts.olderThan}"`);
      if (olderThanMs === 'off') throw new Error('LOG_RETENTION is off: give --older-than to run a pass anyway');
      // Nothing moves past a follower's checkpoint (a dispatcher or read model behind would miss it).
      const projections = await createProjectionStore(config);
      const followers = await logFollowers(config, projections).finally(() => projections.close());
      const lowest = followers[0];
      if (lowest) process.stderr.write(`followers: lowest ${lowest.name} at position ${lowest.position}\n`);
      const hot = await openHotLog(config);
      try {
        const result = await archiveFinishedNotifications({ hot, dir, olderThanMs, below: lowest?.position ?? 0 });
        process.stdout.write(`${passLine(result)}\n`);
      } finally {
        await hot.close();
      }
    });
}
