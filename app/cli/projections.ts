import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createEventStore } from '../../infra/stores/eventStore.ts';
import type { EventStore, PositionUnit, RecordedEvent } from '../../infra/eventStore/port.ts';
import { createProjectionStore } from '../../infra/stores/projectionStore.ts';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';
import { checkpointName, currentGeneration } from '../../projections/generations.ts';
import { READ_MODELS, readModelNamed } from '../../projections/index.ts';
import { rebuildReadModel } from '../../projections/rebuild.ts';

async function withStores<T>(fn: (events: EventStore, store: ProjectionStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const events = await createEventStore(config);
  try {
    const store = await createProjectionStore(config);
    try {
      return await fn(events, store);
    } finally {
      await store.close();
    }
  } finally {
    await events.close();
  }
}

let pipeGuarded = false;
/** One JSON value per line; a reader that stops early (`| head`) ends the command quietly. */
function line(value: unknown): void {
  if (!pipeGuarded) {
    pipeGuarded = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A strict ISO time (date, optionally with a time and zone): anything else is refused, never guessed. */
export function parseIsoTime(option: string, value: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value);
  const t = ok ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new Error(`${option} must be an ISO time such as 2026-03-01T10:00:00Z, got "${value}"`);
  return t;
}

/**
 * How far out of order recording times may be in the log: writers in separate processes stamp
 * `recordedAt` from their own clocks just before committing. Reading stops at the first event
 * recorded this long after `--to`, so a slightly late commit inside the window is not missed.
 */
export const RECORDED_AT_SKEW_MS = 5_000;

/** Events recorded in [from, to), in log order, read in batches; reading stops shortly after `to` rather than at the end of the log. */
export async function* eventsInWindow(events: Pick<EventStore, 'readAll'>, from: number, to: number, batchSize = 1000): AsyncGenerator<RecordedEvent> {
  let after = 0;
  for (;;) {
    const batch = await events.readAll({ after, limit: batchSize });
    for (const e of batch) {
      const t = Date.parse(e.recordedAt);
      if (t >= to + RECORDED_AT_SKEW_MS) return;
      if (t >= from && t < to) yield e;
    }
    if (batch.length < batchSize) return;
    after = batch[batch.length - 1]!.position;
  }
}

/** What the rebuild bar counts: events where positions are consecutive, bytes of log otherwise. */
function progressUnit(unit: PositionUnit): string {
  switch (unit) {
    case 'events':
      return 'events';
    case 'bytes':
      return 'bytes of log';
    default: {
      const never: never = unit;
      return never;
    }
  }
}

/** `projections rebuild|status`, `events <stream>`, `replay --from --to`: the auditor's side of the CLI. */
export function addProjectionCommands(program: Command): void {
  const projections = program.command('projections').description('read models: rebuild from the log, or show where they are');

  projections
    .command('rebuild [name]')
    .description(
      `replay the log from position 0 into a new generation of one read model (or all: ${READ_MODELS.map((m) => m.name).join(', ')}); the current one serves until the new one has caught up`,
    )
    .action(async (name: string | undefined) => {
      const models = name ? [readModelNamed(name)] : READ_MODELS;
      await withStores(async (events, store) => {
        for (const model of models) {
          const bar = new cliProgress.SingleBar(
            {
              format: `${model.name.padEnd(14)} [{bar}] {percentage}% | {value}/{total} ${progressUnit(events.positionUnit)} | {duration_formatted}`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(Math.max(1, await events.headPosition()), 0);
          const result = await rebuildReadModel({
            store,
            eventStore: events,
            model,
            onProgress: (position, head) => {
              bar.setTotal(Math.max(1, head));
              bar.update(position);
            },
          });
          bar.stop();
          line(result);
        }
      });
    });

  projections
    .command('status')
    .description('generation, checkpoint and lag (in events, or bytes of log on KurrentDB: see lagUnit) of every read model')
    .action(async () => {
      await withStores(async (events, store) => {
        const head = await events.headPosition();
        for (const model of READ_MODELS) {
          const generation = await currentGeneration(store, model.name);
          const checkpoint = await store.getCheckpoint(checkpointName(model.name, generation));
          // `lagUnit` says what `lag` counts: 'events', or 'bytes' where positions are byte offsets (KurrentDB).
          line({ name: model.name, generation, checkpoint, lag: Math.max(0, head - checkpoint), lagUnit: events.positionUnit });
        }
      });
    });

  program
    .command('events <stream>')
    .description('print every event of a stream (e.g. notification-<id>, user-<appKey>-<userId>) as JSON lines')
    .action(async (stream: string) => {
      await withStores(async (events) => {
        const list = await events.readStream(stream);
        if (list.length === 0) throw new Error(`stream "${stream}" has no events`);
        for (const e of list) line(e);
      });
    });

  program
    .command('replay')
    .description('print the log recorded in a time window [from, to) as JSON lines, in log order')
    .requiredOption('--from <time>', 'ISO time, inclusive')
    .requiredOption('--to <time>', 'ISO time, exclusive')
    .action(async (opts: { from: string; to: string }) => {
      const from = parseIsoTime('--from', opts.from);
      const to = parseIsoTime('--to', opts.to);
      if (from >= to) throw new Error('--from must be before --to');
      await withStores(async (events) => {
        for await (const e of eventsInWindow(events, from, to)) line(e);
      });
    });
}
