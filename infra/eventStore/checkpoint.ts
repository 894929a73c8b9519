import type { Logger } from '../logger.ts';

/**
 * A log reader's checkpoint as it moves in memory, saved in the background: `move` once a step's
 * effects are durable, `flush` on a timer and on stop. One save at a time, so a slow older write
 * can never land after a newer one; a failed save is tried again by the next flush.
 */
export interface CheckpointKeeper {
  readonly position: number;
  /** Reads the saved checkpoint (where the reader resumes). */
  load(): Promise<number>;
  move(position: number): void;
  flush(): Promise<void>;
}

export function keepCheckpoint(store: { getCheckpoint(): Promise<number>; setCheckpoint(position: number): Promise<void> }, o: { logger: Logger; name: string }): CheckpointKeeper {
  let position = 0;
  let dirty = false;
  let flushing: Promise<void> | undefined;
  return {
    get position() {
      return position;
    },
    async load() {
      position = await store.getCheckpoint();
      return position;
    },
    move(p) {
      position = p;
      dirty = true;
    },
    async flush() {
      while (flushing) await flushing;
      if (!dirty) return;
      dirty = false;
      flushing = store.setCheckpoint(position).catch((e: unknown) => {
        dirty = true;
        o.logger.error({ err: e instanceof Error ? e.message : String(e) }, `${o.name} checkpoint save failed`);
      });
      try {
        await flushing;
      } finally {
        flushing = undefined;
      }
    },
  };
}
