/**
 * Ingest writes: invoices in batches, the customer directory with its tax-id lookup items, and the
 * activation of invoices that waited for a contact. Nothing here calls Step Functions: the table
 * stream (table-stream.ts) starts, restarts and stops the executions.
 *
 * How nothing is written twice, and nothing is overwritten that was not read:
 * - every batch first reads its invoices (BatchGetItem, strongly consistent) and decides each one
 *   (domain/ingest-rules.ts);
 * - invoices found absent are created with BatchWriteItem (25 a request, unprocessed items retried):
 *   the fast path that keeps 100,000 rows within one Lambda. A write that races it can only be
 *   another ingest of the same invoice: within one file (and one Lambda) batches claim their
 *   invoices in file order before reading them, and a later row of a claimed invoice waits for
 *   that batch and is decided against what it stored; duplicate deliveries of one S3 event are kept
 *   apart by the handler's idempotency record; two different files holding the same new invoice at
 *   the same instant both write it, the last one's content stays, and the stream still starts one
 *   timeline (the second write is a MODIFY with the same revision and run);
 * - memory per file is bounded whatever its length: the customer cache is an LRU, claims and
 *   customer creations in progress live only as long as the batches in flight, and every batch
 *   returns counts and its own rejections (the handler caps the report);
 * - corrections, amendments and the slow path: UpdateItem / conditional PutItem, conditioned on
 *   what the decision read (revision, run, status, amounts), retried after a fresh read.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { LRUCache } from 'lru-cache';
import pLimit, { type LimitFunction } from 'p-limit';
import { ACTIVE_STATUSES, type ContactEvent, type Customer, type Invoice } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { isReachable } from '../domain/commands/commands.js';
import {
  customerIdForBuyer,
  decide,
  InvalidRecord,
  invoiceFromRecord,
  mergeDirectoryRecord,
  newCustomer,
  taxKeysOf,
  type CustomerDefaults,
  type IngestContext,
  type IngestDecision,
} from '../domain/ingest/rules.js';
import type { DirectoryCustomer } from '../domain/parsers/customers.js';
import type { ParsedInvoice, RecordLocation, Rejection } from '../domain/parsers/types.js';
import { clock } from './clock.js';
import { documentClient, tableName } from './clients.js';
import { customerToItem, eventToItem, invoiceToItem, itemToCustomer, itemToInvoice, openIndexUpdate } from './items.js';
import { keys } from './table.js';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface IngestOptions {
  /** Reads, transactions and updates in flight at once (per batch). */
  concurrency?: number;
  /** BatchWriteItem requests (25 new invoices each) in flight at once, across every batch of this instance. */
  writeConcurrency?: number;
  /** Customers (and tax ids) kept between batches of one file; the least recently used go first. */
  customerCacheSize?: number;
}

export interface InvoiceBatchOutcome {
  created: number;
  unchanged: number;
  superseded: number;
  amended: number;
  /** Of the created: stored as not_chased, and stored open waiting for a contact. */
  notChased: number;
  needsContact: number;
  customersCreated: number;
  /** Records the store refused (a closed invoice re-uploaded with other content…). */
  rejections: Rejection[];
}

export interface CustomerBatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  /** Invoices that waited for a contact and were started. */
  activated: number;
  rejections: Rejection[];
}

export interface InvoiceIngestContext extends IngestContext {
  defaults: CustomerDefaults;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = (attempt: number) => sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random()));

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const cancelCodes = (err: unknown): string[] | undefined =>
  err instanceof TransactionCanceledException || (err as Error)?.name === 'TransactionCanceledException'
    ? ((err as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : undefined;
const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException' || (cancelCodes(err)?.includes('ConditionalCheckFailed') ?? false);

/** A map that keeps the `max` most recently used entries (Map iterates in insertion order). */
/**
 * Per file: customers and tax ids seen so far, so 100,000 rows of 2,000 customers read each once.
 * Bounded (LRU): a file naming more customers than the cap reads the evicted ones again, it does
 * not grow. A batch never depends on an entry staying here (resolveCustomers keeps its own).
 */
export class CustomerCache {
  private readonly byId: LRUCache<string, Customer>;
  /** Tax key -> customer id, or '' for a tax id known to match no customer. */
  private readonly idByTaxKey: LRUCache<string, string>;
  constructor(max: number) {
    this.byId = new LRUCache({ max: Math.max(1, max) });
    this.idByTaxKey = new LRUCache({ max: Math.max(1, max) });
  }
  get(id: string) {
    return this.byId.get(id);
  }
  set(c: Customer) {
    this.byId.set(c.customerId, c);
  }
  taxKey(k: string): string | null | undefined {
    const id = this.idByTaxKey.get(k);
    return id === undefined ? undefined : id || null;
  }
  setTaxKey(k: string, id: string | null) {
    this.idByTaxKey.set(k, id ?? '');
  }
  get size(): number {
    return this.byId.size;
  }
}

type CreatedCustomer = { customer: Customer | undefined; created: boolean };
type CustomerCreation = Promise<CreatedCustomer>;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (err: unknown) => void;
}
const deferred = <T>(): Deferred<T> => {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // whoever awaits it sees the rejection; this only keeps Node from reporting it unhandled
  return { promise, resolve, reject };
};

type Candidate = { rec: ParsedInvoice; invoice: Invoice };

/** A batch's invoices once claimed: first rows, later rows (with the batch they wait for), and how to let go. */
interface ClaimedBatch {
  first: Candidate[];
  repeats: Map<string, { after?: Promise<void>; rows: Candidate[] }>;
  /** Customers that got an e-mail address from this batch's e-invoices. */
  gotAddress: string[];
  release: () => void;
}

const at = (rec: RecordLocation): RecordLocation => ({
  ...(rec.row !== undefined ? { row: rec.row } : {}),
  ...(rec.element !== undefined ? { element: rec.element } : {}),
});

/** Counts a decision in the batch's outcome; a closed invoice re-uploaded with other content is a rejection. */
const tally = (o: InvoiceBatchOutcome, d: IngestDecision, rec: ParsedInvoice): void => {
  switch (d.action) {
    case 'create':
      o.created++;
      if (d.invoice.status === 'not_chased') o.notChased++;
      if (d.invoice.needsContact) o.needsContact++;
      break;
    case 'supersede':
      o.superseded++;
      break;
    case 'amend':
      o.amended++;
      break;
    case 'unchanged':
      o.unchanged++;
      break;
    case 'closed':
      o.rejections.push({ ...at(rec), field: 'number', value: rec.number, reason: d.reason });
      break;
  }
};

/** Keys per BatchGetItem request, and items per BatchWriteItem request (the API's limits). */
const GET_CHUNK = 100;
const PUT_CHUNK = 25;

export class DynamoIngest {
  private readonly concurrency: number;
  private readonly writes: LimitFunction;
  private readonly cache: CustomerCache;
  /**
   * Invoice ids a batch of this instance is deciding right now, with a promise that settles when
   * that batch is done with them. Taken in file order and before the batch reads anything, so two
   * batches never both create one invoice; bounded by the batches in flight.
   */
  private readonly claims = new Map<string, Promise<void>>();
  /** Settles once the latest batch has taken its claims: batches claim in the order they were handed in (file order). */
  private claimTurn: Promise<void> = Promise.resolve();
  /** Customers a batch of this instance is creating right now: a concurrent batch waits for that one write. */
  private readonly creatingCustomers = new Map<string, CustomerCreation>();

  constructor(
    readonly doc: DynamoDBDocumentClient = documentClient(),
    readonly table: string = tableName(),
    opts: IngestOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 8;
    this.writes = pLimit(Math.max(1, opts.writeConcurrency ?? 16));
    this.cache = new CustomerCache(opts.customerCacheSize ?? 5_000);
  }

  // ------------------------------------------------------------------------------------------
  // reads

  /** BatchGetItem over any number of keys (100 per request), strongly consistent, unprocessed keys retried. */
  async batchGet(keyList: Key[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Map(keyList.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
    await mapLimit(chunks(unique, GET_CHUNK), this.concurrency, async (chunk) => {
      let pending: Key[] = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt > 8) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(`${String(item.pk)}\u0000${String(item.sk)}`, item);
        pending = (out.UnprocessedKeys?.[this.table]?.Keys as Key[] | undefined) ?? [];
      }
    });
    return found;
  }

  private async getItem(key: Key): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  private async transact(items: TransactItem[]): Promise<void> {
    // TransactionConflict (another writer on the same item right now) is worth a few quick retries.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (err) {
        const codes = cancelCodes(err);
        const conflict = codes?.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
        if (!conflict || attempt >= 5) throw err;
        await backoff(attempt);
      }
    }
  }

  /**
   * BatchWriteItem of new items, 25 per request, unprocessed items retried with backoff. Used
   * only for invoices a strongly consistent read found absent a moment before (see ingestInvoices).
   */
  private async batchPut(items: Item[]): Promise<void> {
    await Promise.all(
      chunks(items, PUT_CHUNK).map((chunk) =>
        this.writes(async () => {
          let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
          for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt > 0) await backoff(attempt);
            if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
            const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
            pending = (out.UnprocessedItems?.[this.table] as typeof pending | undefined) ?? [];
          }
        }),
      ),
    );
  }

  // ------------------------------------------------------------------------------------------
  // customers of invoice records

  /**
   * Finds the customer of every record (creating the ones the directory does not know). What this
   * batch learns is kept in batch-local maps until the batch is done; the file's cache only saves reads.
   */
  private async resolveCustomers(
    records: ParsedInvoice[],
    ctx: InvoiceIngestContext,
    outcome: InvoiceBatchOutcome,
  ): Promise<{ customers: (Customer | undefined)[]; gotAddress: string[] }> {
    // 1. Tax-id lookups for e-invoice buyers (and CSV rows that name the customer only by VAT number).
    const idByTaxKey = new Map<string, string | null>();
    const toLookUp: string[] = [];
    for (const r of records) {
      if (r.customerId) continue;
      for (const k of r.buyer?.taxIds ?? []) {
        if (idByTaxKey.has(k)) continue;
        const cached = this.cache.taxKey(k);
        if (cached === undefined) toLookUp.push(k);
        idByTaxKey.set(k, cached ?? null);
      }
    }
    if (toLookUp.length > 0) {
      const items = await this.batchGet(toLookUp.map((k) => keys.customerByTaxId(ctx.tenantId, k)));
      for (const k of toLookUp) {
        const item = items.get(`${keys.customerByTaxId(ctx.tenantId, k).pk}\u0000TAXID`);
        const id = item ? String(item.customerId) : null;
        idByTaxKey.set(k, id);
        this.cache.setTaxKey(k, id);
      }
    }
    const idOf = (r: ParsedInvoice): string | undefined => {
      if (r.customerId) return r.customerId;
      for (const k of r.buyer?.taxIds ?? []) {
        const id = idByTaxKey.get(k);
        if (id) return id;
      }
      return r.buyer ? customerIdForBuyer(r.buyer) : undefined;
    };
    const ids = records.map(idOf);

    // 2. The customers themselves.
    const known = new Map<string, Customer>();
    const missing = new Set<string>();
    for (const id of ids) {
      if (!id || known.has(id) || missing.has(id)) continue;
      const cached = this.cache.get(id);
      if (cached) known.set(id, cached);
      else missing.add(id);
    }
    if (missing.size > 0) {
      const items = await this.batchGet([...missing].map((id) => keys.customer(ctx.tenantId, id)));
      for (const item of items.values()) {
        const c = itemToCustomer(item);
        known.set(c.customerId, c);
        this.cache.set(c);
      }
    }

    // 3. Create the unknown ones, once each. Every creation is registered before the first starts,
    // so a concurrent batch naming the same new customers waits for these writes instead of racing them.
    const others: CustomerCreation[] = [];
    const mine: { id: string; rec: ParsedInvoice; creation: Deferred<CreatedCustomer> }[] = [];
    const handled = new Set<string>();
    ids.forEach((id, i) => {
      if (!id || known.has(id) || handled.has(id)) return;
      handled.add(id);
      const pending = this.creatingCustomers.get(id);
      if (pending) return void others.push(pending);
      const creation = deferred<CreatedCustomer>();
      this.creatingCustomers.set(id, creation.promise);
      mine.push({ id, rec: records[i]!, creation });
    });
    try {
      await mapLimit(mine, this.concurrency, async ({ id, rec, creation }) => {
        const result = await this.createCustomer(newCustomer(ctx.tenantId, id, rec.buyer, ctx.defaults));
        if (result.created) outcome.customersCreated++;
        if (result.customer) known.set(id, result.customer);
        creation.resolve(result);
      });
    } catch (err) {
      for (const { creation } of mine) creation.reject(err); // no-op for those already settled
      throw err;
    } finally {
      for (const { id, creation } of mine) if (this.creatingCustomers.get(id) === creation.promise) this.creatingCustomers.delete(id);
    }
    for (const { customer } of await Promise.all(others)) if (customer) known.set(customer.customerId, customer);

    // 4. An e-invoice's buyer e-mail becomes the customer's address when it has none.
    const fill = new Map<string, string>();
    records.forEach((r, i) => {
      const c = ids[i] ? known.get(ids[i]!) : undefined;
      if (c && r.buyer?.email && !c.email && !fill.has(c.customerId)) fill.set(c.customerId, r.buyer.email);
    });
    const gotAddress: string[] = [];
    await mapLimit([...fill], this.concurrency, async ([id, email]) => {
      const before = known.get(id);
      const after = await this.fillEmail(ctx.tenantId, id, email);
      if (after) known.set(id, after);
      if (before && after && !isReachable(before) && isReachable(after)) gotAddress.push(id);
    });
    return { customers: ids.map((id) => (id ? known.get(id) : undefined)), gotAddress };
  }

  /** Creates a customer with its tax-id items; `created` false when another writer created it first. */
  private async createCustomer(c: Customer): Promise<CreatedCustomer> {
    const taxItems = (cust: Customer): TransactItem[] =>
      taxKeysOf(cust).map((k) => ({
        Put: {
          TableName: this.table,
          Item: { ...keys.customerByTaxId(cust.tenantId, k), entity: 'taxId', customerId: cust.customerId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }));
    const put = (cust: Customer): TransactItem => ({
      Put: { TableName: this.table, Item: customerToItem(cust), ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const found = async (): Promise<Customer | undefined> => {
      const item = await this.getItem(keys.customer(c.tenantId, c.customerId));
      const stored = item ? itemToCustomer(item) : undefined;
      if (stored) this.cache.set(stored);
      return stored;
    };
    try {
      await this.transact([put(c), ...taxItems(c)]);
      this.cache.set(c);
      for (const k of taxKeysOf(c)) this.cache.setTaxKey(k, c.customerId);
      return { customer: c, created: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const existing = await found();
    if (existing) return { customer: existing, created: false };
    // Its tax id already points at another customer (a row naming its own customer code, or a
    // race with another file): the tax id stays with the customer that had it first.
    const { vatId: _v, fiscalCode: _f, ...bare } = c;
    const plain = bare as Customer;
    try {
      await this.transact([put(plain)]);
      this.cache.set(plain);
      return { customer: plain, created: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return { customer: await found(), created: false };
    }
  }

  /** Sets the address of a customer that has none; the customer as stored afterwards. */
  private async fillEmail(tenantId: string, customerId: string, email: string): Promise<Customer | undefined> {
    let stored: Item | undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.customer(tenantId, customerId),
          UpdateExpression: 'SET email = :e, emailStatus = :ok, version = if_not_exists(version, :zero) + :one',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(email)',
          ExpressionAttributeValues: { ':e': email, ':ok': 'ok', ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      stored = out.Attributes;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      stored = await this.getItem(keys.customer(tenantId, customerId));
    }
    if (!stored) return undefined;
    const c = itemToCustomer(stored);
    this.cache.set(c);
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // invoices

  /**
   * Stores one batch of parsed invoices: identity, dedupe, supersede, not_chased, needsContact.
   * The batch claims its invoices (in file order with the other batches in flight), then goes
   * through in slices of 100: each slice is read (one BatchGetItem), decided, and its new invoices
   * written (BatchWriteItem, bounded across batches by `writeConcurrency`) while the next slices are
   * read. A later row of a claimed invoice is decided after that, against what was stored.
   */
  async ingestInvoices(records: ParsedInvoice[], ctx: InvoiceIngestContext): Promise<InvoiceBatchOutcome> {
    const outcome: InvoiceBatchOutcome = { created: 0, unchanged: 0, superseded: 0, amended: 0, notChased: 0, needsContact: 0, customersCreated: 0, rejections: [] };
    if (records.length === 0) return outcome;
    const batch = await this.claim(records, ctx, outcome);
    try {
      const retry: Candidate[] = [];
      await mapLimit(chunks(batch.first, GET_CHUNK), this.concurrency, (slice) => this.storeSlice(slice, ctx, outcome, retry));
      await mapLimit(retry, this.concurrency, async (c) => tally(outcome, await this.upsertOne(c.invoice, ctx, at(c.rec)), c.rec));
      await mapLimit([...batch.repeats.values()], this.concurrency, async ({ after, rows }) => {
        await after;
        for (const c of rows) tally(outcome, await this.upsertOne(c.invoice, ctx, at(c.rec)), c.rec);
      });
    } finally {
      batch.release();
    }
    // Invoices stored before this batch, of customers that just got an address from an e-invoice.
    for (const id of batch.gotAddress) await this.activateInvoicesNeedingContact(ctx.tenantId, id);
    return outcome;
  }

  /**
   * Finds each record's customer, then claims its invoice for this batch. Customer lookups of two
   * batches may finish in any order; the claims are taken in the order the batches came in.
   */
  private async claim(records: ParsedInvoice[], ctx: InvoiceIngestContext, outcome: InvoiceBatchOutcome): Promise<ClaimedBatch> {
    const earlier = this.claimTurn;
    let passTurn = () => {};
    this.claimTurn = new Promise<void>((resolve) => (passTurn = resolve));
    const done = deferred<void>();
    const claimed: string[] = [];
    const batch: ClaimedBatch = {
      first: [],
      repeats: new Map(),
      gotAddress: [],
      release: () => {
        for (const id of claimed) if (this.claims.get(id) === done.promise) this.claims.delete(id);
        done.resolve();
      },
    };
    try {
      const { customers, gotAddress } = await this.resolveCustomers(records, ctx, outcome);
      batch.gotAddress = gotAddress;
      await earlier;
      // No await while claiming: a later batch sees every claim of this one before it reads.
      records.forEach((rec, i) => {
        const customer = customers[i];
        if (!customer) {
          outcome.rejections.push({ ...at(rec), field: 'customerId', reason: 'no customer could be found or created for this record' });
          return;
        }
        const invoice = invoiceFromRecord(rec, customer, ctx);
        const id = invoice.invoiceId;
        const holder = this.claims.get(id);
        if (holder === undefined) batch.first.push({ rec, invoice });
        else {
          const later = batch.repeats.get(id) ?? { ...(holder !== done.promise ? { after: holder } : {}), rows: [] };
          later.rows.push({ rec, invoice });
          batch.repeats.set(id, later);
        }
        if (holder !== done.promise) {
          this.claims.set(id, done.promise);
          claimed.push(id);
        }
      });
      return batch;
    } catch (err) {
      batch.release();
      throw err;
    } finally {
      passTurn();
    }
  }

  /** Reads up to 100 claimed invoices at once, decides each, creates the new ones and applies the rest. */
  private async storeSlice(slice: Candidate[], ctx: InvoiceIngestContext, outcome: InvoiceBatchOutcome, retry: Candidate[]): Promise<void> {
    const stored = await this.batchGet(slice.map((c) => keys.invoice(ctx.tenantId, c.invoice.invoiceId)));
    const creates: Candidate[] = [];
    const updates: { c: Candidate; d: IngestDecision; existing: Invoice }[] = [];
    for (const c of slice) {
      const item = stored.get(`${keys.invoice(ctx.tenantId, c.invoice.invoiceId).pk}\u0000INV`);
      const existing = item ? itemToInvoice(item) : undefined;
      const d = decide(existing, c.invoice, ctx, at(c.rec));
      if (d.action === 'create') creates.push(c);
      else if (d.action === 'supersede' || d.action === 'amend') updates.push({ c, d, existing: existing! });
      else tally(outcome, d, c.rec);
    }
    // Absent a moment ago and claimed by this batch: nothing in this process writes them meanwhile.
    await this.batchPut(creates.map((c) => invoiceToItem(c.invoice)));
    for (const c of creates) tally(outcome, { action: 'create', invoice: c.invoice }, c.rec);
    await mapLimit(updates, this.concurrency, async ({ c, d, existing }) => {
      if (await this.apply(d, existing)) tally(outcome, d, c.rec);
      else retry.push(c);
    });
  }

  /** One invoice, read-decide-write until the conditional write holds (or the lease of a send is too long held). */
  private async upsertOne(candidate: Invoice, ctx: InvoiceIngestContext, where: { row?: number; element?: string }): Promise<IngestDecision> {
    for (let attempt = 0; attempt < 12; attempt++) {
      if (attempt > 0) await sleep(Math.min(4000, 50 * 2 ** attempt));
      const item = await this.getItem(keys.invoice(candidate.tenantId, candidate.invoiceId));
      const existing = item ? itemToInvoice(item) : undefined;
      const d = decide(existing, candidate, ctx, where);
      if (await this.apply(d, existing)) return d;
    }
    throw new Error(`invoice ${candidate.invoiceId} kept changing while it was ingested`);
  }

  /** Writes a decision; false when the stored invoice changed since it was read. */
  private async apply(d: IngestDecision, existing: Invoice | undefined): Promise<boolean> {
    try {
      switch (d.action) {
        case 'unchanged':
        case 'closed':
          return true;
        case 'create':
          await this.doc.send(new PutCommand({ TableName: this.table, Item: invoiceToItem(d.invoice), ConditionExpression: 'attribute_not_exists(pk)' }));
          return true;
        case 'supersede':
          await this.transact([
            { Update: this.supersedeUpdate(d.invoice, existing!) },
            { Put: { TableName: this.table, Item: eventToItem(d.event), ConditionExpression: 'attribute_not_exists(pk)' } },
          ]);
          return true;
        case 'amend':
          await this.doc.send(new UpdateCommand(this.amendUpdate(d.invoice, existing!)));
          return true;
      }
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** The condition every update is based on: the stored fields the decision read. */
  private basedOn(existing: Invoice) {
    return {
      condition:
        'revision = :oldRev AND #run = :oldRun AND #status = :oldStatus AND amount = :oldAmount AND currency = :oldCurrency AND dueDate = :oldDue AND amountPaid = :oldPaid AND needsContact = :oldNeeds',
      values: {
        ':oldRev': existing.revision,
        ':oldRun': existing.run,
        ':oldStatus': existing.status,
        ':oldAmount': existing.amount,
        ':oldCurrency': existing.currency,
        ':oldDue': existing.dueDate,
        ':oldPaid': existing.amountPaid,
        ':oldNeeds': existing.needsContact,
      },
      names: { '#run': 'run', '#status': 'status' },
    };
  }

  private supersedeUpdate(inv: Invoice, existing: Invoice) {
    const based = this.basedOn(existing);
    const open = openIndexUpdate(inv, ACTIVE_STATUSES.includes(inv.status));
    const byCustomer = keys.byCustomer(inv.tenantId, inv.customerId, inv.invoiceId, inv.dueDate);
    const set: Record<string, unknown> = {
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      currency: inv.currency,
      amount: inv.amount,
      needsContact: inv.needsContact,
      revision: inv.revision,
      source: inv.source,
      updatedAt: inv.updatedAt,
      ...(inv.paymentReference ? { paymentReference: inv.paymentReference } : {}),
      ...(inv.notChasedReason ? { notChasedReason: inv.notChasedReason } : {}),
      ...open.set,
      ...byCustomer,
    };
    const names: Record<string, string> = { ...based.names };
    const values: Record<string, unknown> = { ...based.values, ':now': clock.now().toISOString(), ':newStatus': inv.status };
    const sets = Object.entries(set).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    sets.push('#status = :newStatus');
    const removes = [...open.remove, ...(inv.notChasedReason ? [] : ['notChasedReason'])];
    return {
      TableName: this.table,
      Key: keys.invoice(inv.tenantId, inv.invoiceId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      // A correction waits for a reminder that is leaving right now (dynamo-guard.ts lease).
      ConditionExpression: `${based.condition} AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now)`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  private amendUpdate(inv: Invoice, existing: Invoice) {
    const based = this.basedOn(existing);
    return {
      TableName: this.table,
      Key: keys.invoice(inv.tenantId, inv.invoiceId),
      UpdateExpression: `SET issueDate = :issue, needsContact = :needs, #run = :run, updatedAt = :updated${inv.paymentReference ? ', paymentReference = :ref' : ''}`,
      ConditionExpression: based.condition,
      ExpressionAttributeNames: based.names,
      ExpressionAttributeValues: {
        ...based.values,
        ':issue': inv.issueDate,
        ':needs': inv.needsContact,
        ':run': inv.run,
        ':updated': inv.updatedAt,
        ...(inv.paymentReference ? { ':ref': inv.paymentReference } : {}),
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // the customer directory

  /** Creates or updates directory customers with their tax-id items; starts invoices that were waiting for a contact. */
  async upsertCustomers(records: DirectoryCustomer[], ctx: IngestContext & { defaults: CustomerDefaults }): Promise<CustomerBatchOutcome> {
    const outcome: CustomerBatchOutcome = { created: 0, updated: 0, unchanged: 0, activated: 0, rejections: [] };
    // The last record of a customer in the file wins; earlier ones are merged in order.
    const stored = await this.batchGet(records.map((r) => keys.customer(ctx.tenantId, r.customerId)));
    const current = new Map<string, Customer | undefined>();
    for (const r of records) {
      if (!current.has(r.customerId)) {
        const item = stored.get(`${keys.customer(ctx.tenantId, r.customerId).pk}\u0000CUST`);
        current.set(r.customerId, item ? itemToCustomer(item) : undefined);
      }
    }
    const byCustomer = new Map<string, DirectoryCustomer[]>();
    for (const r of records) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
    await mapLimit([...byCustomer.values()], this.concurrency, async (recs) => {
      for (const rec of recs) {
        const where = at(rec);
        try {
          const result = await this.upsertCustomer(rec, current.get(rec.customerId), ctx);
          current.set(rec.customerId, result.customer);
          if (result.kind === 'rejected') outcome.rejections.push({ ...where, field: result.field, value: result.value, reason: result.reason });
          else outcome[result.kind]++;
          if (result.becameReachable) outcome.activated += await this.activateInvoicesNeedingContact(ctx.tenantId, rec.customerId);
        } catch (err) {
          if (!(err instanceof InvalidRecord)) throw err;
          outcome.rejections.push({ ...where, field: err.field, reason: err.reason });
        }
      }
    });
    return outcome;
  }

  private async upsertCustomer(
    rec: DirectoryCustomer,
    known: Customer | undefined,
    ctx: IngestContext & { defaults: CustomerDefaults },
  ): Promise<
    | { kind: 'created' | 'updated' | 'unchanged'; customer: Customer | undefined; becameReachable: boolean }
    | { kind: 'rejected'; customer: Customer | undefined; becameReachable: false; field: string; value?: string; reason: string }
  > {
    let existing = known;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        await backoff(attempt);
        const item = await this.getItem(keys.customer(ctx.tenantId, rec.customerId));
        existing = item ? itemToCustomer(item) : undefined;
      }
      const m = mergeDirectoryRecord(existing, rec, ctx.tenantId, ctx.defaults);
      if (m.changed.length === 0) return { kind: 'unchanged', customer: existing, becameReachable: false };
      const newKeys = taxKeysOf(m.customer);
      const oldKeys = existing ? taxKeysOf(existing) : [];
      const added = newKeys.filter((k) => !oldKeys.includes(k));
      const dropped = oldKeys.filter((k) => !newKeys.includes(k));
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.table,
            Item: customerToItem(m.customer),
            ...(existing
              ? { ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(version) OR version = :v)', ExpressionAttributeValues: { ':v': existing.version } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
        ...added.map(
          (k): TransactItem => ({
            Put: {
              TableName: this.table,
              Item: { ...keys.customerByTaxId(ctx.tenantId, k), entity: 'taxId', customerId: rec.customerId },
              ConditionExpression: 'attribute_not_exists(pk) OR customerId = :cid',
              ExpressionAttributeValues: { ':cid': rec.customerId },
            },
          }),
        ),
        ...dropped.map(
          (k): TransactItem => ({
            Delete: {
              TableName: this.table,
              Key: keys.customerByTaxId(ctx.tenantId, k),
              ConditionExpression: 'attribute_not_exists(pk) OR customerId = :cid',
              ExpressionAttributeValues: { ':cid': rec.customerId },
            },
          }),
        ),
      ];
      if (existing) {
        const contact = m.changed.some((f) => ['email', 'phone', 'billingContact'].includes(f));
        const e = contactEvent({
          tenantId: ctx.tenantId,
          invoiceId: '',
          at: ctx.now.toISOString(),
          type: contact ? 'contact_added' : 'customer_updated',
          channel: 'system',
          actor: 'system',
          details: { customerId: rec.customerId, fields: m.changed, source: ctx.sourceKey },
        });
        items.push({ Put: { TableName: this.table, Item: customerEventItem(rec.customerId, e), ConditionExpression: 'attribute_not_exists(pk)' } });
      }
      try {
        await this.transact(items);
        this.cache.set(m.customer);
        return { kind: m.created ? 'created' : 'updated', customer: m.customer, becameReachable: m.becameReachable };
      } catch (err) {
        const codes = cancelCodes(err);
        if (!codes) throw err;
        const taxConflict = codes.findIndex((c, i) => c === 'ConditionalCheckFailed' && i > 0 && i <= added.length);
        if (taxConflict > 0) {
          const k = added[taxConflict - 1]!;
          const owner = await this.getItem(keys.customerByTaxId(ctx.tenantId, k));
          return {
            kind: 'rejected',
            customer: existing,
            becameReachable: false,
            field: m.customer.vatId?.toUpperCase() === k ? 'vatId' : 'fiscalCode',
            value: k,
            reason: `${k} already belongs to customer ${String(owner?.customerId ?? '?')}: use that customer code, or correct the tax id`,
          };
        }
        // The customer changed (or appeared) meanwhile: read it again and merge once more.
      }
    }
    throw new Error(`customer ${rec.customerId} kept changing while the directory was ingested`);
  }

  // ------------------------------------------------------------------------------------------
  // activation

  /**
   * The customer can be reached now: every invoice of theirs that waited (needsContact) is
   * released, its `run` raised so the stream starts its timeline. Returns how many were started.
   */
  async activateInvoicesNeedingContact(tenantId: string, customerId: string): Promise<number> {
    const { gsi2pk } = keys.byCustomer(tenantId, customerId, '', '');
    const waiting: { invoiceId: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          FilterExpression: 'needsContact = :t',
          ExpressionAttributeValues: { ':pk': gsi2pk, ':t': true },
          ProjectionExpression: 'invoiceId',
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) waiting.push({ invoiceId: String(i.invoiceId) });
      start = out.LastEvaluatedKey;
    } while (start);
    const now = clock.now().toISOString();
    const started = await mapLimit(waiting, this.concurrency, async ({ invoiceId }) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.invoice(tenantId, invoiceId),
            UpdateExpression: 'SET needsContact = :f, #run = #run + :one, updatedAt = :now',
            ConditionExpression: 'needsContact = :t',
            ExpressionAttributeNames: { '#run': 'run' },
            ExpressionAttributeValues: { ':f': false, ':t': true, ':one': 1, ':now': now },
          }),
        );
        return 1;
      } catch (err) {
        if (isConditionFailure(err)) return 0; // released by someone else already
        throw err;
      }
    });
    return started.reduce<number>((a, b) => a + b, 0);
  }
}

const customerEventItem = (customerId: string, e: ContactEvent): Item => ({
  ...keys.customerLogEvent(e.tenantId, customerId, e.at, e.eventId),
  entity: 'customerEvent',
  ...e,
});

let shared: DynamoIngest | undefined;

/** For the admin API: a customer gained an address, so its waiting invoices start. */
export const activateInvoicesNeedingContact = (tenantId: string, customerId: string): Promise<number> =>
  (shared ??= new DynamoIngest()).activateInvoicesNeedingContact(tenantId, customerId);
