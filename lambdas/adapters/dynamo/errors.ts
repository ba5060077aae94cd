/** Reading the SDK's conditional-write errors, so repositories turn them into domain answers. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

const named = (err: unknown, name: string): err is Error => err instanceof Error && err.name === name;

/** The cancellation reason of each item of a cancelled transaction ('None' for the items that held), or undefined for any other error. */
export const cancellationCodes = (err: unknown): string[] | undefined => {
  if (!(err instanceof TransactionCanceledException) && !named(err, 'TransactionCanceledException')) return undefined;
  const reasons: unknown = 'CancellationReasons' in err ? err.CancellationReasons : undefined;
  return Array.isArray(reasons) ? reasons.map((r: { Code?: string } | undefined) => r?.Code ?? 'None') : [];
};

export const isCancelled = (err: unknown): boolean => cancellationCodes(err) !== undefined;

/** A single write's condition failed, or a transaction was cancelled because one of its conditions did. */
export const isConditionFailure = (err: unknown): boolean =>
  err instanceof ConditionalCheckFailedException ||
  named(err, 'ConditionalCheckFailedException') ||
  (cancellationCodes(err)?.includes('ConditionalCheckFailed') ?? false);

/** `write`'s result, or `whenFailed` when its condition (or one of its transaction's) did not hold. */
export const unlessConditionFails = async <T>(write: Promise<unknown>, done: T, whenFailed: T): Promise<T> => {
  try {
    await write;
    return done;
  } catch (err) {
    if (isConditionFailure(err)) return whenFailed;
    throw err;
  }
};
