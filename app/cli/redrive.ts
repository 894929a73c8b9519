import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { APP_KEY_PATTERN } from '../../commands/apps.ts';
import { cliContext } from '../../commands/context.ts';
import { redrive } from '../../commands/redrive.ts';
import { CHANNELS, FAILURE_REASONS, type Channel, type FailureReason } from '../../domain/events.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import { createParkedQueues } from '../../infra/rabbit/parked.ts';
import { failedNotifications } from '../../projections/operatorQueries.ts';
import { loadConfig } from '../config.ts';
import { parseIsoTime } from './projections.ts';

interface RedriveOptions {
  app: string;
  from: string;
  to: string;
  channel?: Channel;
  reason?: FailureReason;
  dryRun?: boolean;
  id?: string;
  parked: boolean;
}

/**
 * `notify redrive --app <appKey> --from --to [--channel] [--reason] [--dry-run] [--id]`: the same
 * redrive as POST /v1/redrive (commands/redrive.ts), run against the stores and the broker
 * directly, with a progress bar on stderr and the result as one JSON line on stdout.
 */
export function addRedriveCommand(program: Command): void {
  program
    .command('redrive')
    .description("send an app's failed notifications in a window again and drain their parked messages (idempotent: the same redrive twice does nothing)")
    .requiredOption('--app <appKey>', 'the app whose notifications are redriven')
    .requiredOption('--from <time>', 'ISO time, inclusive (of the last failure)')
    .requiredOption('--to <time>', 'ISO time, exclusive')
    .addOption(new Option('--channel <channel>', 'only this channel').choices(CHANNELS))
    .addOption(new Option('--reason <reason>', 'only this failure reason').choices(FAILURE_REASONS))
    .option('--dry-run', 'count what would be redriven; change nothing')
    .option('--id <id>', 'redrive id (default: derived from the app and the filter)')
    .option('--no-parked', 'leave the parking queues alone')
    .action(async (opts: RedriveOptions) => {
      if (!APP_KEY_PATTERN.test(opts.app)) throw new Error(`"${opts.app}" is not an app key (app_ followed by 24 hex characters)`);
      const from = new Date(parseIsoTime('--from', opts.from));
      const to = new Date(parseIsoTime('--to', opts.to));
      if (from >= to) throw new Error('--from must be before --to');
      const config = loadConfig();
      const events = await createEventStore(config);
      const store = await createProjectionStore(config);
      const bar = new cliProgress.SingleBar(
        {
          format: `redrive [{bar}] {percentage}% | {value}/{total} notifications | {duration_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          // Redrives run from scripts and CI logs too: progress lines there as well, not only on a terminal.
          noTTYOutput: true,
          notTTYSchedule: 2000,
        },
        cliProgress.Presets.shades_classic,
      );
      try {
        let started = false;
        const result = await redrive(
          {
            store: events,
            failed: (q) => failedNotifications(store, q),
            ...(opts.parked && { parked: createParkedQueues({ url: config.amqpUrl, prefix: config.rabbitPrefix }) }),
          },
          cliContext(opts.app),
          {
            status: 'failed',
            from,
            to,
            ...(opts.channel && { channel: opts.channel }),
            ...(opts.reason && { reason: opts.reason }),
            ...(opts.dryRun && { dryRun: true }),
            ...(opts.id !== undefined && { id: opts.id }),
          },
          (done, total) => {
            if (!started) {
              bar.start(Math.max(1, total), 0);
              started = true;
            }
            bar.update(done);
          },
        );
        if (started) bar.stop();
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        await store.close();
        await events.close();
      }
    });
}
