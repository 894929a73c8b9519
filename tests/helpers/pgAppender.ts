/**
 * A second process for the PostgreSQL wake-up test: appends `count` events to its own stream,
 * `gapMs` apart, each stamped with the wall clock of the moment it was sent, then exits.
 *
 * Forked with IPC: reports `{ ready: true }` once connected, starts on any message from the parent.
 */
import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../infra/postgres/eventStore.ts';

const [url, stream, count, gapMs] = process.argv.slice(2);
const store = createPostgresEventStore(url!);
await store.headPosition(); // connect and create the schema before the clock matters
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
process.send!({ ready: true });
await go;
for (let i = 0; i < Number(count); i++) {
  const sentAt = performance.timeOrigin + performance.now();
  await store.append(
    stream!,
    [
      {
        type: 'AppSecretRotated',
        data: { appId: stream!, secretHash: `h${i}`, at: String(sentAt) },
        metadata: { correlationId: randomUUID(), causationId: randomUUID(), appId: 'pg-wake' },
      },
    ],
    i === 0 ? 'no_stream' : i - 1,
  );
  await new Promise((r) => setTimeout(r, Number(gapMs)));
}
await store.close();
process.disconnect();
