/**
 * Ingest of invoice files: invoices in batches, with the customers their records name (found by
 * code or tax id, created when the directory does not know them). Nothing here calls Step
 * Functions: the table stream (table-stream.ts) starts, restarts and stops the executions.
 *
 * How nothing is written twice, and nothing is overwritten that was not read:
 * - every batch first reads its invoices (BatchGetItem, strongly consistent) and decides each one
 *   (domain/ingest-rules.ts);
 * - invoices found absent are created with Puts conditioned on their absence (itemIsNew), 100 a
 *   TransactWriteItems request (dynamo/batch.ts putAllIfAbsent), `writeConcurrency` requests in
 *   flight across the file's batches: the fast path that keeps 100,000 rows within one Lambda, at
 *   about BatchWriteItem's pace. BatchWriteItem takes no condition, so it could overwrite
 *   what another writer stored between the read and the write: another file's upload of the same
 *   invoice, or a payment, promise or note recorded on it meanwhile. A create whose condition
 *   fails is not an error and loses nothing: the invoice goes the normal path (read again, decide
 *   against what is stored, conditional update). Within one file (and one Lambda) batches claim
 *   their invoices in file order before reading them, and a later row of a claimed invoice waits
 *   for that batch and is decided against what it stored; duplicate deliveries of one S3 event are
 *   kept apart by the handler's idempotency record;
 * - memory per file is bounded whatever its length: the customer cache is an LRU, claims and
 *   customer creations in progress live only as long as the batches in flight, and every batch
 *   returns counts and its own rejections (the handler caps the report);
 * - corrections, amendments and the slow path: UpdateItem / conditional PutItem, conditioned on
 *   what the decision read (revision, run, status, amounts), retried after a fresh read.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pLimit, { type LimitFunction } from 'p-limit';
import { ACTIVE_STATUSES, type Customer, type Invoice } from '../domain/model.js';
import { isReachable } from '../domain/commands/commands.js';
import { customerIdForBuyer, decide, invoiceFromRecord, newCustomer, taxKeysOf, type IngestDecision } from '../domain/ingest/rules.js';
import { isCredit } from '../domain/ingest/credit-notes.js';
import type { ParsedInvoice } from '../domain/parsers/types.js';
import type { InvoiceBatchOutcome, InvoiceIngest, InvoiceIngestContext } from '../app/ports/ingest.js';
import type { InvoiceRepository } from '../app/ports/invoices.js';
import { clock } from './clock.js';
import { CustomerCache } from './customer-cache.js';
import type { Table } from './dynamo/client.js';
import { batchGet, chunks, keyId, mapLimit, putAllIfAbsent, sleep } from './dynamo/batch.js';
import { all, itemExists, itemIsNew, leaseIsFree } from './dynamo/conditions.js';
import { isConditionFailure, unlessConditionFails } from './dynamo/errors.js';
import { customerToItem, eventToItem, invoiceToItem, itemToCustomer, itemToInvoice, openIndexUpdate, taxIdToItem } from './dynamo/items.js';
import { keys, type ItemKey } from './dynamo/keys.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';
import { nameKey } from '../domain/shared/name-key.js';
import type { Item } from './dynamo/query.js';
import { transactWithRetry } from './dynamo/transact.js';
import type { TransactItem } from './dynamo/transaction-part.js';
import { DynamoInvoices } from './dynamo-invoices.js';
import { at } from './record-location.js';

export interface InvoiceWriterOptions {
  /** Reads, transactions and updates in flight at once (per batch). */
  concurrency?: number;
  /** TransactWriteItems requests (up to 100 conditional creates each) in flight at once, across every batch of this writer. */
  writeConcurrency?: number;
  /** Customers (and tax ids) kept between batches of one file; the least recently used go first. */
  customerCacheSize?: number;
}

/** Invoices per slice: one BatchGetItem request. */
const SLICE = 100;
/** Create requests (TransactWriteItems of up to 100 new invoices) in flight per file. */
const WRITES_IN_FLIGHT = 16;

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

/** One writer per file: its claims and its customer cache belong to that file. */
export class DynamoInvoiceWriter implements InvoiceIngest {
  private readonly concurrency: number;
  private readonly writes: LimitFunction;
  private readonly cache: CustomerCache;
  private readonly invoices: InvoiceRepository;
  /**
   * Invoice ids a batch of this writer is deciding right now, with a promise that settles when
   * that batch is done with them. Taken in file order and before the batch reads anything, so two
   * batches never both create one invoice; bounded by the batches in flight.
   */
  private readonly claims = new Map<string, Promise<void>>();
  /** Settles once the latest batch has taken its claims: batches claim in the order they were handed in (file order). */
  private claimTurn: Promise<void> = Promise.resolve();
  /** Customers a batch of this writer is creating right now: a concurrent batch waits for that one write. */
  private readonly creatingCustomers = new Map<string, CustomerCreation>();

  constructor(
    private readonly table: Table,
    opts: InvoiceWriterOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 8;
    this.writes = pLimit(Math.max(1, opts.writeConcurrency ?? WRITES_IN_FLIGHT));
    this.cache = new CustomerCache(opts.customerCacheSize ?? 5_000);
    this.invoices = new DynamoInvoices(table, this.concurrency);
  }

  /** Strongly consistent BatchGetItem of any number of keys. */
  private read(keyList: ItemKey[]): Promise<Map<string, Item>> {
    return batchGet(this.table, keyList, { consistentRead: true, concurrency: this.concurrency });
  }

  /** The id of the one customer with this name key; none, or several (which one is for a person): null. */
  private async onlyCustomerNamed(tenantId: string, key: string): Promise<string | null> {
    const { gsi1pk } = keys.customerByName(tenantId, key, '');
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: TABLE_SCHEMA.indexes.openByDue.name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        ProjectionExpression: 'customerId',
        Limit: 2,
      }),
    );
    const items = out.Items ?? [];
    return items.length === 1 && out.LastEvaluatedKey === undefined ? String(items[0]!.customerId) : null;
  }

  private async getItem(key: ItemKey): Promise<Item | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
    return out.Item;
  }

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
      const items = await this.read(toLookUp.map((k) => keys.customerByTaxId(ctx.tenantId, k)));
      for (const k of toLookUp) {
        const item = items.get(keyId(keys.customerByTaxId(ctx.tenantId, k)));
        const id = item ? String(item.customerId) : null;
        idByTaxKey.set(k, id);
        this.cache.setTaxKey(k, id);
      }
    }
    // 1b. A buyer named only by name: the one customer of that name, where exactly one fits.
    const idByName = new Map<string, string | null>();
    for (const r of records) {
      const name = r.customerId || !r.buyer?.nameOnly ? undefined : r.buyer.name;
      if (name && !idByName.has(nameKey(name))) idByName.set(nameKey(name), null);
    }
    await mapLimit([...idByName.keys()], this.concurrency, async (key) => idByName.set(key, await this.onlyCustomerNamed(ctx.tenantId, key)));
    const idOf = (r: ParsedInvoice): string | undefined => {
      if (r.customerId) return r.customerId;
      for (const k of r.buyer?.taxIds ?? []) {
        const id = idByTaxKey.get(k);
        if (id) return id;
      }
      const byName = r.buyer?.nameOnly && r.buyer.name ? idByName.get(nameKey(r.buyer.name)) : undefined;
      if (byName) return byName;
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
      const items = await this.read([...missing].map((id) => keys.customer(ctx.tenantId, id)));
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
      taxKeysOf(cust).map((k) => ({ Put: { TableName: this.table.name, Item: taxIdToItem(cust.tenantId, k, cust.customerId), ConditionExpression: itemIsNew } }));
    const put = (cust: Customer): TransactItem => ({
      Put: { TableName: this.table.name, Item: customerToItem(cust), ConditionExpression: itemIsNew },
    });
    const found = async (): Promise<Customer | undefined> => {
      const item = await this.getItem(keys.customer(c.tenantId, c.customerId));
      const stored = item ? itemToCustomer(item) : undefined;
      if (stored) this.cache.set(stored);
      return stored;
    };
    try {
      await transactWithRetry(this.table, [put(c), ...taxItems(c)]);
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
      await transactWithRetry(this.table, [put(plain)]);
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
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.customer(tenantId, customerId),
          UpdateExpression: 'SET email = :e, emailStatus = :ok, version = if_not_exists(version, :zero) + :one',
          ConditionExpression: all(itemExists, 'attribute_not_exists(email)'),
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

  /**
   * Stores one batch of parsed invoices: identity, dedupe, supersede, not_chased, needsContact.
   * The batch claims its invoices (in file order with the other batches in flight), then goes
   * through in slices of 100: each slice is read (one BatchGetItem), decided, and its new invoices
   * created (conditional Puts in TransactWriteItems, bounded across batches by `writeConcurrency`) while the next
   * slices are read; one that another writer created first goes the normal path with the updates
   * that lost a race. A later row of a claimed invoice is decided after that, against what was stored.
   */
  async ingestInvoices(records: ParsedInvoice[], ctx: InvoiceIngestContext): Promise<InvoiceBatchOutcome> {
    const outcome: InvoiceBatchOutcome = { created: 0, unchanged: 0, superseded: 0, amended: 0, notChased: 0, needsContact: 0, customersCreated: 0, rejections: [] };
    if (records.length === 0) return outcome;
    const batch = await this.claim(records, ctx, outcome);
    try {
      const retry: Candidate[] = [];
      await mapLimit(chunks(batch.first, SLICE), this.concurrency, (slice) => this.storeSlice(slice, ctx, outcome, retry));
      await mapLimit(retry, this.concurrency, async (c) => tally(outcome, await this.upsertOne(c.invoice, ctx, at(c.rec)), c.rec));
      await mapLimit([...batch.repeats.values()], this.concurrency, async ({ after, rows }) => {
        await after;
        for (const c of rows) tally(outcome, await this.upsertOne(c.invoice, ctx, at(c.rec)), c.rec);
      });
    } finally {
      batch.release();
    }
    // Invoices stored before this batch, of customers that just got an address from an e-invoice.
    for (const id of batch.gotAddress) await this.invoices.activateInvoicesNeedingContact(ctx.tenantId, id);
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
        if (isCredit(rec)) (outcome.creditNotes ??= []).push({ record: rec, customerId: customer.customerId, invoiceId: id });
        if (rec.format === 'fatturapa') (outcome.fatturapaIds ??= []).push(id);
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
    const stored = await this.read(slice.map((c) => keys.invoice(ctx.tenantId, c.invoice.invoiceId)));
    const creates: Candidate[] = [];
    const updates: { c: Candidate; d: IngestDecision; existing: Invoice }[] = [];
    for (const c of slice) {
      const item = stored.get(keyId(keys.invoice(ctx.tenantId, c.invoice.invoiceId)));
      const existing = item ? itemToInvoice(item) : undefined;
      const d = decide(existing, c.invoice, ctx, at(c.rec));
      if (d.action === 'create') creates.push(c);
      else if (d.action === 'supersede' || d.action === 'amend') updates.push({ c, d, existing: existing! });
      else tally(outcome, d, c.rec);
    }
    // Absent a moment ago and claimed by this batch, so nothing in this process writes them
    // meanwhile; another upload, a payment or the admin API may have: only an absent one is created.
    const existed = new Set((await putAllIfAbsent(this.table, creates.map((c) => invoiceToItem(c.invoice)), this.writes)).map(keyId));
    for (const c of creates) {
      if (existed.has(keyId(keys.invoice(ctx.tenantId, c.invoice.invoiceId)))) retry.push(c);
      else tally(outcome, { action: 'create', invoice: c.invoice }, c.rec);
    }
    await mapLimit(updates, this.concurrency, async ({ c, d, existing }) => {
      if (await this.apply(d, existing)) tally(outcome, d, c.rec);
      else retry.push(c);
    });
  }

  /** Creates an invoice where there is none; false when someone else stored it since it was read. */
  private async createIfAbsent(inv: Invoice): Promise<boolean> {
    return unlessConditionFails(
      this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: invoiceToItem(inv), ConditionExpression: itemIsNew })),
      true,
      false,
    );
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
          return await this.createIfAbsent(d.invoice);
        case 'supersede':
          await transactWithRetry(this.table, [
            { Update: this.supersedeUpdate(d.invoice, existing!) },
            { Put: { TableName: this.table.name, Item: eventToItem(d.event), ConditionExpression: itemIsNew } },
          ]);
          return true;
        case 'amend':
          await this.table.doc.send(new UpdateCommand(this.amendUpdate(d.invoice, existing!)));
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
      ...(inv.documentKey ? { documentKey: inv.documentKey } : {}),
      ...(inv.sdi ? { sdi: inv.sdi } : {}),
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
      TableName: this.table.name,
      Key: keys.invoice(inv.tenantId, inv.invoiceId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      // A correction waits for a reminder that is leaving right now (dynamo-guard.ts lease).
      ConditionExpression: all(based.condition, leaseIsFree),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  private amendUpdate(inv: Invoice, existing: Invoice) {
    const based = this.basedOn(existing);
    return {
      TableName: this.table.name,
      Key: keys.invoice(inv.tenantId, inv.invoiceId),
      UpdateExpression: `SET issueDate = :issue, needsContact = :needs, #run = :run, updatedAt = :updated${inv.paymentReference ? ', paymentReference = :ref' : ''}${inv.documentKey ? ', documentKey = :doc' : ''}${inv.sdi ? ', sdi = :sdi' : ''}`,
      ConditionExpression: based.condition,
      ExpressionAttributeNames: based.names,
      ExpressionAttributeValues: {
        ...based.values,
        ':issue': inv.issueDate,
        ':needs': inv.needsContact,
        ':run': inv.run,
        ':updated': inv.updatedAt,
        ...(inv.paymentReference ? { ':ref': inv.paymentReference } : {}),
        ...(inv.documentKey ? { ':doc': inv.documentKey } : {}),
        ...(inv.sdi ? { ':sdi': inv.sdi } : {}),
      },
    };
  }
}
