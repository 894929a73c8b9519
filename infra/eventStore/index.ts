import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { EventStore } from './port.ts';
import { createSqliteEventStore } from './sqlite.ts';

export interface EventStoreOptions {
  /** EventStoreDB connection string; absent, the embedded SQLite log. */
  eventStoreUrl?: string;
  /** Where the embedded log lives (events.sqlite). */
  dataDir: string;
  /** `full`: the embedded log fsyncs every commit. */
  sqliteDurability?: 'normal' | 'full';
}

/** EVENTSTORE_URL switches to EventStoreDB; otherwise the embedded SQLite log under the data dir. */
export async function createEventStore(config: EventStoreOptions, logger?: Logger): Promise<EventStore> {
  if (config.eventStoreUrl) {
    const { createEsdbEventStore } = await import('./esdb.ts');
    logger?.info('event store: EventStoreDB');
    return createEsdbEventStore(config.eventStoreUrl);
  }
  const file = path.join(config.dataDir, 'events.sqlite');
  const durability = config.sqliteDurability ?? 'normal';
  logger?.info({ file, durability }, 'event store: embedded SQLite');
  return createSqliteEventStore(file, { durability });
}
