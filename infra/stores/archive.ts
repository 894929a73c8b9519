import path from 'node:path';
import type { HotLog } from '../eventStore/hotLog.ts';
import { createSqliteHotLog } from '../sqlite/archiveHot.ts';
import { storeChoice, type StoreUrls } from './choice.ts';
import { archiveDir } from './eventStore.ts';

export { archiveDir };

/** The hot log a retention pass moves events out of: the log stores/choice.ts picks. */
export async function openHotLog(config: StoreUrls): Promise<HotLog> {
  const choice = storeChoice(config, 'eventStore');
  switch (choice.kind) {
    case 'kurrent':
      throw new Error('retention (LOG_RETENTION, notify archive) works on the embedded and the PostgreSQL log; on EventStoreDB use its own $maxAge and scavenging');
    case 'postgres':
      return (await import('../postgres/archiveHot.ts')).createPostgresHotLog(choice.url, choice);
    case 'sqlite':
      return createSqliteHotLog(path.join(choice.dataDir, 'events.sqlite'));
    default: {
      const never: never = choice;
      throw new Error(`unknown event store ${JSON.stringify(never)}`);
    }
  }
}
