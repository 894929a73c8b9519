import { sleep } from './net.ts';

/**
 * What must be undone however the suite ends: child processes, the private broker, a tmpfs
 * mount, temp dirs. Registered as they are created; run newest first, each bounded in time.
 */
type Undo = { name: string; run: () => Promise<void>; sync?: () => void };
const undos: Undo[] = [];

export function onCleanup(name: string, run: () => Promise<void>, sync?: () => void): () => void {
  const undo: Undo = { name, run, ...(sync ? { sync } : {}) };
  undos.push(undo);
  return () => {
    const i = undos.indexOf(undo);
    if (i >= 0) undos.splice(i, 1);
  };
}

export async function cleanupAll(): Promise<void> {
  while (undos.length > 0) {
    const undo = undos.pop()!;
    await Promise.race([undo.run().catch((e: unknown) => process.stderr.write(`cleanup ${undo.name}: ${String(e)}\n`)), sleep(60_000)]);
  }
}

let interrupted = false;

/** True once Ctrl-C or SIGTERM arrived: children exiting then are not crashes to restart. */
export const isInterrupted = (): boolean => interrupted;

/** Ctrl-C or SIGTERM: undo everything, then leave; a second Ctrl-C does the synchronous part only. */
export function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) {
        for (const u of [...undos].reverse()) u.sync?.();
        process.exit(130);
      }
      interrupted = true;
      process.stderr.write(`\nfaults: ${signal}, cleaning up ...\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  // Last resort when the suite dies on an exception: at least no orphan processes or mounts.
  process.on('exit', () => {
    for (const u of [...undos].reverse()) u.sync?.();
  });
}
