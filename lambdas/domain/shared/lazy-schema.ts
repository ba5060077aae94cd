/**
 * A zod schema built the first time anything reads it, not when its module is imported (issue 19,
 * cold start): building the model's schemas cost every handler more CPU at load than zod itself.
 *
 * The value stands for the schema it builds, so callers use it as before: `X.parse(v)`,
 * `z.safeParse(X, v)`, `z.infer<typeof X>`, `X.shape`, and inside other schemas
 * (`z.object({ a: X })`, `z.optional(X)`, `{ ...Shape }`), where zod reads it only when the outer
 * one parses. `X.register(registry, meta)` registers the stand-in without building it, so the
 * admin API's document finds it by the same identity the other schemas refer to it with.
 * `z.lazy` would defer too, but it is a schema of another kind (no `.shape`, not an object to
 * `z.extend`) and is itself built at import. Also used for a shape or a table built from schemas.
 */
export const lazySchema = <S extends object>(build: () => S): S => {
  let built: S | undefined;
  const schema = (): S => (built ??= build());
  const register = (registry: { add: (schema: S, meta: unknown) => unknown }, meta: unknown): S => {
    registry.add(standIn, meta);
    return standIn;
  };
  // The stand-in has no own properties: each trap answers from the built schema. A descriptor is
  // reported configurable, as a proxy may only call non-configurable what its target has.
  const standIn: S = new Proxy({} as S, {
    get: (_, key) => (key === 'register' ? register : Reflect.get(schema(), key)),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(schema(), key);
      return d && { ...d, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
  return standIn;
};
