/**
 * SSE delivery latency of the in-app inbox: API accepted (202 received) -> `item` event received
 * on an open /inbox/v1/stream, through the whole pipeline (dispatcher, RabbitMQ, inapp sender,
 * log follower). One notification at a time, so the figure is latency, not queueing.
 *   npx tsx bench/inbox.bench.ts [count=100]
 */
import { startE2ePlatform } from '../tests/helpers/e2e.ts';

const count = Number(process.argv[2] ?? 100);

async function main(): Promise<void> {
  // The default inapp limit (100/hour per user) would suppress the tail of the run.
  const platform = await startE2ePlatform(`bench-inbox-${process.pid}`, { projections: true, env: { NOTIFY_RATE_LIMITS: 'inapp=1000000/1h' } });
  const api = platform.api;
  try {
    await api.call('PUT', '/v1/templates/bench-inbox', { inapp: { title: 'Item {{ n }}', body: 'Body {{ n }}' } });
    await api.call('PUT', '/v1/users/bench-user', {});
    const { token } = (await api.call('POST', '/v1/users/bench-user/inbox-token')).body as { token: string };
    // An item may arrive before the 202 does (the pipeline is that quick): arrivals are kept by id.
    const arrived = new Map<string, number>();
    const waiting = new Map<string, (at: number) => void>();
    const controller = new AbortController();
    const res = await fetch(`${api.url}/inbox/v1/stream?token=${encodeURIComponent(token)}`, { signal: controller.signal });
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          if (!block.includes('event: item')) continue;
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data) continue;
          const id = (JSON.parse(data) as { id: string }).id;
          arrived.set(id, performance.now());
          waiting.get(id)?.(performance.now());
        }
      }
    })();
    const latencies: number[] = [];
    const fromRequest: number[] = [];
    for (let n = 0; n < count + 5; n++) {
      const started = performance.now();
      const sent = await api.call('POST', '/v1/notifications', { eventId: `bench-${n}`, userId: 'bench-user', templateId: 'bench-inbox', params: { n }, channels: ['inapp'] });
      const accepted = performance.now();
      const id = (sent.body as { notifications: Array<{ id: string }> }).notifications[0]!.id;
      const at =
        arrived.get(id) ??
        (await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no SSE item for ${id} within 10 s`)), 10_000);
          waiting.set(id, (t) => {
            clearTimeout(timer);
            resolve(t);
          });
        }));
      waiting.delete(id);
      if (n >= 5) {
        // the first few warm up connections and caches
        latencies.push(Math.max(0, at - accepted));
        fromRequest.push(at - started);
      }
    }
    controller.abort();
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(0);
    console.log(
      `inbox SSE latency over ${latencies.length} notifications: 202 received -> SSE item p50 ${pct(latencies, 0.5)} ms, p99 ${pct(latencies, 0.99)} ms; request sent -> SSE item p50 ${pct(fromRequest, 0.5)} ms, p99 ${pct(fromRequest, 0.99)} ms`,
    );
  } finally {
    await platform.stop();
  }
}

void main().then(() => process.exit(0));
