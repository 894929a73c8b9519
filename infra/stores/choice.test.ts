import { describe, expect, it } from 'vitest';
import { storeChoice } from './choice.ts';

describe('storeChoice (the stores order of precedence)', () => {
  it('MONGO_URL first, then DATABASE_URL, then the data dir; an empty URL counts as unset', () => {
    expect(storeChoice({ mongoUrl: 'mongodb://m/n', databaseUrl: 'postgres://p/d', dataDir: '/d' })).toEqual({ kind: 'mongo', url: 'mongodb://m/n' });
    expect(storeChoice({ databaseUrl: 'postgres://p/d', dataDir: '/d' })).toEqual({ kind: 'postgres', url: 'postgres://p/d' });
    expect(storeChoice({ mongoUrl: '', databaseUrl: '', dataDir: '/d' })).toEqual({ kind: 'sqlite', dataDir: '/d' });
  });
});
