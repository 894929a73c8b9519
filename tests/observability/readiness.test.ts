import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { rabbitReadiness } from '../../monitors/readiness.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('RabbitMQ readiness', () => {
  it('fails naming the missing queue until the topology is asserted, then passes', async () => {
    const name = `test.obs.ready.${randomUUID()}`;
    const topology = { exchanges: [{ name }], queues: [{ name }] };
    const check = rabbitReadiness(AMQP_URL, () => topology);
    const conn = await connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange(name, 'fanout', { durable: false, autoDelete: false });
      await expect(check.check()).rejects.toThrow(`queue ${name} missing: topology not asserted`);
      await ch.assertQueue(name, { durable: false });
      await expect(check.check()).resolves.toBeUndefined();
      await ch.deleteQueue(name);
      await ch.deleteExchange(name);
      await expect(check.check()).rejects.toThrow(`exchange ${name} missing`);
    } finally {
      await check.close();
      await conn.close();
    }
  });

  it('fails when the broker does not answer', async () => {
    const check = rabbitReadiness('amqp://guest:guest@127.0.0.1:1', () => undefined);
    await expect(check.check()).rejects.toThrow(/ECONNREFUSED/);
    await check.close();
  });
});
