import { LRUCache } from 'lru-cache';
import type { Customer } from '../domain/model.js';

/**
 * Per file: customers and tax ids seen so far, so 100,000 rows of 2,000 customers read each once.
 * Bounded (LRU): a file naming more customers than the cap reads the evicted ones again, it does
 * not grow. A batch never depends on an entry staying here (resolveCustomers keeps its own).
 */
export class CustomerCache {
  private readonly byId: LRUCache<string, Customer>;
  /** Tax key -> customer id, or '' for a tax id known to match no customer. */
  private readonly idByTaxKey: LRUCache<string, string>;
  constructor(max: number) {
    this.byId = new LRUCache({ max: Math.max(1, max) });
    this.idByTaxKey = new LRUCache({ max: Math.max(1, max) });
  }
  get(id: string) {
    return this.byId.get(id);
  }
  set(c: Customer) {
    this.byId.set(c.customerId, c);
  }
  taxKey(k: string): string | null | undefined {
    const id = this.idByTaxKey.get(k);
    return id === undefined ? undefined : id || null;
  }
  setTaxKey(k: string, id: string | null) {
    this.idByTaxKey.set(k, id ?? '');
  }
  get size(): number {
    return this.byId.size;
  }
}
