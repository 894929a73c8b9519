import type { ProjectionStore } from '../../infra/projectionStore/port.ts';

/**
 * Console sessions that were signed out. The session cookie stays a signed token (any API process
 * can check it), and sign-out records its session id here until it would have expired anyway.
 * Several API processes serve one port (SO_REUSEPORT), so the list lives in the projection store
 * that all of them share (one SQLite file, or PostgreSQL / MongoDB), not in a process's memory;
 * a sign-out is not a fact of the domain, so it stays out of the log and its pinned event types.
 * Only without a projection store (an API on the log alone, a test) is the list in memory.
 */
export interface SignOuts {
  revoke(sessionId: string, expiresAt: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

const COLLECTION = 'console_signouts';

export function signOuts(store: ProjectionStore | undefined, now: () => Date): SignOuts {
  if (!store) {
    const revoked = new Map<string, number>();
    return {
      async revoke(sessionId, expiresAt) {
        for (const [id, until] of revoked) if (until <= now().getTime()) revoked.delete(id);
        revoked.set(sessionId, expiresAt);
      },
      isRevoked: async (sessionId) => revoked.has(sessionId),
    };
  }
  const c = store.collection<{ _id: string; expiresAt: number }>(COLLECTION);
  return {
    async revoke(sessionId, expiresAt) {
      await c.upsert(sessionId, { $set: { expiresAt } });
      // Entries past their session's expiry protect nothing: the cookie is refused by its own expiry.
      for (const old of await c.find({ expiresAt: { $lte: now().getTime() } }, { limit: 100 })) await c.delete(old._id);
    },
    isRevoked: async (sessionId) => (await c.findOne({ _id: sessionId })) !== null,
  };
}
