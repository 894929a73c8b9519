import { describe, expect, it } from 'vitest';
import { storeChoice, type StoreName } from './choice.ts';

describe('storeChoice (the stores order of precedence)', () => {
  const all = { eventStoreUrl: 'kurrentdb://k', mongoUrl: 'mongodb://m/n', databaseUrl: 'postgres://p/d', pgPoolSize: 4, dataDir: '/d' };
  const roles: StoreName[] = ['projectionStore', 'scheduleStore', 'claims', 'leaderLock'];

  it('read models, roles state, claims and locks: MONGO_URL first, then DATABASE_URL, then the data dir; an empty URL counts as unset', () => {
    for (const store of roles) {
      expect(storeChoice(all, store), store).toEqual({ kind: 'mongo', url: 'mongodb://m/n' });
      expect(storeChoice({ databaseUrl: 'postgres://p/d', dataDir: '/d' }, store), store).toEqual({ kind: 'postgres', url: 'postgres://p/d' });
      expect(storeChoice({ mongoUrl: '', databaseUrl: '', dataDir: '/d' }, store), store).toEqual({ kind: 'sqlite', dataDir: '/d' });
    }
  });

  it('the log: EVENTSTORE_URL, then DATABASE_URL (never MongoDB); the key vault: DATABASE_URL, then MONGO_URL', () => {
    expect(storeChoice(all, 'eventStore')).toEqual({ kind: 'kurrent', url: 'kurrentdb://k' });
    expect(storeChoice({ ...all, eventStoreUrl: undefined }, 'eventStore')).toEqual({ kind: 'postgres', url: 'postgres://p/d', poolSize: 4 });
    expect(storeChoice({ mongoUrl: 'mongodb://m/n', dataDir: '/d' }, 'eventStore')).toEqual({ kind: 'sqlite', dataDir: '/d' });
    expect(storeChoice(all, 'keyVault')).toEqual({ kind: 'postgres', url: 'postgres://p/d', poolSize: 4 });
    expect(storeChoice({ mongoUrl: 'mongodb://m/n', dataDir: '/d' }, 'keyVault')).toEqual({ kind: 'mongo', url: 'mongodb://m/n' });
  });
});
