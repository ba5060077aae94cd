/**
 * The finance team's commands as DynamoDB transactions: the short-circuit half of the send guard
 * (dynamo-guard.ts). A command that changes whether an invoice may be chased is ONE transaction:
 *   1. Update of the invoice item, conditioned on the state the decision was made on (status,
 *      revision, run, amount, amountPaid) AND on no send holding it:
 *      `attribute_not_exists(sendingUntil) OR sendingUntil < :now`;
 *   2. Put of the payment record (payments only);
 *   3. Put of the contact-log entries, with the acting user.
 * A held lease is waited out (a send in flight finishes first), any other change is re-read and
 * decided again. Once this commits, every later claim sees the new status or run and fails, so
 * when the API answers no reminder can leave. Only then is the running execution stopped, with a
 * cause that says why; commands that need a new branch bump `run` and the table stream starts it.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { CustomerDecision, Decision, Payment } from '../domain/commands/commands.js';
import { executionName } from '../domain/timeline/execution-name.js';
import { ACTIVE_STATUSES, type ContactEvent, type Customer, type Invoice } from '../domain/model.js';
import { clock } from './clock.js';
import { DynamoStore } from './dynamo-store.js';
import type { TransactItem } from './dynamo-guard.js';
import { eventToItem, itemToCustomer, itemToEvent, itemToInvoice, openIndexUpdate } from './items.js';
import { taskToItem } from './dynamo-tasks.js';
import type { Workflow } from './ports.js';
import { keys } from './table.js';

type Item = Record<string, unknown>;

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: 'invoice' | 'customer',
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** The `once` item of a command already exists: the same answer was given before (a replayed form). */
export class AlreadyDoneError extends Error {
  override readonly name = 'AlreadyDoneError';
}

export interface InvoiceCommandOptions {
  /** An item written with the command only if it does not exist yet (a link answer consumed once). */
  once?: Item & { pk: string; sk: string };
}

/** A send kept holding the invoice longer than we may wait: the caller should retry shortly. */
export class InvoiceBusyError extends Error {
  override readonly name = 'InvoiceBusyError';
}

export interface CommandsOptions {
  /** Longest real time to wait for a send's lease or for concurrent writers (ms). */
  maxWaitMs?: number;
  /** Pause between two looks at a held lease (ms). */
  leasePollMs?: number;
  /** Reports a stop that failed after the commit (the stream and the guard still end the chase). */
  onStopFailed?: (err: unknown, executionName: string) => void;
}

export interface InvoiceCommandResult extends Decision {
  /** The execution that was asked to stop, if any. */
  stoppedExecution?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields the decision depends on: a change to any of them by someone else means decide again. */
const GUARDED_FIELDS = ['status', 'revision', 'run', 'amount', 'amountPaid'] as const;

/** SET/REMOVE expression for the fields that differ between two versions of a record. */
const diffUpdate = (before: Item, after: Item, extraSet: Item = {}, extraRemove: string[] = []) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  let i = 0;
  const name = (f: string) => {
    const n = `#f${i++}`;
    names[n] = f;
    return n;
  };
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const f of fields) {
    if (JSON.stringify(before[f]) === JSON.stringify(after[f])) continue;
    if (after[f] === undefined) removes.push(name(f));
    else {
      const n = name(f);
      values[`:v${n.slice(2)}`] = after[f];
      sets.push(`${n} = :v${n.slice(2)}`);
    }
  }
  for (const [f, v] of Object.entries(extraSet)) {
    const n = name(f);
    values[`:v${n.slice(2)}`] = v;
    sets.push(`${n} = :v${n.slice(2)}`);
  }
  for (const f of extraRemove) removes.push(name(f));
  const expr = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  return { expr, names, values };
};

/** Condition that the guarded fields still hold what we read (absent stays absent). */
const unchangedCondition = (raw: Item, fields: readonly string[], names: Record<string, string>, values: Record<string, unknown>) =>
  fields
    .map((f, i) => {
      names[`#g${i}`] = f;
      if (raw[f] === undefined) return `attribute_not_exists(#g${i})`;
      values[`:g${i}`] = raw[f];
      return `#g${i} = :g${i}`;
    })
    .join(' AND ');

const paymentItem = (tenantId: string, invoiceId: string, p: Payment): Item => ({
  ...keys.payment(tenantId, invoiceId, p.paymentId),
  entity: 'payment',
  tenantId,
  invoiceId,
  ...p,
});

const customerEventItem = (customerId: string, e: ContactEvent): Item => ({
  ...keys.customerLogEvent(e.tenantId, customerId, e.at, e.eventId),
  entity: 'customerEvent',
  ...e,
});

const isCancelled = (err: unknown): err is TransactionCanceledException => err instanceof TransactionCanceledException;
const reasons = (err: TransactionCanceledException) => (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');

export class DynamoCommands {
  private readonly maxWaitMs: number;
  private readonly leasePollMs: number;

  constructor(
    private readonly workflow: Workflow,
    readonly store: DynamoStore = new DynamoStore(),
    private readonly opts: CommandsOptions = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 25_000;
    this.leasePollMs = opts.leasePollMs ?? 100;
  }

  private async getRaw(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /**
   * Reads the invoice, lets `decide` turn it into a Decision (it may throw CommandRejected) and
   * writes the decision in one transaction, deciding again on a fresh read whenever the invoice
   * changed in between. Commands that leave the invoice as it is (notes, a call without a promise)
   * only append to the log.
   */
  async onInvoice(tenantId: string, invoiceId: string, decide: (invoice: Invoice) => Decision, options: InvoiceCommandOptions = {}): Promise<InvoiceCommandResult> {
    const deadline = performance.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const raw = await this.getRaw(keys.invoice(tenantId, invoiceId));
      if (!raw) throw new NotFoundError('invoice', invoiceId);
      const before = itemToInvoice(raw);
      const decision = decide(before);
      const now = clock.now().toISOString();
      const changes = decision.invoice !== before;
      const leaseHeld = typeof raw.sendingUntil === 'string' && raw.sendingUntil >= now;
      if (changes && leaseHeld) {
        // A reminder is being sent right now: let it finish (or its lease run out) first.
        if (performance.now() > deadline) throw new InvoiceBusyError(`invoice ${invoiceId} is held by a send in progress`);
        await sleep(this.leasePollMs);
        continue;
      }
      const items: TransactItem[] = [
        changes ? this.invoiceUpdate(raw, before, decision.invoice, now) : this.invoiceExists(tenantId, invoiceId),
        ...(decision.payment
          ? [{ Put: { TableName: this.store.table, Item: paymentItem(tenantId, invoiceId, decision.payment), ConditionExpression: 'attribute_not_exists(pk)' } }]
          : []),
        ...decision.events.map(
          (e): TransactItem => ({ Put: { TableName: this.store.table, Item: eventToItem(e), ConditionExpression: 'attribute_not_exists(pk)' } }),
        ),
        ...(decision.task
          ? [{ Put: { TableName: this.store.table, Item: taskToItem(decision.task), ConditionExpression: 'attribute_not_exists(pk)' } }]
          : []),
      ];
      const onceIndex = options.once ? items.push({ Put: { TableName: this.store.table, Item: options.once, ConditionExpression: 'attribute_not_exists(pk)' } }) - 1 : -1;
      try {
        await this.store.doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (err) {
        if (!isCancelled(err)) throw err;
        const codes = reasons(err);
        if (onceIndex >= 0 && codes[onceIndex] === 'ConditionalCheckFailed') throw new AlreadyDoneError(`invoice ${invoiceId}: ${options.once!.sk} was already written`);
        const retryable = codes[0] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict');
        if (!retryable) throw new Error(`command on invoice ${invoiceId}: transaction cancelled (${codes.join(', ')})`, { cause: err });
        if (performance.now() > deadline) throw new InvoiceBusyError(`invoice ${invoiceId} kept changing while the command was applied`);
        // The lease was taken or the invoice changed after our read: read and decide again.
        await sleep(Math.min(this.leasePollMs, 10 * 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      return { ...decision, ...(decision.stopCause ? { stoppedExecution: await this.stop(before, decision.stopCause) } : {}) };
    }
  }

  private invoiceExists(tenantId: string, invoiceId: string): TransactItem {
    return {
      ConditionCheck: { TableName: this.store.table, Key: keys.invoice(tenantId, invoiceId), ConditionExpression: 'attribute_exists(pk)' },
    };
  }

  private invoiceUpdate(raw: Item, before: Invoice, after: Invoice, now: string): TransactItem {
    const wasActive = ACTIVE_STATUSES.includes(before.status);
    const isActive = ACTIVE_STATUSES.includes(after.status);
    const index = wasActive === isActive ? { set: {}, remove: [] as string[] } : openIndexUpdate(after, isActive);
    const { expr, names, values } = diffUpdate(before as unknown as Item, after as unknown as Item, index.set, index.remove);
    values[':now'] = now;
    const unchanged = unchangedCondition(raw, GUARDED_FIELDS, names, values);
    return {
      Update: {
        TableName: this.store.table,
        Key: keys.invoice(after.tenantId, after.invoiceId),
        UpdateExpression: expr,
        ConditionExpression: `attribute_exists(pk) AND ${unchanged} AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Stops the execution the invoice ran under before the command; a failure is reported, not thrown. */
  private async stop(before: Invoice, cause: string): Promise<string> {
    const name = executionName(before.tenantId, before.invoiceId, before.revision, before.run);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.workflow.stop(name, cause);
        return name;
      } catch (err) {
        if (attempt === 2) this.opts.onStopFailed?.(err, name);
        else await sleep(100 * 2 ** attempt);
      }
    }
    return name;
  }

  /** Same for a customer: conditioned on the version read, retried on a concurrent change. */
  async onCustomer<D extends CustomerDecision>(tenantId: string, customerId: string, decide: (customer: Customer) => D): Promise<D> {
    const deadline = performance.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const raw = await this.getRaw(keys.customer(tenantId, customerId));
      if (!raw) throw new NotFoundError('customer', customerId);
      const before = itemToCustomer(raw);
      const decision = decide(before);
      if (decision.customer === before && decision.events.length === 0) return decision;
      const { expr, names, values } = diffUpdate(before as unknown as Item, decision.customer as unknown as Item);
      const unchanged = unchangedCondition(raw, ['version'], names, values);
      const logItems = decision.events.map(
        (e): TransactItem => ({
          Put: {
            TableName: this.store.table,
            Item: e.invoiceId === '' ? customerEventItem(customerId, e) : eventToItem(e),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      );
      try {
        await this.store.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.store.table,
                  Key: keys.customer(tenantId, customerId),
                  UpdateExpression: expr,
                  ConditionExpression: `attribute_exists(pk) AND ${unchanged}`,
                  ExpressionAttributeNames: names,
                  ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
                },
              },
              ...logItems,
            ],
          }),
        );
        return decision;
      } catch (err) {
        if (!isCancelled(err)) throw err;
        const codes = reasons(err);
        if (codes[0] !== 'ConditionalCheckFailed' && !codes.includes('TransactionConflict')) {
          throw new Error(`command on customer ${customerId}: transaction cancelled (${codes.join(', ')})`, { cause: err });
        }
        if (performance.now() > deadline) throw new InvoiceBusyError(`customer ${customerId} kept changing while the command was applied`);
        await sleep(10 * 2 ** Math.min(attempt, 4));
      }
    }
  }

  /** Marks the day's call task with its outcome; false when there was no task for that call. */
  async completeCallTask(tenantId: string, day: string, customerId: string, invoiceId: string, outcome: Record<string, unknown>): Promise<boolean> {
    return this.store.completeCallItem(keys.callTask(tenantId, day, customerId, invoiceId), outcome);
  }


  /** The customer's own log, oldest first. */
  async customerLog(tenantId: string, customerId: string, limit = 200): Promise<ContactEvent[]> {
    const out = await this.store.doc.send(
      new QueryCommand({
        TableName: this.store.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
        ExpressionAttributeValues: { ':pk': keys.customer(tenantId, customerId).pk, ':log': 'LOG#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(itemToEvent).reverse();
  }
}
