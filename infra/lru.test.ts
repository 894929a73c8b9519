import { describe, expect, it } from 'vitest';
import { LruMap } from './lru.ts';

describe('LruMap', () => {
  it('holds at most max entries and forgets the least recently used first; a get is a use', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    m.set('c', 4);
    m.set('d', 5);
    expect(m.get('a')).toBeUndefined();
    expect(m.get('c')).toBe(4);
    expect(m.delete('c')).toBe(true);
    expect(m.size).toBe(1);
  });
});
