import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../../infra/logger.ts';
import { ROLES, startPlatform, type Role } from '../main.ts';
import { addClientCommands } from '../demo/commands.ts';
import { addAppsCommands } from './apps.ts';
import { addConfigCommand } from './config.ts';
import { addOperatorsCommands } from './operators.ts';
import { addProjectionCommands } from './projections.ts';
import { addRedriveCommand } from './redrive.ts';
import { addArchiveCommand } from './archive.ts';
import { shutdownTelemetry } from '../../infra/telemetry.ts';
import { defaultProcessCount, superviseServe, type RoleMessage } from '../supervisor.ts';

function list<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T[] => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) throw new Error(`unknown ${what} "${item}" (one of ${allowed.join(', ')})`);
    }
    return items as T[];
  };
}

/** The platform's version, from its package.json (`notify --version`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildCli(): Command {
  const program = new Command('notify').description('Self-hostable notification platform').version(VERSION, '-V, --version', 'print the version').showHelpAfterError();

  program
    .command('serve')
    .description(
      'run the platform: every role on every core (projections alone, the API and senders in every other process; or one process with --single-process), or only the roles named',
    )
    .addOption(new Option('--roles <roles>', `comma-separated roles, run in this process (${ROLES.join(', ')})`).argParser(list(ROLES, 'role')))
    .addOption(new Option('--channels <channels>', `channels to send on (${CHANNELS.join(', ')})`).argParser(list(CHANNELS, 'channel')))
    .option('--single-process', 'every role in this one process (as SERVE_PROCESSES=1)')
    .addOption(new Option('--reuse-port', 'share PORT with sibling API processes (set by the supervisor)').hideHelp())
    .action(async (opts: { roles?: Role[]; channels?: Channel[]; singleProcess?: boolean; reusePort?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const processes = defaultProcessCount(config);
      if (!opts.roles && !opts.singleProcess && processes > 1) {
        const supervisor = await superviseServe(config, logger, { processes, ...(opts.channels && { channels: opts.channels }) });
        const shutdown = async (signal: string) => {
          logger.info({ signal }, 'shutting down every role');
          await supervisor.stop();
          process.exit(0);
        };
        process.once('SIGINT', () => void shutdown('SIGINT'));
        process.once('SIGTERM', () => void shutdown('SIGTERM'));
        return;
      }
      const platform = await startPlatform(config, logger, { roles: opts.roles ?? ROLES, channels: opts.channels ?? CHANNELS, reusePort: opts.reusePort ?? false });
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await platform.stop();
        await shutdownTelemetry();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      if (process.send) {
        // A role process of the supervisor: report in, answer metric scrapes, and stop when it goes away.
        process.on('message', (m: RoleMessage) => {
          if (m.type !== 'metrics?') return;
          void platform.metrics.registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: 'metrics', id: m.id, metrics } satisfies RoleMessage));
        });
        process.once('disconnect', () => void shutdown('supervisor gone'));
        process.send({ type: 'ready', opsPort: platform.opsPort } satisfies RoleMessage);
      }
    });

  addAppsCommands(program);
  addOperatorsCommands(program);
  addClientCommands(program);
  addProjectionCommands(program);
  addRedriveCommand(program);
  addArchiveCommand(program);
  addConfigCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
