import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { lazySchema } from '../../lambdas/domain/shared/lazy-schema.js';

/** A lazy schema and how often it was built. */
const counted = <S extends object>(build: () => S) => {
  const built = { times: 0 };
  const schema = lazySchema(() => {
    built.times++;
    return build();
  });
  return { schema, built };
};

describe('lazySchema', () => {
  it('builds nothing when declared, nor when other schemas are declared around it', () => {
    const { schema: Amount, built } = counted(() => z.int().check(z.minimum(0)));
    const Line = z.object({ amount: Amount, note: z.optional(Amount) });
    const Lines = z.array(Line);
    expect(built.times).toBe(0);
    expect(Lines.parse([{ amount: 3 }])).toEqual([{ amount: 3 }]);
    expect(built.times).toBe(1);
    expect(Lines.safeParse([{ amount: -1 }]).success).toBe(false);
    expect(built.times).toBe(1);
  });

  it('parses, refuses and defaults like the schema it stands for, also through zod functions', () => {
    const eager = z.object({ day: z.iso.date(), tries: z._default(z.int(), 0) });
    const lazy = lazySchema(() => z.object({ day: z.iso.date(), tries: z._default(z.int(), 0) }));
    for (const input of [{ day: '2026-12-04' }, { day: '2026-13-04' }, { day: '2026-12-04', tries: 'x' }, null]) {
      const a = eager.safeParse(input);
      const b = z.safeParse(lazy, input);
      expect(b.success).toBe(a.success);
      expect(b.success ? b.data : b.error.issues).toEqual(a.success ? a.data : a.error.issues);
    }
    const typed: z.infer<typeof lazy> = lazy.parse({ day: '2026-12-04' });
    expect(typed.tries).toBe(0);
  });

  it('is an object schema to z.extend, z.pick and .shape, and a shape to spread', () => {
    const Base = lazySchema(() => z.object({ id: z.string(), n: z.int() }));
    const Ids = lazySchema(() => ({ tenantId: z.string(), invoiceId: z.string() }));
    const Extended = z.extend(Base, { more: z.boolean() });
    const Picked = z.pick(Base, { id: true });
    const Spread = z.object({ ...Ids, run: z.int() });
    expect(Object.keys(Base.shape)).toEqual(['id', 'n']);
    expect(Extended.parse({ id: 'a', n: 1, more: true })).toEqual({ id: 'a', n: 1, more: true });
    expect(Picked.parse({ id: 'a', n: 1 })).toEqual({ id: 'a' });
    expect(Spread.parse({ tenantId: 't', invoiceId: 'i', run: 0 })).toEqual({ tenantId: 't', invoiceId: 'i', run: 0 });
    expect(Spread.safeParse({ tenantId: 't', run: 0 }).success).toBe(false);
  });

  it('registers itself without being built, and a schema using it refers to it by its id', () => {
    const registry = z.registry<{ id: string }>();
    const { schema: Money, built } = counted(() => z.object({ amount: z.int(), currency: z.string() }));
    const Registered = Money.register(registry, { id: 'Money' });
    const Invoice = lazySchema(() => z.object({ total: Money })).register(registry, { id: 'Invoice' });
    expect(Registered).toBe(Money);
    expect(built.times).toBe(0);
    expect(registry.get(Money)).toEqual({ id: 'Money' });
    const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/${id}` }) as { schemas: Record<string, { properties?: Record<string, unknown> }> };
    expect(schemas.Invoice?.properties?.total).toEqual({ $ref: '#/Money' });
    expect(Invoice.parse({ total: { amount: 1, currency: 'EUR' } })).toEqual({ total: { amount: 1, currency: 'EUR' } });
  });

  it('builds a table of parsed values on first read too (the built-in policies)', () => {
    const { schema: table, built } = counted(() => ({ standard: z.int().parse(5) }));
    expect(built.times).toBe(0);
    expect(Object.hasOwn(table, 'standard')).toBe(true);
    expect(table.standard).toBe(5);
    expect(built.times).toBe(1);
  });
});
