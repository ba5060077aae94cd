/**
 * A handler built from its environment on the first invocation: importing a handler module (a
 * test taking its factory, the local stack) needs no environment, and the deployed function still
 * builds its adapters once per cold start.
 */
export const builtOnFirstCall = <A extends unknown[], R>(build: () => (...args: A) => R): ((...args: A) => R) => {
  let built: ((...args: A) => R) | undefined;
  return (...args: A) => (built ??= build())(...args);
};
