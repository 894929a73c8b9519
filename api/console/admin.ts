import { Router, type Response } from 'express';
import { APP_KEY_PATTERN, createApp, revokeApp, rotateAppSecret } from '../../commands/apps.ts';
import { createOperator, isOperatorRole, loadOperator, OperatorInputError, setOperatorEnabled, setOperatorPassword, setOperatorRole } from '../../commands/operators.ts';
import type { OperatorRef } from '../../domain/events.ts';
import { auditEntries, listAccounts } from '../../projections/consoleQueries.ts';
import { QueryError } from '../../projections/queries.ts';
import { HttpError } from '../edge/errors.ts';
import type { ConsoleDeps } from './router.ts';

/**
 * What an admin manages from the console (apps and operators) and the audit trail every operator
 * may read. Every change is an event naming the operator (`by`); roles are checked before any of
 * these run (roles.ts, applied by router.ts).
 */
const body = (req: { body?: unknown }) => (typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {});
const OPERATOR_ID = /^op_[0-9a-f]{24}$/;

export function consoleAdminRouter(deps: ConsoleDeps, operatorOf: (res: Response) => OperatorRef): Router {
  const router = Router();
  const projections = () => {
    if (!deps.projectionStore) throw new HttpError(503, 'unavailable', 'this API process runs without the projection store');
    return deps.projectionStore;
  };
  const actor = (res: Response) => ({ by: operatorOf(res), now: deps.now() });
  const inputError = (e: unknown): never => {
    if (e instanceof OperatorInputError || e instanceof QueryError) throw new HttpError(400, 'invalid_request', e.message, { field: e.field });
    throw e;
  };
  const appKey = (value: string) => {
    if (!APP_KEY_PATTERN.test(value)) throw new HttpError(404, 'app_not_found', 'no such app');
    return value;
  };
  const operatorId = async (value: string) => {
    if (!OPERATOR_ID.test(value) || (await loadOperator(deps.store, value)).state.status === 'none') throw new HttpError(404, 'operator_not_found', 'no such operator');
    return value;
  };

  router.get('/console/apps', async (_req, res) => void res.json({ items: await listAccounts(projections(), 'app') }));
  router.post('/console/apps', async (req, res) => {
    const name = body(req).name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new HttpError(400, 'invalid_request', 'name must be 1-200 characters', { field: 'name' });
    // The secret is in this answer only; the log keeps its scrypt hash.
    res.status(201).json(await createApp(deps.store, name, deps.now(), operatorOf(res)));
  });
  router.post('/console/apps/:appId/rotate', async (req, res) => void res.json(await rotateAppSecret(deps.store, appKey(req.params.appId), deps.now(), operatorOf(res))));
  router.post('/console/apps/:appId/revoke', async (req, res) => {
    await revokeApp(deps.store, appKey(req.params.appId), deps.now(), operatorOf(res));
    res.json({ appKey: req.params.appId, revoked: true });
  });

  router.get('/console/operators', async (_req, res) => void res.json({ items: await listAccounts(projections(), 'operator') }));
  router.post('/console/operators', async (req, res) => {
    const b = body(req);
    if (typeof b.email !== 'string') throw new HttpError(400, 'invalid_request', 'email is required', { field: 'email' });
    if (!isOperatorRole(b.role)) throw new HttpError(400, 'invalid_request', 'role must be viewer, operator or admin', { field: 'role' });
    if (b.password !== undefined && typeof b.password !== 'string') throw new HttpError(400, 'invalid_request', 'password must be a string', { field: 'password' });
    const created = await createOperator(
      { store: deps.store, ...(deps.keyVault && { keyVault: deps.keyVault }) },
      { email: b.email, role: b.role, ...(typeof b.password === 'string' && { password: b.password }), ...(b.totp === true && { totp: true }) },
      actor(res),
    ).catch(inputError);
    res.status(201).json(created);
  });
  router.put('/console/operators/:operatorId/role', async (req, res) => {
    const role = body(req).role;
    if (!isOperatorRole(role)) throw new HttpError(400, 'invalid_request', 'role must be viewer, operator or admin', { field: 'role' });
    const id = await operatorId(req.params.operatorId);
    const state = await setOperatorRole(deps.store, id, role, actor(res));
    res.json({ operatorId: id, role: state.role });
  });
  for (const [path, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    router.post(`/console/operators/:operatorId/${path}`, async (req, res) => {
      const id = await operatorId(req.params.operatorId);
      if (!enabled && id === operatorOf(res).operatorId) throw new HttpError(409, 'invalid_state', 'an admin cannot disable their own account (another admin, or the CLI, can)');
      const state = await setOperatorEnabled(deps.store, id, enabled, actor(res));
      // The stream already refuses the old sessions (status and generation); the records go too.
      if (!enabled) await deps.sessions.revokeOperator(id);
      res.json({ operatorId: id, status: state.status });
    });
  }
  router.post('/console/operators/:operatorId/password', async (req, res) => {
    const id = await operatorId(req.params.operatorId);
    const given = body(req).password;
    if (given !== undefined && typeof given !== 'string') throw new HttpError(400, 'invalid_request', 'password must be a string', { field: 'password' });
    const { state } = await loadOperator(deps.store, id);
    const generated = await setOperatorPassword(deps.store, state.email!, given, actor(res)).catch(inputError);
    await deps.sessions.revokeOperator(id);
    res.json({ operatorId: id, ...(generated !== undefined && { password: generated }) });
  });

  router.get('/console/audit', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new HttpError(400, 'invalid_request', 'limit must be an integer 1-200', { field: 'limit' });
    for (const f of ['cursor', 'operatorId', 'appId'] as const)
      if (q[f] !== undefined && typeof q[f] !== 'string') throw new HttpError(400, 'invalid_request', `${f} must be a string`, { field: f });
    const page = await auditEntries(projections(), {
      limit,
      ...(typeof q.cursor === 'string' && { cursor: q.cursor }),
      ...(typeof q.operatorId === 'string' && { operatorId: q.operatorId }),
      ...(typeof q.appId === 'string' && { appId: q.appId }),
    }).catch(inputError);
    res.json(page);
  });
  return router;
}
