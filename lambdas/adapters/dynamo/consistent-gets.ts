/**
 * Strongly consistent single-item reads issued together become one request: the GetItems started
 * in the same turn of the event loop (a use case's `Promise.all` of its repositories' reads: the
 * customer and the supplier of a case, the customer and a stage's guard within the customer's
 * turn) are sent as one BatchGetItem with ConsistentRead, which reads each item exactly as its own
 * GetItem would. A read alone stays a GetItem. Keys BatchGetItem leaves unprocessed (throughput)
 * are asked again with backoff; the SDK's own retries cover the request itself.
 */
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './client.js';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;
interface Waiting {
  key: Key;
  resolve: (item: Item | undefined) => void;
  reject: (err: unknown) => void;
}

/** BatchGetItem's limit. */
const MAX_KEYS = 100;
const UNPROCESSED_ATTEMPTS = 5;

/** Reads waiting for this turn's request, by client and table. */
const pending = new Map<Table['doc'], Map<string, Map<string, Waiting[]>>>();
const id = (k: Key) => `${k.pk}\u0000${k.sk}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const batchRead = async (table: Table, keys: Key[]): Promise<Map<string, Item>> => {
  const found = new Map<string, Item>();
  let ask = keys;
  for (let attempt = 0; ask.length > 0; attempt++) {
    if (attempt >= UNPROCESSED_ATTEMPTS) throw Object.assign(new Error(`BatchGetItem left ${ask.length} keys unprocessed`), { name: 'ProvisionedThroughputExceededException' });
    if (attempt > 0) await sleep(50 * 2 ** attempt * Math.random());
    const out = await table.doc.send(new BatchGetCommand({ RequestItems: { [table.name]: { Keys: ask, ConsistentRead: true } } }));
    for (const item of out.Responses?.[table.name] ?? []) found.set(id(item as Key), item);
    ask = (out.UnprocessedKeys?.[table.name]?.Keys ?? []) as Key[];
  }
  return found;
};

const flush = async (table: Table, waiting: Map<string, Waiting[]>): Promise<void> => {
  const keys = [...waiting.values()].map((w) => w[0]!.key);
  const settle = (found: Map<string, Item>) => {
    for (const [k, ws] of waiting) for (const w of ws) w.resolve(found.get(k));
  };
  const fail = (err: unknown) => {
    for (const ws of waiting.values()) for (const w of ws) w.reject(err);
  };
  try {
    if (keys.length === 1) {
      const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys[0], ConsistentRead: true }));
      settle(new Map(Item ? [[id(keys[0]!), Item]] : []));
      return;
    }
    const found = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += MAX_KEYS) for (const [k, v] of await batchRead(table, keys.slice(i, i + MAX_KEYS))) found.set(k, v);
    settle(found);
  } catch (err) {
    fail(err);
  }
};

/** The item at `key`, read with ConsistentRead; batched with the reads of the same turn. */
export const consistentGet = (table: Table, key: Key): Promise<Item | undefined> =>
  new Promise((resolve, reject) => {
    const byClient = pending.get(table.doc) ?? new Map<string, Map<string, Waiting[]>>();
    pending.set(table.doc, byClient);
    let byTable = byClient.get(table.name);
    if (!byTable) {
      byTable = new Map();
      byClient.set(table.name, byTable);
      const mine = byTable;
      setImmediate(() => {
        byClient.delete(table.name);
        if (byClient.size === 0) pending.delete(table.doc);
        void flush(table, mine);
      });
    }
    const k = id(key);
    byTable.set(k, [...(byTable.get(k) ?? []), { key: { pk: key.pk, sk: key.sk }, resolve, reject }]);
  });
