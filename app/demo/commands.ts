import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { PREF_CHANNELS, type PrefChannel } from '../../domain/events.ts';
import { loadClientConfig } from '../config.ts';
import { createApiClient, credentialsFrom, parseParams } from './client.ts';

function prefChannels(value: string): PrefChannel[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!(PREF_CHANNELS as readonly string[]).includes(item)) throw new Error(`unknown channel "${item}" (one of ${PREF_CHANNELS.join(', ')})`);
  }
  return items as PrefChannel[];
}

// The environment is read when a command runs (app/config.ts), not when the CLI is built.
const apiUrlOption = () => new Option('--url <url>', 'API base URL (default: $NOTIFY_API_URL or http://127.0.0.1:$PORT)');

/** Flags first, then NOTIFY_API_URL / NOTIFY_APP_KEY / NOTIFY_APP_SECRET. */
function clientFor(opts: { url?: string; appKey?: string; appSecret?: string }) {
  const env = loadClientConfig();
  return createApiClient({ baseUrl: opts.url ?? env.apiUrl, ...credentialsFrom(opts, env) });
}

/** `send`, `status` and `demo`: the operator's and the newcomer's side of the CLI. */
export function addClientCommands(program: Command): void {
  program
    .command('send')
    .description('send one notification through the HTTP API and print the answer')
    .requiredOption('--user <userId>', 'recipient user id (comma-separated for several)')
    .requiredOption('--template <templateId>', 'template to render')
    .addOption(new Option('--channels <channels>', `restrict to these channels (${PREF_CHANNELS.join(', ')})`).argParser(prefChannels))
    .option('--params <json>', 'template parameters as a JSON object')
    .option('--event-id <id>', 'idempotency key (default: a fresh UUID; reuse it to see deduplication)')
    .option('--category <name>', 'preference category')
    .option('--schedule-at <iso>', 'deliver at this time instead of now')
    .addOption(apiUrlOption())
    .option('--app-key <key>', 'app key (default $NOTIFY_APP_KEY)')
    .option('--app-secret <secret>', 'app secret (default $NOTIFY_APP_SECRET)')
    .action(
      async (opts: {
        user: string;
        template: string;
        channels?: PrefChannel[];
        params?: string;
        eventId?: string;
        category?: string;
        scheduleAt?: string;
        url?: string;
        appKey?: string;
        appSecret?: string;
      }) => {
        const params = parseParams(opts.params);
        const users = opts.user
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const api = clientFor(opts);
        const answer = await api.post('/v1/notifications', {
          body: {
            eventId: opts.eventId ?? randomUUID(),
            ...(users.length === 1 ? { userId: users[0] } : { userIds: users }),
            templateId: opts.template,
            ...(params ? { params } : {}),
            ...(opts.channels ? { channels: opts.channels } : {}),
            ...(opts.category ? { category: opts.category } : {}),
            ...(opts.scheduleAt ? { scheduleAt: opts.scheduleAt } : {}),
          },
        });
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      },
    );

  program
    .command('status')
    .description("print a notification's status and timeline (or, with --events, its raw event stream)")
    .argument('<id>', 'notification id (as `send` printed it)')
    .option('--events', 'print the raw events instead')
    .addOption(apiUrlOption())
    .option('--app-key <key>', 'app key (default $NOTIFY_APP_KEY)')
    .option('--app-secret <secret>', 'app secret (default $NOTIFY_APP_SECRET)')
    .action(async (id: string, opts: { events?: boolean; url?: string; appKey?: string; appSecret?: string }) => {
      const api = clientFor(opts);
      const answer = opts.events ? await api.get('/v1/notifications/{id}/events', { path: { id } }) : await api.get('/v1/notifications/{id}', { path: { id } });
      process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    });

  program
    .command('demo')
    .description('start the whole platform with the simulator, send a mixed workload with injected faults, print the delivery funnel')
    .option('--exit', 'exit after printing the funnel instead of serving until Ctrl-C')
    .option(
      '--notifications <n>',
      'how many notification requests to send',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--notifications must be an integer from 1 to 100000');
        return n;
      },
      300,
    )
    .option('--data-dir <dir>', 'where the embedded stores live (default: a fresh temporary directory)')
    .action(async (opts: { exit?: boolean; notifications: number; dataDir?: string }) => {
      const { runDemo } = await import('./run.ts');
      const demo = await runDemo({ exit: opts.exit ?? false, notifications: opts.notifications, dataDir: opts.dataDir });
      if (opts.exit) {
        await demo.stop();
        process.exit(0);
      }
      const shutdown = async () => {
        await demo.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
    });
}
