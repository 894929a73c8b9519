import type { NotificationRequested } from './events.ts';

/**
 * Whether a request goes on its channel's queue the moment it is committed: not a digest member
 * (the workflow carries it in its window's digest) and not scheduled for later (the dispatcher's
 * schedule holds it). The committing process and the dispatcher both ask this one rule, so what
 * the committer publishes is exactly what the dispatcher would have published at once.
 */
export function publishesAtOnce(data: Pick<NotificationRequested['data'], 'digest' | 'scheduleAt'>, now: Date): boolean {
  if (data.digest !== undefined) return false;
  return data.scheduleAt === undefined || Date.parse(data.scheduleAt) <= now.getTime();
}

/** A committer's row: every request it tagged up to `position` is confirmed by the broker; `beatAt` its last sign of life. */
export interface CommitMark {
  position: number;
  beatAt: number;
}

export interface HandoverFacts {
  /** The tagged request's log position and commit time (ms). */
  position: number;
  recordedAt: number;
  now: number;
  /** Its committer's row; undefined when there is none (never written, or pruned long ago). */
  mark: CommitMark | undefined;
  /** A committer silent this long is taken for dead. */
  staleMs: number;
  /** A request unconfirmed this long is published by the dispatcher even if its committer lives. */
  maxWaitMs: number;
}

/**
 * What the dispatcher does with a request its committer tagged: 'skip' what the committer
 * confirmed (never a second publish of a confirmed message); 'wait' while the committer lives and
 * the request is recent (its confirm is on its way); 'publish' once the committer is silent or
 * the request has waited too long (a crash between commit and confirm, a broker that nacked it).
 */
export type Handover = 'skip' | 'wait' | 'publish';

export function handover(f: HandoverFacts): Handover {
  if (f.mark && f.mark.position >= f.position) return 'skip';
  if (f.now - f.recordedAt >= f.maxWaitMs) return 'publish';
  const alive = f.mark !== undefined && f.now - f.mark.beatAt < f.staleMs;
  return alive ? 'wait' : 'publish';
}
