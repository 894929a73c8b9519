import { loadConfig } from './config.ts';
import { startTelemetry } from '../infra/telemetry.ts';

/** The commands that run the platform; the short client commands never trace (and keep stdout clean). */
const TRACED_COMMANDS = new Set(['serve', 'demo']);

/**
 * Runs before the CLI module graph loads, because the instrumentations patch express and amqplib
 * as they are loaded. Configuration errors are left for the command itself to report.
 */
export async function bootTelemetry(args: readonly string[], env: Record<string, string | undefined> = process.env): Promise<void> {
  const command = args.find((a) => !a.startsWith('-'));
  if (!command || !TRACED_COMMANDS.has(command)) return;
  let config;
  try {
    config = loadConfig(env);
  } catch {
    return;
  }
  await startTelemetry(config);
}
