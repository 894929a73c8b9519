import type { CommitMark } from '../domain/publishOnCommit.ts';

export type { CommitMark };

/**
 * Publish on commit's shared table (docs/delivery-pipeline.md): one row per committing process,
 * "every request I tagged up to log position P is confirmed by the broker", with the time of its
 * last beat. Committers write it (a few times a second at most); the dispatcher reads it to skip
 * what was confirmed and to take over what a silent committer left.
 */
export interface CommitMarks {
  /** Forward only: a late write never moves a committer's position back. `at` is its heartbeat. */
  beat(committer: string, position: number, at: Date): Promise<void>;
  get(committer: string): Promise<CommitMark | undefined>;
  /** Forgets committers silent since before `before` (processes long gone). Answers how many. */
  prune(before: Date): Promise<number>;
  close(): Promise<void>;
}
