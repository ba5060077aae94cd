/**
 * Powertools' idempotency middleware, deleting only the records its own request acquired.
 *
 * makeHandlerIdempotent (2.35.0, the newest release) deletes the idempotency record in `onError`
 * whatever the error, also when its own `before` refused the request. So a duplicate refused as
 * "already in progress" deletes the lock of the request still running, and a reused key with
 * another body deletes the first request's stored answer: the next retry runs the command again
 * (a second payment). Fixed upstream after that release (aws-powertools/powertools-lambda-typescript
 * #5675, PR #5676); until a release carries it, this wrapper applies the same rule: `onError`
 * deletes only when this request acquired the record and has not finished with it.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';

type Options = Parameters<typeof makeHandlerIdempotent>[0];

export const idempotentHandler = <E, R>(options: Options): MiddlewareObj<E, R> => {
  const inner = makeHandlerIdempotent(options) as MiddlewareObj<E, R>;
  // The requests that hold an in-progress record of their own (middy makes one request object per invocation).
  const owners = new WeakSet<Request<E, R>>();
  return {
    before: async (request) => {
      owners.delete(request);
      // Throws when refused (in progress, another body): then this request owns nothing.
      const replayed = (await inner.before!(request)) as R | undefined;
      if (replayed === undefined) owners.add(request);
      return replayed;
    },
    after: async (request) => {
      // Finished: a failure to store the answer leaves the record to expire rather than deleting it.
      owners.delete(request);
      await inner.after!(request);
    },
    onError: async (request) => {
      if (!owners.delete(request)) return;
      await inner.onError!(request);
    },
  };
};
