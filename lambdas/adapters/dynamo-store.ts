/**
 * Reads and plain writes of tenants, customers, invoices and the contact log.
 * Guarded sends live in dynamo-guard.ts, finance-team commands in dynamo-commands.ts.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, paginateQuery, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ContactEvent, Customer, Invoice, OfficeHours, Tenant } from '../domain/model.js';
import type { StageDone } from '../domain/timeline/plan.js';
import { documentClient, tableName } from './clients.js';
import {
  customerToItem,
  eventToItem,
  invoiceToItem,
  itemToCustomer,
  itemToEvent,
  itemToInvoice,
  itemToTenant,
  tenantToItem,
} from './items.js';
import { TABLE_SCHEMA, keys } from './table.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import type { Stage } from '../domain/timeline/stages.js';
import { InvoiceClosedError } from './workflow-errors.js';
import {
  claimSend,
  completeSend,
  releaseSend,
  type ClaimRequest,
  type ClaimResult,
  type SendLease,
  type SendResult,
  type TransactItem,
} from './dynamo-guard.js';

export interface PaymentRecord {
  paymentId: string;
  amount: number;
  currency: string;
  date: string;
  method?: string;
  reference?: string;
  recordedAt: string;
  actor: string;
}

/** An invoice with everything its partition holds: the contact log, the guard items, the payments. */
export interface InvoiceView {
  invoice: Invoice;
  events: ContactEvent[];
  stagesDone: StageDone[];
  payments: PaymentRecord[];
  /** ISO instant until which a send holds the invoice (see dynamo-guard.ts), if any. */
  sendingUntil?: string;
}

/** Who the finance team calls, when, and what to say: the same on a customer's call and on each of its invoice tasks. */
export interface CallBasis {
  customerName: string;
  contactName?: string;
  phone?: string;
  /** The customer's time zone and office hours: when someone answers. */
  timeZone: string;
  officeHours: OfficeHours;
  /** The planned slot inside the office hours (UTC instant). */
  callAt: string;
  summary: string;
  talkingPoints: string[];
  salesNotes: string[];
}

/** One call for the finance team's queue of a day (item keys.callTask; read by the admin API's call queue). */
export interface CallTask extends CallBasis {
  tenantId: string;
  /** The queue day, in the tenant's time zone. */
  day: string;
  customerId: string;
  invoiceId: string;
  invoiceNumber: string;
  currency: string;
  amountDue: number;
  daysPastDue: number;
  createdAt: string;
  /** The customer's call of the day this invoice is on (domain/tasks.ts callTaskId); absent on tasks written before calls were shared. */
  callId?: string;
}

/** An overdue invoice the call mentions without covering it (its own call is not due yet). */
export interface CallMention {
  invoiceId: string;
  invoiceNumber: string;
  currency: string;
  amountDue: number;
  daysPastDue: number;
}

/**
 * A customer's one call of a day (item keys.customerCall), beside one CallTask item per invoice it
 * covers. Written by the first claim of the day; an invoice that joins later adds its CallTask only.
 */
export interface CustomerCall extends CallBasis {
  tenantId: string;
  day: string;
  customerId: string;
  callId: string;
  /** The invoice whose phoneCall stage placed the call. */
  leadInvoiceId: string;
  alsoOverdue: CallMention[];
  /** Owed on the invoices on the call and the ones it mentions, per currency. */
  totals: { currency: string; amount: number }[];
  createdAt: string;
}

export interface InvoiceFailure {
  at: string;
  state: string;
  error: string;
  cause: string;
}

export class DynamoStore {
  constructor(
    readonly doc: DynamoDBDocumentClient = documentClient(),
    readonly table: string = tableName(),
  ) {}

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const item = await this.get(keys.tenant(tenantId));
    return item ? itemToTenant(item) : undefined;
  }

  async putTenant(t: Tenant): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: tenantToItem(t) }));
  }

  async getCustomer(tenantId: string, customerId: string): Promise<Customer | undefined> {
    const item = await this.get(keys.customer(tenantId, customerId));
    return item ? itemToCustomer(item) : undefined;
  }

  async putCustomer(c: Customer): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: customerToItem(c) }));
  }

  async getInvoice(tenantId: string, invoiceId: string): Promise<Invoice | undefined> {
    const item = await this.get(keys.invoice(tenantId, invoiceId));
    return item ? itemToInvoice(item) : undefined;
  }

  async putInvoice(inv: Invoice): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: invoiceToItem(inv) }));
  }

  /** The invoice and its whole history in one strongly consistent Query of its partition. */
  async getInvoiceView(tenantId: string, invoiceId: string): Promise<InvoiceView | undefined> {
    const { pk } = keys.invoice(tenantId, invoiceId);
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
    const meta = items.find((i) => i.sk === 'INV');
    if (!meta) return undefined;
    const sk = (i: Record<string, unknown>) => String(i.sk);
    return {
      invoice: itemToInvoice(meta),
      events: items.filter((i) => sk(i).startsWith('LOG#')).map(itemToEvent),
      stagesDone: items
        .filter((i) => sk(i).startsWith('STAGE#'))
        .map((i) => ({ stage: sk(i).slice('STAGE#'.length), at: String(i.at) })),
      payments: items.filter((i) => sk(i).startsWith('PAY#')) as unknown as PaymentRecord[],
      sendingUntil: typeof meta.sendingUntil === 'string' ? meta.sendingUntil : undefined,
    };
  }

  /** The claim's write of the customer's recent contacts, if its version is still `version`. */
  contactRecordWrite(tenantId: string, customerId: string, version: number, recent: readonly { at: string; channel: string }[]): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.customer(tenantId, customerId),
        UpdateExpression: 'SET recentContacts = :recent, contactsVersion = :next',
        ConditionExpression: version === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(contactsVersion) OR contactsVersion = :v)' : 'contactsVersion = :v',
        ExpressionAttributeValues: { ':recent': recent, ':next': version + 1, ':v': version },
      },
    };
  }

  /**
   * Holds a stage back until `until` (contact limits): the deferral on the invoice, for the planner,
   * and its entry in the contact log, together. Only while the execution is still the invoice's own.
   * A retry writes the same entry id, so it is logged once.
   */
  async deferStage(d: { tenantId: string; invoiceId: string; revision: number; run: number; stage: Stage; until: string; reason: string; at: string }): Promise<void> {
    const event = contactEvent({
      eventId: `deferred-${d.stage}-${d.until}`,
      tenantId: d.tenantId,
      invoiceId: d.invoiceId,
      at: d.at,
      type: 'deferred',
      channel: 'system',
      actor: 'system',
      stage: d.stage,
      outcome: 'recorded',
      details: { until: d.until, reason: d.reason },
    });
    await this.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.invoice(d.tenantId, d.invoiceId),
                UpdateExpression: 'SET deferral = :d',
                ConditionExpression: '#status = :open AND #revision = :rev AND #run = :run',
                ExpressionAttributeNames: { '#status': 'status', '#revision': 'revision', '#run': 'run' },
                ExpressionAttributeValues: { ':d': { stage: d.stage, until: d.until, reason: d.reason }, ':open': 'open', ':rev': d.revision, ':run': d.run },
              },
            },
            { Put: { TableName: this.table, Item: eventToItem(event) } },
          ],
        }),
      )
      .catch((err: unknown) => {
        if ((err as Error).name === 'TransactionCanceledException') throw new InvoiceClosedError('invoice changed while its stage was being deferred');
        throw err;
      });
  }

  /** A customer's invoices still being chased ('open'), through the by-customer index (gsi2), every page. */
  async openInvoicesOfCustomer(tenantId: string, customerId: string): Promise<Invoice[]> {
    const { gsi2pk } = keys.byCustomer(tenantId, customerId, '', '');
    const out: Invoice[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: TABLE_SCHEMA.indexes.byCustomer.name,
          KeyConditionExpression: 'gsi2pk = :pk',
          FilterExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': gsi2pk, ':open': 'open' },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []).map(itemToInvoice));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Appends to the contact log once per `onceKey` for the invoice (a marker item beside it, written
   * in the same transaction): false when that key was used before and nothing was written.
   */
  async appendEventOnce(e: ContactEvent, onceKey: string): Promise<boolean> {
    const { pk } = keys.invoice(e.tenantId, e.invoiceId);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: { pk, sk: `ONCE#${onceKey}`, entity: 'once', at: e.at }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.table, Item: eventToItem(e), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'TransactionCanceledException') return false;
      throw err;
    }
  }

  /** Appends to the contact log; an event id is written once and never overwritten. */
  async appendEvent(e: ContactEvent): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: eventToItem(e), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  /** The send guard (dynamo-guard.ts): claim a stage or one-off message before anything leaves. */
  claimSend(req: ClaimRequest): Promise<ClaimResult> {
    return claimSend(this, req);
  }

  /** Completes a claim once the messages have left (or failed): lease cleared, log entries completed. */
  completeSend(lease: SendLease, results: SendResult[]): Promise<void> {
    return completeSend(this, lease, results);
  }

  /** Gives a claim back when nothing has left, so a retry can claim it again. */
  releaseSend(lease: SendLease, reason: string): Promise<void> {
    return releaseSend(this, lease, reason);
  }

  /** The call task, as a write that goes with the phoneCall stage's guard claim. */
  callTaskWrite(task: CallTask): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.callTask(task.tenantId, task.day, task.customerId, task.invoiceId), entity: 'callTask', ...task },
      },
    };
  }

  /**
   * The customer's call of the day, as a write that goes with a phoneCall stage's guard claim:
   * created by the first claim, left as it is by an invoice that joins the call later the same day.
   */
  customerCallWrite(call: CustomerCall): TransactItem {
    const fields = Object.entries({ entity: 'customerCall', ...call }).filter(([, v]) => v !== undefined);
    return {
      Update: {
        TableName: this.table,
        Key: keys.customerCall(call.tenantId, call.day, call.customerId),
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
      },
    };
  }

  /** The call's sheet again, when invoices it was written with dropped out at the claim; only the claim that created it may. */
  async rewriteCallSheet(call: Pick<CustomerCall, 'tenantId' | 'day' | 'customerId' | 'leadInvoiceId' | 'summary' | 'talkingPoints' | 'alsoOverdue' | 'totals'>): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.customerCall(call.tenantId, call.day, call.customerId),
          UpdateExpression: 'SET summary = :s, talkingPoints = :p, alsoOverdue = :o, totals = :t',
          ConditionExpression: 'leadInvoiceId = :lead',
          ExpressionAttributeValues: { ':s': call.summary, ':p': call.talkingPoints, ':o': call.alsoOverdue, ':t': call.totals, ':lead': call.leadInvoiceId },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /**
   * Marks a customer's call of a day done: the CustomerCall item and the CallTask item of each of
   * `invoiceIds` get the outcome. Items that do not exist are left out; returns the invoices marked.
   */
  async completeCustomerCall(tenantId: string, day: string, customerId: string, invoiceIds: readonly string[], outcome: Record<string, unknown>): Promise<string[]> {
    const mark = (key: { pk: string; sk: string }) => this.completeCallItem(key, outcome);
    const [, ...marked] = await Promise.all([
      mark(keys.customerCall(tenantId, day, customerId)),
      ...invoiceIds.map((id) => mark(keys.callTask(tenantId, day, customerId, id))),
    ]);
    return invoiceIds.filter((_, i) => marked[i]);
  }

  /** Logs the outcome on one item of the call queue; false when there is no such item. */
  async completeCallItem(key: { pk: string; sk: string }, outcome: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET outcome = :o',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':o': outcome },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** A customer's call of a day: its CustomerCall item (sk `<customerId>#`) and the CallTask item of each invoice on it. */
  async customerCallItems(tenantId: string, day: string, customerId: string): Promise<Record<string, unknown>[]> {
    const key = keys.customerCall(tenantId, day, customerId);
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
      ConsistentRead: true,
    });
  }

  /** Every item a Query of this table answers, page after page. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: this.doc }, { ...input, TableName: this.table })) items.push(...(page.Items ?? []));
    return items;
  }

  /**
   * Suspends the customer's credit line, as a write that goes with the creditHold stage's guard
   * claim. A hold already in place (another invoice of the customer) is kept as it is.
   */
  creditHoldWrite(tenantId: string, customerId: string, hold: NonNullable<Customer['creditHold']>): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.customer(tenantId, customerId),
        UpdateExpression: 'SET creditHold = if_not_exists(creditHold, :hold), version = if_not_exists(version, :zero) + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':hold': hold, ':zero': 0, ':one': 1 },
      },
    };
  }

  /** Writes why the timeline stopped on the invoice and in its contact log, in one transaction. */
  /**
   * Writes the failure on the invoice and in its log. `once`: not when the invoice already carries a
   * failure of the same state (the transaction is cancelled with ConditionalCheckFailed).
   */
  async recordFailure(tenantId: string, invoiceId: string, failure: InvoiceFailure, event: ContactEvent, opts: { once?: boolean } = {}): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.invoice(tenantId, invoiceId),
              UpdateExpression: 'SET failure = :f',
              ConditionExpression: opts.once ? 'attribute_exists(pk) AND (attribute_not_exists(failure) OR failure.#state <> :state)' : 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':f': failure, ...(opts.once ? { ':state': failure.state } : {}) },
              ...(opts.once ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
            },
          },
          { Put: { TableName: this.table, Item: eventToItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  }
}
