/** aws-local-stepfunctions needs Promise.withResolvers (Node 22); these machines run Node 20. */
export const polyfillWithResolvers = (): void => {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
};
