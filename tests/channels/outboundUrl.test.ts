import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebPushProvider, generateVapidKeys } from '../../channels/providers/webpush/provider.ts';
import { simulatorPushOrigins } from '../../channels/providers/index.ts';
import { checkOutboundUrl, forbiddenAddressClass } from '../../channels/outboundUrl.ts';
import { silentLogger } from '../../infra/logger.ts';
import { message, startTestSimulator } from './simHelpers.ts';

/**
 * Issue 24, finding 2: the senders call whatever endpoint a subscription names. The address
 * actually connected to must be outside the network (DNS rebinding cannot swap it after the
 * check), and nothing the endpoint answers, nor an error text naming an address and port, is kept.
 */
describe('the address rule', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.127.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['239.1.1.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::169.254.1.1', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'private'],
    ['ff05::2', 'multicast'],
  ])('%s is %s', (ip, cls) => {
    expect(forbiddenAddressClass(ip)).toBe(cls);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1'])('%s may be called', (ip) => {
    expect(forbiddenAddressClass(ip)).toBeUndefined();
  });

  it('https only; a listed origin passes although it is loopback; no credentials in the URL', () => {
    expect(checkOutboundUrl('http://push.example.net/x', [])).toMatchObject({ ok: false, reason: 'not_https' });
    expect(checkOutboundUrl('https://localhost:4011/wp/1', ['https://localhost:4011'])).toMatchObject({ ok: true, listed: true });
    expect(checkOutboundUrl('https://localhost:4012/wp/1', ['https://localhost:4011'])).toMatchObject({ ok: false, reason: 'forbidden_address' });
    expect(checkOutboundUrl('https://a:b@push.example.net/x', [])).toMatchObject({ ok: false, reason: 'credentials' });
    expect(checkOutboundUrl('https://push.example.net/x', [])).toMatchObject({ ok: true, listed: false });
  });
});

describe('the web push provider calls only where the rule allows', () => {
  let t: Awaited<ReturnType<typeof startTestSimulator>>;
  beforeAll(async () => {
    t = await startTestSimulator();
  });
  afterAll(async () => {
    await t.sim.stop();
  });

  async function subscription() {
    const res = await fetch(`${t.sim.urls.control}/_sim/web/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return (await res.json()) as { endpoint: string; keys: { p256dh: string; auth: string } };
  }
  const recipient = (endpoint: string, keys: { p256dh: string; auth: string }) => ({
    kind: 'push' as const,
    platform: 'web' as const,
    tokens: [endpoint],
    webKeys: { [endpoint]: keys },
  });

  it('a name that resolves to loopback (as a rebinding DNS answers at send time) is refused before connecting: permanent, nothing reaches the address', async () => {
    const s = await subscription();
    // The simulator's own path and port under a public-looking name that "resolves" to 127.0.0.1.
    const endpoint = s.endpoint.replace('https://localhost:', 'https://push.rebind.example:');
    const asked: string[] = [];
    const provider = createWebPushProvider(
      {
        vapid: generateVapidKeys('mailto:ops@example.com'),
        timeoutMs: 3000,
        simulator: { ca: t.sim.ca },
        resolve: (hostname, _options, callback) => {
          asked.push(hostname);
          callback(null, [{ address: '127.0.0.1', family: 4 }]);
        },
      },
      silentLogger,
    );
    try {
      const { last } = await t.messages('web');
      const result = await provider.send(message('web', recipient(endpoint, s.keys), { channel: 'web', title: 'x', body: 'y' }));
      expect(result).toMatchObject({ kind: 'permanent', code: 'webpush:forbidden_address' });
      expect(asked).toEqual(['push.rebind.example']);
      expect((await t.messages('web', last)).messages).toEqual([]);
      // A literal inside address is never looked up: the subscription is unusable (dead), nothing is sent.
      const literal = s.endpoint.replace('https://localhost:', 'https://127.0.0.1:');
      expect(await provider.send(message('web', recipient(literal, s.keys), { channel: 'web', title: 'x', body: 'y' }))).toMatchObject({
        kind: 'token_invalid',
        code: 'webpush:forbidden_address',
      });
      expect((await t.messages('web', last)).messages).toEqual([]);
    } finally {
      await provider.close?.();
    }
  });

  it('keeps only a status code and a classified reason: no answer body, no address or port in an error', async () => {
    const s = await subscription();
    const provider = createWebPushProvider(
      {
        vapid: generateVapidKeys('mailto:ops@example.com'),
        timeoutMs: 3000,
        simulator: { ca: t.sim.ca },
        allowedOrigins: [...simulatorPushOrigins(t.endpoint), 'https://localhost:1'],
      },
      silentLogger,
    );
    try {
      await t.fault({ channel: 'web', rate: 1, status: 400 });
      const bad = await provider.send(message('web', recipient(s.endpoint, s.keys), { channel: 'web', title: 'x', body: 'y' }));
      expect(bad).toMatchObject({ kind: 'permanent', code: 'webpush:400', message: 'push service answered 400' });
      await t.clearFaults();
      const closed = 'https://localhost:1/wp/nothing-listens';
      const refused = await provider.send(message('web', recipient(closed, s.keys), { channel: 'web', title: 'x', body: 'y' }));
      expect(refused).toMatchObject({ kind: 'retryable', code: 'webpush:network', message: 'no answer from the push service (connection)' });
    } finally {
      await t.clearFaults();
      await provider.close?.();
    }
  });
});
