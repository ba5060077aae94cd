import { describe, expect, it } from 'vitest';
import { LruMap } from '../../lambdas/adapters/lru-map.js';

describe('LruMap', () => {
  it('keeps at most max entries, dropping the one least recently read or written', () => {
    const cache = new LruMap<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.set('a', 10); // a rewrite refreshes it too
    cache.set('d', 4);
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([10, undefined, 4]);
  });

  it('keeps a falsy value, and refuses a size that holds nothing', () => {
    const cache = new LruMap<string, number>(1);
    cache.set('zero', 0);
    expect(cache.get('zero')).toBe(0);
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
