/**
 * Throughput of each adapter through its real SDK into the simulator (no pipeline, no RabbitMQ):
 * the ceiling the providers side puts on the senders. Prints one line per channel.
 *   node bench/providers.bench.ts [messagesPerChannel=2000] [concurrency=50] [channels=ios,android,web,sms,email]
 */
import { performance } from 'node:perf_hooks';
import { closeProviders, createProviders } from '../channels/providers/index.ts';
import type { ProviderMessage } from '../channels/port.ts';
import { silentLogger } from '../infra/logger.ts';
import type { Channel } from '../domain/events.ts';
import { simulatedProviders } from '../app/simulated.ts';
import { startSimulator } from '../simulator/server.ts';

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 50);

type Subscription = ReturnType<Awaited<ReturnType<typeof startSimulator>>['webSubscribe']>;
let subscriptions: Subscription[] = [];

function messageFor(channel: Exclude<Channel, 'inapp' | 'chat'>, i: number): ProviderMessage {
  const base = { notificationId: `bench-${channel}-${i}`, channel, attempt: 1, appId: 'bench', userId: `u${i}` };
  switch (channel) {
    case 'ios':
      return {
        ...base,
        recipient: { kind: 'push', platform: 'ios', tokens: [(i % 256).toString(16).padStart(2, '0').repeat(32)] },
        content: { channel, title: 'Bench', body: `Message ${i}` },
      };
    case 'android':
      return {
        ...base,
        recipient: { kind: 'push', platform: 'android', tokens: [`bench-token-${i}-${'x'.repeat(30)}`] },
        content: { channel, title: 'Bench', body: `Message ${i}` },
      };
    case 'sms':
      return { ...base, recipient: { kind: 'sms', phone: `+1415555${String(i % 10000).padStart(4, '0')}` }, content: { channel, text: `Code ${i}`, segments: 1 } };
    case 'email':
      return { ...base, recipient: { kind: 'email', email: `u${i}@example.com` }, content: { channel, subject: 'Bench', html: `<p>Message ${i}</p>`, text: `Message ${i}` } };
    case 'web': {
      const s = subscriptions[i % subscriptions.length]!;
      return {
        ...base,
        recipient: { kind: 'push', platform: 'web', tokens: [s.endpoint], webKeys: { [s.endpoint]: s.keys } },
        content: { channel, title: 'Bench', body: `Message ${i}`, url: 'https://example.com/' },
      };
    }
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

async function main(): Promise<void> {
  const sim = await startSimulator({ controlPort: 0, providerPort: 0 });
  // No credentials: every channel goes, through its real SDK, to this simulator (10 s provider timeout, the default).
  const timeoutMs = { ios: 10_000, android: 10_000, web: 10_000, sms: 10_000, email: 10_000 };
  // Web Push: the simulator plays 100 browsers; each push is VAPID-checked and decrypted there.
  subscriptions = Array.from({ length: 100 }, () => sim.webSubscribe());
  const providers = createProviders({ providers: { timeoutMs }, publicUrl: 'http://127.0.0.1:3000', simulated: simulatedProviders(sim.provider.port) }, silentLogger);
  try {
    const only = process.argv[4]?.split(',');
    for (const channel of (['ios', 'android', 'web', 'sms', 'email'] as const).filter((c) => !only || only.includes(c))) {
      const latencies: number[] = [];
      let next = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const i = next++;
            const t0 = performance.now();
            const result = await providers[channel].send(messageFor(channel, i));
            latencies.push(performance.now() - t0);
            if (result.kind !== 'ok') failed += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
      console.log(`${channel.padEnd(8)} ${total} sends, concurrency ${concurrency}: ${(total / seconds).toFixed(0)}/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, not ok ${failed}`);
    }
  } finally {
    await closeProviders(providers);
    await sim.stop();
  }
}

void main();
