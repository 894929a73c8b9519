import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../infra/metrics.ts';
import { createOpsRouter } from '../../infra/ops.ts';

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
          { name: 'rabbitmq', check: async () => { if (!brokerUp) throw new Error('connection refused'); } },
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
