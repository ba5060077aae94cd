/**
 * The finance team's commands as DynamoDB transactions: the short-circuit half of the send guard
 * (dynamo-guard.ts). A command that changes whether an invoice may be chased is ONE transaction:
 *   1. Update of the invoice item, conditioned on the state the decision was made on (status,
 *      revision, run, amount, amountPaid) AND on no send holding it:
 *      `attribute_not_exists(sendingUntil) OR sendingUntil < :now`;
 *   2. Put of the payment record (payments only), or the payment record marked reversed
 *      (reversals only: it must exist with the reversed amount and not be reversed yet);
 *   3. Put of the contact-log entries, with the acting user;
 *   then the caller's `once` item (AlreadyDoneError when it exists) and its `joined` writes
 *   (JoinedWriteRefused when one finds its item changed: a customer credit applied meanwhile).
 * A held lease is waited out (a send in flight finishes first), any other change is re-read and
 * decided again. Once this commits, every later claim sees the new status or run and fails, so
 * when the API answers no reminder can leave. Only then is the running execution stopped, with a
 * cause that says why; commands that need a new branch bump `run` and the table stream starts it.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CommandRejected, type CustomerDecision, type Decision } from '../domain/commands/commands.js';
import { isAnswerTask } from '../domain/commands/tasks.js';
import { executionName } from '../domain/timeline/execution-name.js';
import { ACTIVE_STATUSES, Customer as CustomerSchema, type Customer, type Invoice } from '../domain/model.js';
import {
  AlreadyDoneError,
  InvoiceBusyError,
  JoinedWriteRefused,
  NotFoundError,
  type Commands,
  type InvoiceCommandOptions,
  type InvoiceCommandResult,
} from '../app/ports/commands.js';
import type { Workflow } from '../app/ports/workflow.js';
import { clock } from './clock.js';
import type { Table } from './dynamo/client.js';
import { all, itemExists, itemIsNew, leaseIsFree } from './dynamo/conditions.js';
import { cancellationCodes } from './dynamo/errors.js';
import { customerEventToItem, customerNameIndex, eventToItem, salesNoteToItem, itemToCustomer, itemToInvoice, openIndexUpdate, paymentToItem, sendingUntilOf, taskToItem } from './dynamo/items.js';
import { keys, type ItemKey } from './dynamo/keys.js';
import { customerMarkChange } from './dynamo/marks.js';
import type { Item } from './dynamo/query.js';
import { transactItemOf, type TransactItem } from './dynamo/transaction-part.js';

export interface CommandsOptions {
  /** Longest real time to wait for a send's lease or for concurrent writers (ms). */
  maxWaitMs?: number;
  /** Pause between two looks at a held lease (ms). */
  leasePollMs?: number;
  /** Reports a stop that failed after the commit (the stream and the guard still end the chase). */
  onStopFailed?: (err: unknown, executionName: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields the decision depends on: a change to any of them by someone else means decide again. */
const GUARDED_FIELDS = ['status', 'revision', 'run', 'amount', 'amountPaid'] as const;

/** SET/REMOVE expression for the fields that differ between two versions of a record. */
/** A customer the model could not read back is refused before it is written, naming the field. */
const assertReadable = (c: Customer): void => {
  const parsed = CustomerSchema.safeParse(c);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new CommandRejected('rule', 'invalid_customer', `${field}: ${issue.message}`, field);
};

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

export class DynamoCommands implements Commands {
  private readonly maxWaitMs: number;
  private readonly leasePollMs: number;

  /** Without a workflow only customer commands run (they never touch an execution): see CustomerCommands. */
  constructor(
    private readonly workflow: Workflow | undefined,
    private readonly table: Table,
    private readonly opts: CommandsOptions = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 25_000;
    this.leasePollMs = opts.leasePollMs ?? 100;
  }

  private async getRaw(key: ItemKey): Promise<Item | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /**
   * Reads the invoice, lets `decide` turn it into a Decision (it may throw CommandRejected) and
   * writes the decision in one transaction, deciding again on a fresh read whenever the invoice
   * changed in between. Commands that leave the invoice as it is (notes, a call without a promise)
   * only append to the log.
   */
  async onInvoice(tenantId: string, invoiceId: string, decide: (invoice: Invoice) => Decision, options: InvoiceCommandOptions = {}): Promise<InvoiceCommandResult> {
    const workflow = this.workflow;
    if (!workflow) throw new Error('these commands were built without a workflow: they run customer commands only');
    const deadline = performance.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const raw = await this.getRaw(keys.invoice(tenantId, invoiceId));
      if (!raw) throw new NotFoundError('invoice', invoiceId);
      const before = itemToInvoice(raw);
      const decision = decide(before);
      const now = clock.now().toISOString();
      const changes = decision.invoice !== before;
      const sendingUntil = sendingUntilOf(raw);
      const leaseHeld = sendingUntil !== undefined && sendingUntil >= now;
      if (changes && leaseHeld) {
        // A reminder is being sent right now: let it finish (or its lease run out) first.
        if (performance.now() > deadline) throw new InvoiceBusyError(`invoice ${invoiceId} is held by a send in progress`);
        await sleep(this.leasePollMs);
        continue;
      }
      const items: TransactItem[] = [
        changes ? this.invoiceUpdate(raw, before, decision.invoice, now) : this.invoiceExists(tenantId, invoiceId),
        ...(decision.payment
          ? [{ Put: { TableName: this.table.name, Item: paymentToItem(tenantId, invoiceId, decision.payment), ConditionExpression: itemIsNew } }]
          : []),
        ...(decision.reversal ? [this.paymentReversed(tenantId, invoiceId, decision.reversal)] : []),
        ...decision.events.map(
          (e): TransactItem => ({ Put: { TableName: this.table.name, Item: eventToItem(e), ConditionExpression: itemIsNew } }),
        ),
        ...(decision.task
          ? [
              { Put: { TableName: this.table.name, Item: taskToItem(decision.task), ConditionExpression: itemIsNew } },
              ...(isAnswerTask(decision.task.taskId) ? [customerMarkChange(this.table, tenantId, decision.task.customerId, 'answersWaiting', decision.task.taskId, true)] : []),
            ]
          : []),
      ];
      const reversalIndex = decision.reversal ? (decision.payment ? 2 : 1) : -1;
      const once = options.once ? transactItemOf(options.once) : undefined;
      const onceIndex = once ? items.push(once) - 1 : -1;
      // Writes of another aggregate that follow from this decision (a customer credit lowered).
      const joinedFrom = items.length;
      if (options.joined) items.push(...options.joined(decision).map(transactItemOf));
      try {
        await this.table.doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        if (onceIndex >= 0 && codes[onceIndex] === 'ConditionalCheckFailed') throw new AlreadyDoneError(`invoice ${invoiceId}: ${String(once?.Put?.Item?.sk)} was already written`);
        if (codes.slice(joinedFrom).includes('ConditionalCheckFailed')) throw new JoinedWriteRefused(`invoice ${invoiceId}: a write joined to the command found its item changed`);
        const retryable = codes[0] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict');
        if (!retryable && reversalIndex >= 0 && codes[reversalIndex] === 'ConditionalCheckFailed') {
          const r = decision.reversal!;
          throw new CommandRejected('conflict', 'payment_unknown', `Invoice ${invoiceId} has no payment ${r.paymentId} of ${r.amount} left to reverse.`);
        }
        if (!retryable) throw new Error(`command on invoice ${invoiceId}: transaction cancelled (${codes.join(', ')})`, { cause: err });
        if (performance.now() > deadline) throw new InvoiceBusyError(`invoice ${invoiceId} kept changing while the command was applied`);
        // The lease was taken or the invoice changed after our read: read and decide again.
        await sleep(Math.min(this.leasePollMs, 10 * 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      return { ...decision, ...(decision.stopCause ? { stoppedExecution: await this.stop(workflow, before, decision.stopCause) } : {}) };
    }
  }

  private paymentReversed(tenantId: string, invoiceId: string, r: NonNullable<Decision['reversal']>): TransactItem {
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.payment(tenantId, invoiceId, r.paymentId),
        UpdateExpression: 'SET #r = :r',
        ConditionExpression: all(itemExists, 'attribute_not_exists(#r)', '#a = :a'),
        ExpressionAttributeNames: { '#r': 'reversed', '#a': 'amount' },
        ExpressionAttributeValues: { ':r': r.reversed, ':a': r.amount },
      },
    };
  }

  private invoiceExists(tenantId: string, invoiceId: string): TransactItem {
    return {
      ConditionCheck: { TableName: this.table.name, Key: keys.invoice(tenantId, invoiceId), ConditionExpression: itemExists },
    };
  }

  private invoiceUpdate(raw: Item, before: Invoice, after: Invoice, now: string): TransactItem {
    const wasActive = ACTIVE_STATUSES.includes(before.status);
    const isActive = ACTIVE_STATUSES.includes(after.status);
    const index = wasActive === isActive ? { set: {}, remove: [] as string[] } : openIndexUpdate(after, isActive);
    const { expr, names, values } = diffUpdate(before, after, index.set, index.remove);
    values[':now'] = now;
    const unchanged = unchangedCondition(raw, GUARDED_FIELDS, names, values);
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.invoice(after.tenantId, after.invoiceId),
        UpdateExpression: expr,
        ConditionExpression: all(itemExists, unchanged, leaseIsFree),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Stops the execution the invoice ran under before the command; a failure is reported, not thrown. */
  private async stop(workflow: Workflow, before: Invoice, cause: string): Promise<string> {
    const name = executionName(before.tenantId, before.invoiceId, before.revision, before.run);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await workflow.stop(name, cause);
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
      assertReadable(decision.customer);
      // A new name moves the customer in the by-name lookup too.
      const renamed = decision.customer.name !== before.name ? customerNameIndex(decision.customer) : {};
      const { expr, names, values } = diffUpdate(before, decision.customer, renamed);
      const unchanged = unchangedCondition(raw, ['version'], names, values);
      const logItems = decision.events.map(
        (e): TransactItem => ({
          Put: {
            TableName: this.table.name,
            Item: e.invoiceId === '' ? customerEventToItem(customerId, e) : eventToItem(e),
            ConditionExpression: itemIsNew,
          },
        }),
      );
      try {
        await this.table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table.name,
                  Key: keys.customer(tenantId, customerId),
                  UpdateExpression: expr,
                  ConditionExpression: all(itemExists, unchanged),
                  ExpressionAttributeNames: names,
                  ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
                },
              },
              ...logItems,
              ...(decision.salesNotes ?? []).map((n): TransactItem => ({ Put: { TableName: this.table.name, Item: salesNoteToItem(n), ConditionExpression: itemIsNew } })),
            ],
          }),
        );
        return decision;
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        if (codes[0] !== 'ConditionalCheckFailed' && !codes.includes('TransactionConflict')) {
          throw new Error(`command on customer ${customerId}: transaction cancelled (${codes.join(', ')})`, { cause: err });
        }
        if (performance.now() > deadline) throw new InvoiceBusyError(`customer ${customerId} kept changing while the command was applied`);
        await sleep(10 * 2 ** Math.min(attempt, 4));
      }
    }
  }
}
