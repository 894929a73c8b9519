import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { effectiveConfig, maskUrlCredentials } from '../../app/cli/config.ts';
import { silentLogger } from '../../infra/logger.ts';
import { createRabbitConnection, type RabbitConnection } from '../../infra/rabbit/connection.ts';
import { createConfirmPublisher, PublishError } from '../../infra/rabbit/publisher.ts';
import { assertOnConnect, buildTopology, PARKED_DELIVERY_LIMIT, queueOnDownNode } from '../../infra/rabbit/topology.ts';
import { parseAmqpUrls } from '../../infra/rabbit/urls.ts';
import { clusterProblem, managementEndpoints } from '../../monitors/management.ts';
import { channelNames } from '../../infra/rabbit/names.ts';
import { AMQP_URL, testRetry, testTopology, uniquePrefix, waitFor, withChannel } from '../helpers/rabbit.ts';

/** A port nothing listens on: a node of the list that is down. */
const DEAD_NODE = 'amqp://guest:guest@127.0.0.1:1';
const opened: RabbitConnection[] = [];
afterAll(async () => {
  for (const c of opened) await c.close();
});
const connection = (url: string) => {
  const c = createRabbitConnection({ url, logger: silentLogger, initialDelayMs: 50, maxDelayMs: 200 });
  opened.push(c);
  return c;
};

describe('AMQP_URL: one node or a cluster of them', () => {
  it('parses a comma-separated list and refuses what is not a list of amqp URLs, naming the variable and masking passwords', () => {
    expect(parseAmqpUrls('amqp://a:b@h1:5672, amqps://a:b@h2:5671/vh')).toEqual(['amqp://a:b@h1:5672', 'amqps://a:b@h2:5671/vh']);
    expect(() => parseAmqpUrls('amqp://h1,')).toThrow(/none empty/);
    expect(() => parseAmqpUrls('http://h1')).toThrow(/node 1 of 1 has scheme http:/);
    expect(() => loadConfig({ AMQP_URL: 'amqp://u:topsecret@h1:5672,h2:5672' })).toThrow(/AMQP_URL must be an amqp:\/\/ URL or several nodes' URLs.*node 2 of 2/);
    expect(() => loadConfig({ AMQP_URL: 'amqp://u:topsecret@h1:5672,h2:5672' })).not.toThrow(/topsecret/);
  });

  it("masks every node's password in `notify config`", () => {
    expect(maskUrlCredentials('amqp://u:p1@h1:5672,amqp://u:p2@h2:5672')).toBe('amqp://u:****@h1:5672,amqp://u:****@h2:5672');
    const shown = effectiveConfig({ AMQP_URL: 'amqp://u:first@h1:5672,amqp://u:second@h2:5672,amqp://u:third@h3:5672' }).find((v) => v.name === 'AMQP_URL');
    expect(shown?.value).toBe('amqp://u:****@h1:5672,amqp://u:****@h2:5672,amqp://u:****@h3:5672');
  });

  it('declares quorum queues with 3 replicas for a cluster of 3+ nodes (or QUORUM_REPLICAS), and no replica argument for one node', () => {
    const three = 'amqp://g:g@h1:5672,amqp://g:g@h2:5672,amqp://g:g@h3:5672';
    expect(loadConfig({ AMQP_URL: three }).pipeline.quorumReplicas).toBe(3);
    expect(loadConfig({ AMQP_URL: three, QUORUM_REPLICAS: '5' }).pipeline.quorumReplicas).toBe(5);
    expect(loadConfig({}).pipeline.quorumReplicas).toBeUndefined();
    const t = buildTopology({ retry: testRetry(), quorumReplicas: 3 });
    const email = channelNames('email');
    expect(t.queues.find((q) => q.name === email.queue)?.arguments).toMatchObject({ 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': 3, 'x-delivery-limit': 10 });
    expect(t.queues.find((q) => q.name === email.parkedQueue)?.arguments).toMatchObject({ 'x-quorum-initial-group-size': 3, 'x-delivery-limit': PARKED_DELIVERY_LIMIT });
    expect(buildTopology({ retry: testRetry() }).queues.find((q) => q.name === email.queue)?.arguments).not.toHaveProperty('x-quorum-initial-group-size');
  });

  it('names the delay queue whose node is down (skipped at set-up), and nothing else', () => {
    const t = buildTopology({ prefix: 'p', retry: testRetry({ tiersMs: [100] }) });
    const delay = channelNames('ios', 'p').retryQueue('100ms');
    const down = (q: string) =>
      new Error(`Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - home node 'n1@localhost' of durable queue '${q}' in vhost '/' is down or inaccessible"`);
    expect(t.queues.some((q) => q.name === delay)).toBe(true);
    expect(queueOnDownNode(t, down(delay))).toBe(delay);
    // A quorum queue never lives on one node: its 404 is a real error, and so is any other 404.
    expect(queueOnDownNode(t, down(channelNames('ios', 'p').queue))).toBeUndefined();
    expect(queueOnDownNode(t, down('someone.else'))).toBeUndefined();
    expect(queueOnDownNode(t, new Error("NOT_FOUND - no queue 'p.ios.retry.100ms' in vhost '/'"))).toBeUndefined();
  });

  it('finds the management API of the nodes named: RABBITMQ_MANAGEMENT_URL, or 15672 on hosts whose AMQP port is the standard one', () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(managementEndpoints('amqp://a:pw1@mq1:5672,amqp://b:pw2@mq2')).toEqual([
      { base: 'http://mq1:15672', authorization: basic('a', 'pw1'), label: 'mq1:15672' },
      { base: 'http://mq2:15672', authorization: basic('b', 'pw2'), label: 'mq2:15672' },
    ]);
    // A private node on another port: 15672 on that host would be another broker's.
    expect(managementEndpoints('amqp://a:pw@127.0.0.1:27000')).toEqual([]);
    expect(
      managementEndpoints('amqp://a:pw@127.0.0.1:27000,amqp://a:pw@127.0.0.1:27001', 'http://127.0.0.1:28000, http://m:x@127.0.0.1:28001/').map((e) => [e.base, e.authorization]),
    ).toEqual([
      ['http://127.0.0.1:28000', basic('a', 'pw')],
      ['http://127.0.0.1:28001', basic('m', 'x')],
    ]);
  });

  it('a cluster is ready with a majority running and no partition or alarm', () => {
    const node = (name: string, o: Partial<{ running: boolean; partitions: string[]; memAlarm: boolean; diskAlarm: boolean }> = {}) => ({
      name,
      running: true,
      partitions: [],
      memAlarm: false,
      diskAlarm: false,
      ...o,
    });
    expect(clusterProblem([node('a'), node('b'), node('c')])).toBeUndefined();
    expect(clusterProblem([node('a'), node('b'), node('c', { running: false })])).toBeUndefined();
    expect(clusterProblem([node('a'), node('b', { running: false }), node('c', { running: false })])).toBe('1 of 3 RabbitMQ nodes running: no majority');
    expect(clusterProblem([node('a'), node('b', { running: false })])).toBe('1 of 2 RabbitMQ nodes running: no majority');
    expect(clusterProblem([node('a', { partitions: ['c'] }), node('b'), node('c')])).toMatch(/network partition seen by a \(cannot reach c\)/);
    expect(clusterProblem([node('a'), node('b', { diskAlarm: true }), node('c')])).toBe('resource alarm (publishers blocked) on b: disk');
  });

  it('connects to the next node when the first is down', async () => {
    const c = connection(`${DEAD_NODE},${AMQP_URL}`);
    await c.start();
    expect(c.connected).toBe(true);
    expect(c.node).toBe(`${new URL(AMQP_URL).hostname}:${new URL(AMQP_URL).port || '5672'}`);
  });

  it('failover() leaves the node for the next one and runs every set-up hook again there', async () => {
    const c = connection(`${AMQP_URL},${AMQP_URL}`);
    let setups = 0;
    c.onConnect(async () => {
      setups += 1;
    });
    await c.start();
    expect(c.connects).toBe(1);
    c.failover('test');
    await waitFor(() => c.connects === 2 && c.connected, 10_000, 'a connection to the next node');
    expect(setups).toBe(2);
  });

  it('a publisher whose publishes are all nacked leaves the node after a run of them', async () => {
    // A queue that refuses every message: each publish routed to it is nacked by the broker.
    const queue = `${uniquePrefix('nacks')}.full`;
    await withChannel(async (ch) => {
      await ch.assertQueue(queue, { durable: false, autoDelete: false, arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    });
    try {
      const c = connection(`${AMQP_URL},${AMQP_URL}`);
      await c.start();
      const publisher = createConfirmPublisher(c, { logger: silentLogger, nackRunFailover: 5 });
      const reasons: string[] = [];
      for (let i = 0; i < 5; i++) {
        await publisher.publish('', queue, Buffer.from('x')).catch((e: unknown) => reasons.push(e instanceof PublishError ? e.reason : String(e)));
      }
      expect(reasons).toEqual(['nacked', 'nacked', 'nacked', 'nacked', 'nacked']);
      await waitFor(() => c.connects === 2 && c.connected, 10_000, 'a connection to the next node');
      await publisher.close();
    } finally {
      await withChannel((ch) => ch.deleteQueue(queue));
    }
  });

  it('keeps an existing parked queue as it was declared, and declares a new one with the explicit delivery limit', async () => {
    const old = testTopology('parked-old', { channels: ['sms'] });
    const fresh = testTopology('parked-new', { channels: ['sms'] });
    const oldParked = channelNames('sms', old.prefix).parkedQueue;
    // The queue as earlier versions declared it: quorum, no delivery limit.
    await withChannel((ch) => ch.assertQueue(oldParked, { durable: true, arguments: { 'x-queue-type': 'quorum' } }));
    const c = connection(AMQP_URL);
    const asserted: string[] = [];
    for (const t of [old, fresh]) {
      assertOnConnect(c, t);
      c.onConnect(async () => {
        asserted.push(t.prefix);
      });
    }
    try {
      await c.start();
      expect(asserted).toEqual([old.prefix, fresh.prefix]);
      // The fresh one carries the limit: re-declaring it without one is refused as inequivalent.
      const conn = await amqp.connect(AMQP_URL);
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      await expect(ch.assertQueue(channelNames('sms', fresh.prefix).parkedQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } })).rejects.toThrow(
        /inequivalent arg 'x-delivery-limit'/,
      );
      await conn.close().catch(() => {});
    } finally {
      await withChannel(async (ch) => {
        for (const t of [old, fresh]) {
          for (const q of t.queues) await ch.deleteQueue(q.name);
          for (const e of t.exchanges) await ch.deleteExchange(e.name);
        }
      });
    }
  });
});
