import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../domain/events.ts';
import { runDemo } from '../../app/demo/run.ts';
import { AMQP_URL, freePort } from './platform.ts';

describe('notify demo', () => {
  it('runs a mixed workload with injected faults to the end and prints the funnel, then leaves nothing behind', async () => {
    const prefix = `test.obs.demo.${randomBytes(4).toString('hex')}`;
    const lines: string[] = [];
    const demo = await runDemo({
      exit: true,
      notifications: 30,
      out: (l) => lines.push(l),
      settleTimeoutMs: 60_000,
      env: {
        ...process.env,
        RABBIT_PREFIX: prefix,
        PORT: String(await freePort()),
        SIM_PORT: String(await freePort()),
        SIM_PROVIDER_PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
        // Every delivered email opened and clicked: the funnel's receipts columns are then never zero by chance.
        SIM_RECEIPT_OPEN_RATE: '1',
        SIM_RECEIPT_CLICK_RATE: '1',
      },
    });
    let stopped = false;
    try {
      const text = lines.join('\n');
      expect(text).toContain('Delivery funnel per channel');
      expect(text).toMatch(/metrics\s+http:\/\/127\.0\.0\.1:\d+\/metrics/);
      // The hint names the demo's own stores: an app made in ./data would be unknown to it.
      expect(text).toMatch(/more apps\s+npx notify apps create <name> --data-dir \S*notify-demo-\S+/);
      for (const c of CHANNELS) {
        expect(demo.funnel[c].requested, c).toBeGreaterThan(0);
        expect(demo.funnel[c].pending, `${c} left pending`).toBe(0);
        const f = demo.funnel[c];
        expect(f.sent + f.failed + f.suppressed, `${c} adds up`).toBe(f.requested);
      }
      // The SMS provider failed 60% of calls during the burst: some SMS went through retries.
      expect(demo.funnel.sms.retried).toBeGreaterThan(0);
      expect(demo.funnel.sms.sent).toBeGreaterThan(0);
      // The simulator's receipts: SendGrid's delivered events, the opened pixels, the followed links; Twilio's callbacks.
      expect(demo.funnel.email.delivered).toBeGreaterThan(0);
      expect(demo.funnel.email.delivered).toBe(demo.funnel.email.sent);
      expect(demo.funnel.email.opened).toBe(demo.funnel.email.delivered);
      // Every demo email has a link to follow.
      expect(demo.funnel.email.clicked).toBe(demo.funnel.email.delivered);
      expect(demo.funnel.sms.delivered).toBe(demo.funnel.sms.sent);
      // The workflow tour: each feature seen at the simulator (or, for cancel, in the status).
      expect(demo.workflow).toEqual({ digest: true, fallback: true, cancel: true, failover: true, locales: true, topic: true });
      expect(text).toContain('Workflow tour:');
      // A fresh platform has no operators: the demo made an admin and printed how to sign in, and that works.
      expect(text).toContain(`sign in as ${demo.admin.email} / ${demo.admin.password}`);
      const signIn = await fetch(`${demo.apiUrl}/console/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: demo.admin.email, password: demo.admin.password }),
      });
      expect(signIn.status).toBe(200);
      expect(await signIn.json()).toMatchObject({ operator: { email: demo.admin.email, role: 'admin' } });
      await demo.stop();
      stopped = true;
      // The demo's broker namespace is gone once it stops.
      const conn = await connect(AMQP_URL);
      try {
        const ch = await conn.createChannel();
        ch.on('error', () => {});
        await expect(ch.checkQueue(`${prefix}.sms`)).rejects.toThrow(/NOT_FOUND/);
      } finally {
        await conn.close().catch(() => {});
      }
    } finally {
      if (!stopped) await demo.stop();
    }
  });
});
