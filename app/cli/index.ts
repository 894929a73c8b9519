import { Command, Option } from 'commander';
import { CHANNELS, type Channel } from '../../domain/events.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../../infra/logger.ts';
import { ROLES, startPlatform, type Role } from '../main.ts';
import { addClientCommands } from '../demo/commands.ts';
import { addAppsCommands } from './apps.ts';
import { addConfigCommand } from './config.ts';
import { addProjectionCommands } from './projections.ts';
import { addRedriveCommand } from './redrive.ts';
import { shutdownTelemetry } from '../../infra/telemetry.ts';

function list<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) throw new Error(`unknown ${what} "${item}" (one of ${allowed.join(', ')})`);
    }
    return items as T[];
  };
}

export function buildCli(): Command {
  const program = new Command('notify').description('Self-hostable notification platform').showHelpAfterError();

  program
    .command('serve')
    .description('run the platform: every role in one process, or the ones named')
    .addOption(new Option('--roles <roles>', `comma-separated roles (${ROLES.join(', ')})`).argParser(list(ROLES, 'role')))
    .addOption(new Option('--channels <channels>', `channels to send on (${CHANNELS.join(', ')})`).argParser(list(CHANNELS, 'channel')))
    .action(async (opts: { roles?: Role[]; channels?: Channel[] }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const platform = await startPlatform(config, logger, { roles: opts.roles ?? ROLES, channels: opts.channels ?? CHANNELS });
      const shutdown = async (signal: string) => {
        logger.info({ signal }, 'shutting down');
        await platform.stop();
        await shutdownTelemetry();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });

  addAppsCommands(program);
  addClientCommands(program);
  addProjectionCommands(program);
  addRedriveCommand(program);
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
