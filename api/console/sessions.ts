import { createHash, randomBytes } from 'node:crypto';
import type { ProjectionStore } from '../../infra/projectionStore/port.ts';

/**
 * Console sessions are server records: the cookie holds only a random token, and the record
 * (found by the token's SHA-256, so a copy of the store holds no usable token) says whose session
 * it is, which app the console is looking at, and until when it lives. Revoking is deleting the
 * record, in every API process at once: several processes serve one port (SO_REUSEPORT), so the
 * records live in the projection store they all share (one SQLite file, PostgreSQL or MongoDB),
 * not in a process's memory. Only without a projection store (a test, an API on the log alone)
 * are they kept in memory. Sessions are not facts of the domain: they stay out of the log.
 */
export interface SessionRecord {
  operatorId: string;
  email: string;
  /** The operator stream's generation at sign-in (domain/operator.ts): a later change of password, role or status ends the session. */
  generation: number;
  /** The app the console is looking at (its /v1 calls act as that app). */
  appId?: string;
  createdAt: number;
  expiresAt: number;
}

export interface Sessions {
  /** A new session; answers its token (the cookie value). */
  open(record: SessionRecord): Promise<string>;
  /** The live session of a token: undefined when unknown, revoked or expired. */
  get(token: string): Promise<SessionRecord | undefined>;
  selectApp(token: string, appId: string): Promise<void>;
  revoke(token: string): Promise<void>;
  /** Ends every session of an operator (disabled, password reset). */
  revokeOperator(operatorId: string): Promise<number>;
  /** Records a TOTP time step as used by the operator; false when it already was (a replayed code). */
  claimTotpStep(operatorId: string, step: number): Promise<boolean>;
}

type Doc = SessionRecord & { _id: string } & Record<string, unknown>;
const SESSIONS = 'console_sessions';
const TOTP_STEPS = 'console_totp_steps';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

export function createSessions(store: ProjectionStore | undefined, now: () => Date): Sessions {
  return store ? storedSessions(store, now) : memorySessions(now);
}

function storedSessions(store: ProjectionStore, now: () => Date): Sessions {
  const sessions = store.collection<Doc>(SESSIONS);
  const steps = store.collection<{ _id: string; uses: number; expiresAt: number }>(TOTP_STEPS);
  let indexed: Promise<void> | undefined;
  const ready = () => (indexed ??= sessions.createIndex({ keys: { operatorId: 1 } }).then(() => sessions.createIndex({ keys: { expiresAt: 1 } })));
  // Expired records protect nothing (get refuses them by their time): swept a few at a time on sign-in.
  const sweep = async () => {
    const t = now().getTime();
    for (const old of await sessions.find({ expiresAt: { $lte: t } }, { limit: 100 })) await sessions.delete(old._id);
    for (const old of await steps.find({ expiresAt: { $lte: t } }, { limit: 100 })) await steps.delete(old._id);
  };
  return {
    async open(record) {
      await ready();
      await sweep();
      const token = newToken();
      const { appId, ...rest } = record;
      await sessions.upsert(idOf(token), { $set: { ...rest, ...(appId !== undefined && { appId }) } });
      return token;
    },
    async get(token) {
      if (!TOKEN.test(token)) return undefined;
      const doc = await sessions.findOne({ _id: idOf(token) });
      if (!doc || doc.expiresAt <= now().getTime()) return undefined;
      const { _id: _ignored, ...record } = doc;
      return record;
    },
    async selectApp(token, appId) {
      if (TOKEN.test(token) && (await sessions.findOne({ _id: idOf(token) }))) await sessions.upsert(idOf(token), { $set: { appId } });
    },
    async revoke(token) {
      if (TOKEN.test(token)) await sessions.delete(idOf(token));
    },
    async revokeOperator(operatorId) {
      await ready();
      let n = 0;
      for (const doc of await sessions.find({ operatorId }, { limit: 10_000 })) if (await sessions.delete(doc._id)) n += 1;
      return n;
    },
    async claimTotpStep(operatorId, step) {
      // $inc is one atomic update in every store: of two sign-ins with the same code, one sees 1.
      const doc = await steps.upsert(`${operatorId}:${step}`, { $inc: { uses: 1 }, $set: { expiresAt: now().getTime() + 10 * 60_000 } });
      return doc.uses === 1;
    },
  };
}

function memorySessions(now: () => Date): Sessions {
  const records = new Map<string, SessionRecord>();
  const used = new Set<string>();
  return {
    async open(record) {
      for (const [id, r] of records) if (r.expiresAt <= now().getTime()) records.delete(id);
      const token = newToken();
      records.set(idOf(token), { ...record });
      return token;
    },
    async get(token) {
      const r = TOKEN.test(token) ? records.get(idOf(token)) : undefined;
      return r && r.expiresAt > now().getTime() ? { ...r } : undefined;
    },
    async selectApp(token, appId) {
      const r = records.get(idOf(token));
      if (r) r.appId = appId;
    },
    async revoke(token) {
      records.delete(idOf(token));
    },
    async revokeOperator(operatorId) {
      let n = 0;
      for (const [id, r] of records) if (r.operatorId === operatorId && records.delete(id)) n += 1;
      return n;
    },
    async claimTotpStep(operatorId, step) {
      const key = `${operatorId}:${step}`;
      if (used.has(key)) return false;
      used.add(key);
      return true;
    },
  };
}
