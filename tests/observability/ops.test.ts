import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../infra/metrics.ts';
import { loadConfig } from '../../app/config.ts';
import { createOpsRouter, serveOps } from '../../infra/ops.ts';

async function serve(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('ops router', () => {
  it('answers liveness, readiness with the failing checks named, and Prometheus text', async () => {
    const metrics = createMetrics();
    let brokerUp = true;
    const app = express();
    app.use(
      createOpsRouter({
        metrics,
        timeoutMs: 200,
        checks: [
          { name: 'eventStore', check: async () => {} },
          {
            name: 'rabbitmq',
            check: async () => {
              if (!brokerUp) throw new Error('connection refused');
            },
          },
          { name: 'projectionStore', check: () => new Promise(() => {}) }, // hangs: must read as a failure, not hang the probe
        ],
      }),
    );
    const { url, close } = await serve(app);
    try {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(503);
      const body = (await notReady.json()) as { failing: string[]; checks: Record<string, string> };
      expect(body.failing).toEqual(['projectionStore']);
      expect(body.checks.projectionStore).toMatch(/no answer within 200 ms/);
      expect(body.checks.eventStore).toBe('ok');

      brokerUp = false;
      const worse = (await (await fetch(`${url}/readyz`)).json()) as { failing: string[]; checks: Record<string, string> };
      expect(worse.failing.sort()).toEqual(['projectionStore', 'rabbitmq']);
      expect(worse.checks.rabbitmq).toBe('connection refused');

      metrics.notifications.inc({ channel: 'sms', status: 'sent' }, 3);
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toContain('notify_notifications_total{channel="sms",status="sent"} 3');
      expect(text).toContain('# TYPE notify_provider_call_seconds histogram');
    } finally {
      await close();
    }
  });

  it('is ready when every check passes', async () => {
    const app = express();
    app.use(createOpsRouter({ metrics: createMetrics(), checks: [{ name: 'a', check: async () => {} }] }));
    const { url, close } = await serve(app);
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { a: 'ok' }, failing: [] });
    } finally {
      await close();
    }
  });
});

describe('ops port', () => {
  it('defaults to 9464 on loopback (OPS_PORT, OPS_HOST), and serveOps binds loopback unless told otherwise', async () => {
    const config = loadConfig({});
    expect([config.opsPort, config.opsHost]).toEqual([9464, '127.0.0.1']);
    expect(loadConfig({ OPS_PORT: '0', OPS_HOST: '0.0.0.0' })).toMatchObject({ opsPort: 0, opsHost: '0.0.0.0' });
    const ops = await serveOps(createOpsRouter({ metrics: createMetrics(), checks: [] }), 0);
    try {
      expect((await fetch(`http://127.0.0.1:${ops.port}/metrics`)).status).toBe(200);
      expect(ops.host).toBe('127.0.0.1');
    } finally {
      await ops.close();
    }
  });
});
