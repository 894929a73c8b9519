/**
 * What the console reads about the platform itself: its operators and apps (accounts.ts) and the
 * audit trail of operator actions (audit.ts). Served generations only (generations.ts).
 */
import type { ProjectionStore } from '../infra/projectionStore/port.ts';
import { accounts, type AccountDoc } from './accounts.ts';
import { audit, type AuditDoc } from './audit.ts';
import { servingCollection } from './generations.ts';
import { QueryError } from './queries.ts';

export type Account = Pick<AccountDoc, 'kind' | 'id' | 'name' | 'role' | 'status' | 'totp' | 'createdAt' | 'updatedAt'>;
const account = (d: AccountDoc): Account => ({
  kind: d.kind,
  id: d.id,
  name: d.name,
  ...(d.role !== undefined && { role: d.role }),
  status: d.status,
  ...(d.totp !== undefined && { totp: d.totp }),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export async function listAccounts(store: ProjectionStore, kind: AccountDoc['kind']): Promise<Account[]> {
  const c = await servingCollection<AccountDoc>(store, accounts);
  return (await c.find({ kind }, { sort: { name: 1 }, limit: 1000 })).map(account);
}

export type AuditEntry = Pick<AuditDoc, 'at' | 'action' | 'by' | 'subject' | 'appId' | 'details'> & { id: string };

/** Newest first; `cursor` is the `nextCursor` of the page before (opaque to callers). */
export async function auditEntries(
  store: ProjectionStore,
  q: { limit: number; cursor?: string; operatorId?: string; appId?: string },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const c = await servingCollection<AuditDoc>(store, audit);
  let after: Record<string, unknown> = {};
  if (q.cursor !== undefined) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('\u0000');
    if (!at || !id || Number.isNaN(Date.parse(at))) throw new QueryError('cursor', 'cursor is not one this API returned');
    after = { $or: [{ at: { $lt: at } }, { at, _id: { $lt: id } }] };
  }
  const docs = await c.find(
    { ...after, ...(q.operatorId !== undefined && { operatorId: q.operatorId }), ...(q.appId !== undefined && { appId: q.appId }) },
    { sort: { at: -1, _id: -1 }, limit: q.limit + 1 },
  );
  const page = docs.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((d) => ({ id: d._id, at: d.at, action: d.action, by: d.by, subject: d.subject, ...(d.appId !== undefined && { appId: d.appId }), details: d.details })),
    nextCursor: docs.length > q.limit && last ? Buffer.from(`${last.at}\u0000${last._id}`).toString('base64url') : null,
  };
}
