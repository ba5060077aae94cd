/**
 * BatchGetItem and BatchWriteItem over any number of items, in requests of the API's size,
 * unprocessed keys and items retried with backoff; conditional creates in TransactWriteItems of
 * the same bounded size (BatchWriteItem takes no condition); and the small concurrency helpers they use.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Table } from './client.js';
import type { ItemKey } from './keys.js';
import type { Item } from './query.js';
import { itemIsNew } from './conditions.js';
import { cancellationCodes } from './errors.js';

/** Keys per BatchGetItem request, and items per BatchWriteItem request (the API's limits). */
const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
const MAX_ATTEMPTS = 9;
/** Puts per TransactWriteItems request (the API takes 100). */
const TRANSACT_CHUNK = 100;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Exponential backoff with jitter, capped at about a second. */
export const backoff = (attempt: number) => sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random()));

export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export const mapLimit = <T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const run = pLimit(Math.max(1, limit));
  return Promise.all(items.map((item, i) => run(() => fn(item, i))));
};

/** The map key of an item or key in `batchGet`'s answer. */
export const keyId = (k: ItemKey | Item): string => `${String(k.pk)}\u0000${String(k.sk)}`;

/** The items found for `keyList` (duplicates read once), by keyId. */
export const batchGet = async (table: Table, keyList: readonly ItemKey[], opts: { consistentRead?: boolean; concurrency?: number } = {}): Promise<Map<string, Item>> => {
  const found = new Map<string, Item>();
  const unique = [...new Map(keyList.map((k) => [keyId(k), k])).values()];
  await mapLimit(chunks(unique, GET_CHUNK), opts.concurrency ?? 8, async (chunk) => {
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
      if (attempt > 0) await backoff(attempt);
      const out = await table.doc.send(
        new BatchGetCommand({ RequestItems: { [table.name]: { Keys: pending, ...(opts.consistentRead ? { ConsistentRead: true } : {}) } } }),
      );
      for (const item of out.Responses?.[table.name] ?? []) found.set(keyId(item), item);
      pending = out.UnprocessedKeys?.[table.name]?.Keys ?? [];
    }
  });
  return found;
};

/** Puts `items` (25 a request); `inFlight` bounds the requests running at once (one by one when absent). */
export const batchPut = async (table: Table, items: readonly Item[], inFlight: LimitFunction = pLimit(1)): Promise<void> => {
  await Promise.all(
    chunks(items, WRITE_CHUNK).map((chunk) =>
      inFlight(async () => {
        let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
          if (attempt > 0) await backoff(attempt);
          const out = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: pending } }));
          pending = (out.UnprocessedItems?.[table.name] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
        }
      }),
    ),
  );
};

/**
 * Creates each of `items` that is still absent (itemIsNew), 100 a TransactWriteItems request;
 * `inFlight` bounds the requests running at once. Answers the items another writer had created
 * first: nothing of theirs is overwritten, and the caller decides them against what is stored.
 * A request cancelled by those items is sent again without them (a cancelled transaction writes
 * nothing); one that met a concurrent transaction (TransactionConflict) is sent again after a
 * backoff. Each request carries its own ClientRequestToken, so the SDK's retry of a request whose
 * answer was lost is answered as done instead of as a conflict with itself.
 */
export const putAllIfAbsent = async (table: Table, items: readonly Item[], inFlight: LimitFunction = pLimit(1)): Promise<Item[]> => {
  const existed: Item[] = [];
  await Promise.all(
    chunks(items, TRANSACT_CHUNK).map((chunk) =>
      inFlight(async () => {
        let pending = chunk;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`TransactWriteItems could not create ${pending.length} items after ${attempt} attempts`);
          try {
            await table.doc.send(
              new TransactWriteCommand({
                ClientRequestToken: randomUUID(),
                TransactItems: pending.map((Item) => ({ Put: { TableName: table.name, Item, ConditionExpression: itemIsNew } })),
              }),
            );
            return;
          } catch (err) {
            const codes = cancellationCodes(err);
            if (!codes || codes.length !== pending.length) throw err;
            const taken = new Set(codes.flatMap((c, i) => (c === 'ConditionalCheckFailed' ? [i] : [])));
            if (taken.size === 0 && !codes.includes('TransactionConflict')) throw err;
            existed.push(...pending.filter((_, i) => taken.has(i)));
            pending = pending.filter((_, i) => !taken.has(i));
            if (taken.size === 0) await backoff(attempt);
          }
        }
      }),
    ),
  );
  return existed;
};
