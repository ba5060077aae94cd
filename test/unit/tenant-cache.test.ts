import { describe, expect, it } from 'vitest';
import { cachedTenant } from '../../lambdas/http/tenant-cache.js';
import type { Tenant } from '../../lambdas/domain/model.js';
import { supplier } from '../support/fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the deployment tenant both HTTP apps read', () => {
  const tenant: Tenant = supplier('acme');

  it('is read once per TTL, and concurrent requests share the read', async () => {
    let reads = 0;
    const get = cachedTenant(async () => (reads++, tenant), 50);
    expect(await Promise.all([get(), get(), get()])).toEqual([tenant, tenant, tenant]);
    expect(await get()).toBe(tenant);
    expect(reads).toBe(1);
    await sleep(80);
    await get();
    expect(reads).toBe(2);
  });

  it('does not remember a missing tenant or a failed read', async () => {
    let reads = 0;
    const answers: (() => Promise<Tenant | undefined>)[] = [async () => undefined, async () => Promise.reject(new Error('throttled')), async () => tenant];
    const get = cachedTenant(() => answers[reads++]!(), 60_000);
    expect(await get()).toBeUndefined();
    await expect(get()).rejects.toThrow('throttled');
    expect(await get()).toBe(tenant);
    expect(await get()).toBe(tenant);
    expect(reads).toBe(3);
  });
});
