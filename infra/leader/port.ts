/**
 * A role that must run in one process at a time (the dispatcher, the projections) holds a lock
 * while it is active. Two behaviours on conflict:
 * - `wait`: a shared store (PostgreSQL, MongoDB) lets a second process stand by and take over
 *   once the active one's lock goes (its session died, its lease expired);
 * - `refuse`: the embedded store (one data dir on one machine) has no standby: the second
 *   process refuses to start, with the holder in the message.
 */
export interface LeaderLock {
  readonly onConflict: 'wait' | 'refuse';
  /** Where the lock lives, for log lines and errors (no credentials). */
  readonly where: string;
  /** One attempt; true when this process now holds the lock (or already did). */
  tryAcquire(): Promise<boolean>;
  /**
   * While held: whether it still is. PostgreSQL: the session holding it is alive; MongoDB: the
   * lease was renewed. Called every poll while active; false makes the role stop at once.
   */
  stillHeld(): Promise<boolean>;
  /** Who holds it, as far as the store can tell (for the refusal message and the standby's log). */
  holder(): Promise<string>;
  /** Gives the lock up; the adapter can acquire again afterwards. */
  release(): Promise<void>;
  /** Releases and frees the connection or file. */
  close(): Promise<void>;
}

/** The owner string a process writes where the store can keep one. */
export const ownerId = (): string => `pid ${process.pid}`;
