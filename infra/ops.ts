import { Router } from 'express';
import type { Metrics } from './metrics.ts';

/** One dependency the platform cannot serve without; `check` rejects when it is not usable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Liveness only: safe on the public port (says nothing but "this process answers"). */
export function createHealthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}

/**
 * Operator endpoints, served on their own port (OPS_PORT, loopback by default), never the public
 * API port: readiness names the dependencies and their errors, metrics name apps and queues. Liveness (the process answers),
 * readiness (every dependency answers, each check bounded by a timeout so a hung broker reads
 * as "not ready" instead of hanging the probe), and Prometheus metrics.
 */
export function createOpsRouter(deps: { metrics: Pick<Metrics, 'registry'>; checks: readonly ReadinessCheck[]; timeoutMs?: number }): Router {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(deps.checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
    const failing = results.filter(([, r]) => r !== 'ok').map(([name]) => name);
    res.status(failing.length ? 503 : 200).json({ status: failing.length ? 'unavailable' : 'ready', checks: Object.fromEntries(results), failing });
  });

  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await deps.metrics.registry.metrics();
      res.type(deps.metrics.registry.contentType).send(body);
    } catch (e) {
      next(e);
    }
  });

  return router;
}

async function runCheck(c: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
}

/** The ops endpoints on a port of their own (OPS_PORT), bound to loopback unless OPS_HOST says otherwise. */
export async function serveOps(router: Router, port: number, host = '127.0.0.1'): Promise<{ port: number; host: string; close(): Promise<void> }> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`OPS_PORT must be a port number (0-65535), got "${String(port)}"`);
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    host: typeof address === 'object' && address ? address.address : host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
