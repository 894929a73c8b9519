import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClaimer } from '../../infra/claims.ts';
import { createSqliteClaimStore } from '../../infra/sqlite/claims.ts';
import { deliver, type DeliverDeps } from '../../channels/sender/deliver.ts';
import { silentLogger } from '../../infra/logger.ts';
import { streams } from '../../domain/streams.ts';
import type { EventStore } from '../../infra/eventStore/port.ts';
import { count, eventsOf, openStore, renderTrivially, request, tempDir, testProvider, type Fault } from './world.ts';
import { testRetry } from '../helpers/rabbit.ts';

describe('sender idempotency (the log decides, not the queue)', () => {
  let cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  function world(fault?: Fault, latencyMs?: number) {
    const dir = tempDir('idem');
    const store: EventStore = openStore(dir);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    const provider = testProvider('email', { fault, latencyMs });
    const deps: DeliverDeps = {
      channel: 'email',
      eventStore: store,
      provider,
      render: renderTrivially,
      retry: testRetry({ maxAttempts: 5 }),
      random: () => 0.5,
      providerTimeoutMs: 1_000,
      now: () => new Date(),
    };
    return { store, provider, deps };
  }

  it('two senders racing on one notification with claims: one provider call, the other copy is put off and later skipped', async () => {
    const { store, provider, deps } = world(undefined, 50);
    const dir = tempDir('idem-claims');
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    // Two processes: two connections to one claims file.
    const claimers = [0, 1].map(() => createClaimer({ store: createSqliteClaimStore(path.join(dir, 'claims.sqlite')), leaseMs: 30_000, logger: silentLogger }));
    for (const c of claimers) cleanup.push(() => c.close());
    const { notificationId } = await request(store, 'email');
    const actions = await Promise.all(claimers.map((c) => deliver({ ...deps, claim: c.claim }, notificationId, 1)));
    expect(provider.calls.get(notificationId)).toBe(1);
    expect(actions.map((x) => (x.kind === 'ack' ? x.note : x.kind)).sort()).toEqual(['defer', 'sent']);
    // The put-off copy comes back after its delay: the log has the outcome now.
    expect(await deliver({ ...deps, claim: claimers[1]!.claim }, notificationId, 1)).toEqual({ kind: 'ack', note: 'skipped_final' });
    expect(provider.calls.get(notificationId)).toBe(1);
    expect(count(await eventsOf(store, notificationId), 'NotificationSent')).toBe(1);
  });

  it('two senders racing with no claim store answering: both may call the provider (at-least-once), only one outcome is recorded', async () => {
    const { store, provider, deps } = world(undefined, 50);
    const { notificationId } = await request(store, 'email');
    const claim = async () => 'unavailable' as const;
    const [a, b] = await Promise.all([deliver({ ...deps, claim }, notificationId, 1), deliver({ ...deps, claim }, notificationId, 1)]);
    expect(provider.calls.get(notificationId)).toBe(2);
    expect([a, b].map((x) => x.kind === 'ack' && x.note).sort()).toEqual(['already_recorded', 'sent']);
    expect(count(await eventsOf(store, notificationId), 'NotificationSent')).toBe(1);
  });

  it('a redelivery after a recorded attempt takes the next attempt number instead of colliding', async () => {
    let failNext = true;
    const { store, provider, deps } = world(() => {
      if (!failNext) return undefined;
      failNext = false;
      return { kind: 'retryable', provider: 'test:email', code: 'http_503', message: 'busy' };
    });
    const { notificationId } = await request(store, 'email');
    // The first tier, unjittered (random 0.5): the delay the log records is the one scheduled.
    expect(await deliver(deps, notificationId, 1)).toEqual({ kind: 'retry', nextAttempt: 2, tierIndex: 0, delayMs: 50 });
    // The retry publish was lost and the original (attempt header 1) comes back.
    expect(await deliver(deps, notificationId, 1)).toEqual({ kind: 'ack', note: 'sent' });
    const events = await eventsOf(store, notificationId);
    expect(events.map((e) => e.type)).toEqual(['NotificationRequested', 'NotificationAttemptFailed', 'NotificationSent']);
    expect(events[2]?.type === 'NotificationSent' && events[2].data.attempt).toBe(2);
    expect(provider.total()).toBe(2);
    // And once Sent, any further copy is skipped without a provider call.
    expect(await deliver(deps, notificationId, 3)).toEqual({ kind: 'ack', note: 'skipped_final' });
    expect(provider.total()).toBe(2);
  });

  it('a suppressed or unknown notification never reaches the provider', async () => {
    const { store, provider, deps } = world();
    const id = 'suppressed-one';
    await store.append(
      streams.notification(id),
      [
        {
          type: 'NotificationSuppressed',
          data: { notificationId: id, appId: 'a', eventId: 'e', userId: 'u', channel: 'email', templateId: 't', reason: 'opted_out', at: new Date().toISOString() },
          metadata: { correlationId: 'c', causationId: 'c', appId: 'a' },
        },
      ],
      'no_stream',
    );
    expect(await deliver(deps, id, 1)).toEqual({ kind: 'ack', note: 'skipped_final' });
    expect(await deliver(deps, 'never-requested', 1)).toMatchObject({ kind: 'park', reason: 'unknown_notification' });
    expect(provider.total()).toBe(0);
  });

  it('ok with some dead tokens: Sent, and DeviceRemoved for exactly those tokens', async () => {
    const dir = tempDir('idem-push');
    const store: EventStore = openStore(dir);
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    cleanup.push(() => store.close());
    const provider = testProvider('android');
    const send = provider.send.bind(provider);
    provider.send = async (m) => {
      const r = await send(m);
      return r.kind === 'ok' && m.recipient.kind === 'push' ? { ...r, invalidTokens: [m.recipient.tokens[1]!] } : r;
    };
    const r = await request(store, 'android');
    const deps: DeliverDeps = {
      channel: 'android',
      eventStore: store,
      provider,
      render: renderTrivially,
      retry: testRetry({ maxAttempts: 5 }),
      random: () => 0.5,
      providerTimeoutMs: 1_000,
      now: () => new Date(),
    };
    expect(await deliver(deps, r.notificationId, 1)).toEqual({ kind: 'ack', note: 'sent' });
    const removed = (await store.readStream(streams.user('app-test', r.userId))).filter((e) => e.type === 'DeviceRemoved');
    expect(removed.map((e) => e.type === 'DeviceRemoved' && [e.data.token, e.data.reason])).toEqual([[`tok-${r.userId}-android-b`, 'token_invalid']]);
    expect(count(await eventsOf(store, r.notificationId), 'NotificationSent')).toBe(1);
  });

  it('a provider that hangs is a retryable timeout; one that throws is retryable too', async () => {
    const { store, deps } = world(undefined, 300);
    const { notificationId } = await request(store, 'email');
    expect(await deliver({ ...deps, providerTimeoutMs: 50 }, notificationId, 1)).toEqual({ kind: 'retry', nextAttempt: 2, tierIndex: 0, delayMs: 50 });
    const failed = (await eventsOf(store, notificationId)).find((e) => e.type === 'NotificationAttemptFailed');
    expect(failed?.type === 'NotificationAttemptFailed' && failed.data.code).toBe('timeout');

    const throwing = {
      ...deps,
      provider: {
        ...deps.provider,
        send: async () => {
          throw new Error('socket hang up');
        },
      },
    };
    expect(await deliver(throwing, notificationId, 2)).toEqual({ kind: 'retry', nextAttempt: 3, tierIndex: 1, delayMs: 100 });
    const codes = (await eventsOf(store, notificationId)).flatMap((e) => (e.type === 'NotificationAttemptFailed' ? [e.data.code] : []));
    expect(codes).toEqual(['timeout', 'provider_threw']);
  });
});
