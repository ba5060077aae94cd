/**
 * The deployment's tenant as both HTTP apps read it: every request needs it, so each Lambda
 * instance reads it from the table at most once per TENANT_TTL_MS (a change to the name, the IBAN
 * or the inboxes shows within a minute), and concurrent requests share one read. A tenant that is
 * not there is not remembered: one configured after the first request is found on the next.
 */
import { LRUCache } from 'lru-cache';
import type { Tenant } from '../domain/model.js';

export const TENANT_TTL_MS = 60_000;

export const cachedTenant = (load: () => Promise<Tenant | undefined>, ttlMs = TENANT_TTL_MS): (() => Promise<Tenant | undefined>) => {
  const cache = new LRUCache<'tenant', Tenant>({ max: 1, ttl: ttlMs, fetchMethod: () => load() });
  return () => cache.fetch('tenant');
};
