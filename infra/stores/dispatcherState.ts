import path from 'node:path';
import type { DispatcherStateStore } from '../dispatcherState.ts';
import { createSqliteDispatcherState } from '../sqlite/dispatcherState.ts';
import { storeChoice, type StoreUrls } from './choice.ts';

/**
 * The dispatcher's state (checkpoint, scheduled notifications), where stores/choice.ts puts it:
 * the dispatcher role writes it, the monitors read its checkpoint through it.
 */
export async function openDispatcherState(config: StoreUrls): Promise<DispatcherStateStore> {
  const choice = storeChoice(config, 'dispatcherState');
  switch (choice.kind) {
    case 'mongo':
      return (await import('../mongo/dispatcherState.ts')).createMongoDispatcherState(choice.url);
    case 'postgres':
      return (await import('../postgres/dispatcherState.ts')).createPostgresDispatcherState(choice.url, undefined, choice);
    case 'sqlite':
      return createSqliteDispatcherState(path.join(choice.dataDir, 'dispatcher.sqlite'));
    default: {
      const never: never = choice;
      throw new Error(`unknown dispatcher state store ${JSON.stringify(never)}`);
    }
  }
}
