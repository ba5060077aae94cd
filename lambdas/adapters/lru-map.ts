/**
 * A cache of at most `max` entries that drops the least recently used: a Map keeps its insertion
 * order, and reading an entry moves it to the end. For caches of values that never change (a
 * policy's versions), where lru-cache's TTLs and fetches go unused and its 18 KB would sit in every
 * message sender's bundle (issue 19: each under 700 KB).
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`an LruMap holds at least one entry (got ${max})`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
}
