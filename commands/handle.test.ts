import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appDecider, type AppCommand } from '../domain/app.ts';
import { DomainError } from '../domain/errors.ts';
import type { AppEvent, EventMetadata } from '../domain/events.ts';
import { ConcurrencyError, type EventStore, type NewEvent } from '../infra/eventStore/port.ts';
import { createSqliteEventStore } from '../infra/sqlite/eventStore.ts';
import { handleCommand, loadState } from './handle.ts';

const at = '2026-01-01T10:00:00.000Z';
const metadata: EventMetadata = { correlationId: 'c-1', causationId: 'cmd-1', appId: 'key-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const stream = 'app-key-1';
const register: AppCommand = { type: 'RegisterApp', data: { appId: 'key-1', name: 'shop', secretHash: 's1', at } };
const rotate = (secretHash: string): AppCommand => ({ type: 'RotateAppSecret', data: { appId: 'key-1', secretHash, at } });
const rotatedEvent = (secretHash: string): NewEvent => ({ type: 'AppSecretRotated', data: { appId: 'key-1', secretHash, at }, metadata });

/** The real store, with a hook run just before each append: the place a racing writer gets in. */
function withBeforeAppend(store: EventStore, hook: (call: number) => Promise<void>): EventStore & { appends: number } {
  const wrapped = {
    ...store,
    appends: 0,
    async append(...args: Parameters<EventStore['append']>) {
      wrapped.appends += 1;
      await hook(wrapped.appends);
      return store.append(...args);
    },
  };
  return wrapped;
}

describe('handleCommand', () => {
  let dir: string;
  let store: EventStore;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'handle-'));
    store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads, decides and appends with the revision read, carrying the metadata', async () => {
    const first = await handleCommand(store, appDecider, stream, register, metadata);
    expect(first.events.map((e) => e.type)).toEqual(['AppRegistered']);
    expect(first.revision).toBe(0);
    expect(first.state.status).toBe('active');
    const second = await handleCommand(store, appDecider, stream, rotate('s2'), metadata);
    expect(second.revision).toBe(1);
    expect(second.state.secretHash).toBe('s2');
    expect(second.position).toBe(await store.headPosition());
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.metadata)).toEqual([metadata, metadata]);
    expect(await loadState(store, appDecider, stream)).toEqual({ state: second.state, revision: 1 });
    expect(await loadState(store, appDecider, 'app-missing')).toEqual({ state: appDecider.initialState(), revision: -1 });
  });

  it('uses a state the caller already loaded for its first attempt, and re-reads after a conflict', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    let reads = 0;
    const counting: EventStore = { ...store, readStream: (...args) => ((reads += 1), store.readStream(...args)) };
    const known = await loadState(store, appDecider, stream);
    const first = await handleCommand(counting, appDecider, stream, rotate('s2'), metadata, { known });
    expect(reads).toBe(0);
    expect(first.revision).toBe(1);
    // `known` is now stale (revision 0): the append conflicts, the stream is read and decided again.
    const second = await handleCommand(counting, appDecider, stream, rotate('s3'), metadata, { known });
    expect(reads).toBe(1);
    expect(second.revision).toBe(2);
    expect(second.state.secretHash).toBe('s3');
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['AppRegistered', 'AppSecretRotated', 'AppSecretRotated']);
  });

  it('a duplicate first command conflicts on "no stream" and is decided again on the fresh state', async () => {
    const racing = withBeforeAppend(store, async (call) => {
      if (call === 1) await store.append(stream, [{ type: 'AppRegistered', data: register.data, metadata }], 'no_stream');
    });
    await expect(handleCommand(racing, appDecider, stream, register, metadata)).rejects.toMatchObject({ code: 'already_exists' });
    // One append, refused; the retry read the racing registration and the decider refused instead.
    expect(racing.appends).toBe(1);
  });

  it('retries on a conflict: re-reads, re-decides on what the racing writer appended, then appends', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    const racing = withBeforeAppend(store, async (call) => {
      if (call === 1) await store.append(stream, [rotatedEvent('theirs')], 'any');
    });
    const result = await handleCommand(racing, appDecider, stream, rotate('mine'), metadata);
    expect(racing.appends).toBe(2);
    expect(result.revision).toBe(2);
    const hashes = (await store.readStream(stream)).map((e) => (e.type === 'AppSecretRotated' ? e.data.secretHash : e.type));
    expect(hashes).toEqual(['AppRegistered', 'theirs', 'mine']);
  });

  it('a retry decides on the new state, so a racing revoke wins over a rotate', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    const racing = withBeforeAppend(store, async (call) => {
      if (call === 1) await store.append(stream, [{ type: 'AppRevoked', data: { appId: 'key-1', at }, metadata }], 'any');
    });
    const error = await handleCommand(racing, appDecider, stream, rotate('mine'), metadata).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('app_revoked');
    expect(racing.appends).toBe(1);
  });

  it('gives up after maxAttempts conflicts and surfaces the ConcurrencyError', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    const racing = withBeforeAppend(store, async (call) => {
      await store.append(stream, [rotatedEvent(`theirs-${call}`)], 'any');
    });
    await expect(handleCommand(racing, appDecider, stream, rotate('mine'), metadata, { maxAttempts: 3 })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(racing.appends).toBe(3);
    expect((await store.readStream(stream)).some((e) => e.type === 'AppSecretRotated' && e.data.secretHash === 'mine')).toBe(false);
  });

  it('does not retry any other append error', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    const failing = withBeforeAppend(store, async () => {
      throw new Error('disk full');
    });
    await expect(handleCommand(failing, appDecider, stream, rotate('mine'), metadata, { maxAttempts: 5 })).rejects.toThrow('disk full');
    expect(failing.appends).toBe(1);
  });

  it('lets a domain rejection propagate without appending', async () => {
    const counting = withBeforeAppend(store, async () => undefined);
    await expect(handleCommand(counting, appDecider, stream, rotate('x'), metadata)).rejects.toMatchObject({ code: 'app_not_found' });
    expect(counting.appends).toBe(0);
  });

  it('appends nothing when the decision is empty, and reports the current revision', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    await handleCommand(store, appDecider, stream, { type: 'RevokeApp', data: { appId: 'key-1', at } }, metadata);
    const counting = withBeforeAppend(store, async () => undefined);
    const head = await store.headPosition();
    const result = await handleCommand(counting, appDecider, stream, { type: 'RevokeApp', data: { appId: 'key-1', at } }, metadata);
    expect(result.events).toEqual([] satisfies AppEvent[]);
    expect(result.revision).toBe(1);
    expect(result.state.status).toBe('revoked');
    expect(counting.appends).toBe(0);
    expect(await store.headPosition()).toBe(head);
  });
});

describe('loadState with the state cache', () => {
  let dir: string;
  let store: EventStore;
  let reads: Array<number | undefined>;
  let counted: EventStore;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'handle-cache-'));
    store = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    reads = [];
    counted = { ...store, readStream: (s, o) => (reads.push(o?.fromRevision), store.readStream(s, o)) };
  });
  afterEach(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads only what was appended since the cached fold, and sees appends made through another instance (another process)', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    const first = await loadState(counted, appDecider, stream, { cached: true });
    expect(first.revision).toBe(0);
    expect(await loadState(counted, appDecider, stream, { cached: true })).toEqual(first);
    expect(reads).toEqual([undefined, 1]);
    // Another process appends to the same file: the next load folds the new event in.
    const other = createSqliteEventStore(path.join(dir, 'events.sqlite'));
    await other.append(stream, [rotatedEvent('s2'), rotatedEvent('s3')], 0);
    await other.close();
    const after = await loadState(counted, appDecider, stream, { cached: true });
    expect(after).toEqual(await loadState(store, appDecider, stream));
    expect(after.state.secretHash).toBe('s3');
    expect(after.revision).toBe(2);
    expect(reads).toEqual([undefined, 1, 1]);
    expect(await loadState(counted, appDecider, stream, { cached: true })).toEqual(after);
    expect(reads.at(-1)).toBe(3);
    // A stream that does not exist is not cached: it is read whole until it exists.
    await loadState(counted, appDecider, 'app-missing', { cached: true });
    await loadState(counted, appDecider, 'app-missing', { cached: true });
    expect(reads.slice(-2)).toEqual([undefined, undefined]);
  });

  it('is per store instance: another log with the same stream names never answers from this one', async () => {
    await handleCommand(store, appDecider, stream, register, metadata);
    await handleCommand(store, appDecider, stream, rotate('s2'), metadata);
    expect((await loadState(store, appDecider, stream, { cached: true })).revision).toBe(1);
    const dir2 = await fs.mkdtemp(path.join(os.tmpdir(), 'handle-cache2-'));
    const second = createSqliteEventStore(path.join(dir2, 'events.sqlite'));
    try {
      await handleCommand(second, appDecider, stream, { type: 'RegisterApp', data: { appId: 'key-1', name: 'other', secretHash: 'x', at } }, metadata);
      const loaded = await loadState(second, appDecider, stream, { cached: true });
      expect(loaded.revision).toBe(0);
      expect(loaded.state.name).toBe('other');
    } finally {
      await second.close();
      await fs.rm(dir2, { recursive: true, force: true });
    }
  });
});
