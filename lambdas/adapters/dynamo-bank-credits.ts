/**
 * The bank-credit aggregate in the single table (docs/data-model.md):
 * - each credit under keys.bankCredit, put with `attribute_not_exists(pk)`: its id is the hash of
 *   account + bank entry reference, so the same entry read twice (a repeated file, a camt.054 and
 *   the camt.053 that repeats it) is stored once;
 * - a decision written with a condition on the status it was made from (and, for the matcher, on
 *   no decision having been written yet);
 * - the credit-applied item in the invoice's partition, joined to the payment's transaction;
 * - learned debtor IBANs in one partition per tenant, with the set of confirmed credits each was
 *   learned from (`learnedFrom`), so an undone match forgets an IBAN only it taught; customer
 *   credit in the customer's partition, with a customer-level log entry in the same transaction
 *   (added and taken away alike).
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { electronicFormatIBAN } from 'ibantools';
import type { BankCreditDecision, BankCreditRecord, BankCreditStatus, RemovableDecisionField } from '../domain/bank/credit-records.js';
import { creditLeft, creditStatus, newCustomerCredit } from '../domain/commands/customer-credit.js';
import type { ContactEvent } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { UNCONFIRMED_CREDIT_STATUSES } from '../domain/timeline/stage-holds.js';
import { formatMoney } from '../domain/shared/format.js';
import type { BankCreditListOptions, BankCreditRepository, CustomerCredit } from '../app/ports/bank-credits.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import { bankCreditToItem, customerCreditToItem, debtorIbanToItem, itemToBankCredit, itemToCustomerCredit, itemToDebtorIban } from './dynamo/bank-credit-items.js';
import { mapLimit } from './dynamo/batch.js';
import type { Table } from './dynamo/client.js';
import { all, bankCreditStatusIn, creditIsUndecided, itemExists, itemIsNew } from './dynamo/conditions.js';
import { isConditionFailure, unlessConditionFails } from './dynamo/errors.js';
import { customerEventToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { customerMarkChange, moveUnconfirmedCredits, readCustomerMarks, readTenantMarks } from './dynamo/marks.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';
import { queryAll } from './dynamo/query.js';
import { transactionPart, type TransactItem } from './dynamo/transaction-part.js';

const PUT_CONCURRENCY = 8;

/** A gsi1 query of one status partition, within the booking days asked for. */
const statusQuery = (gsi1pk: string, opts: Pick<BankCreditListOptions, 'from' | 'to'>) => ({
  IndexName: TABLE_SCHEMA.indexes.openByDue.name,
  KeyConditionExpression: opts.from || opts.to ? 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :pk',
  ExpressionAttributeValues: { ':pk': gsi1pk, ...(opts.from || opts.to ? { ':from': opts.from ?? '0000-01-01', ':to': `${opts.to ?? '9999-12-31'}#~` } : {}) },
});

const isUnconfirmed = (c: { status: BankCreditStatus }): boolean => UNCONFIRMED_CREDIT_STATUSES.includes(c.status);

const countBy = <T>(items: readonly T[], by: (t: T) => string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const i of items) out.set(by(i), (out.get(by(i)) ?? 0) + 1);
  return out;
};

const ibanKey = (iban: string): string => electronicFormatIBAN(iban) ?? iban.replace(/\s+/g, '').toUpperCase();

export class DynamoBankCredits implements BankCreditRepository {
  constructor(private readonly table: Table) {}

  async addNew(records: readonly BankCreditRecord[]): Promise<{ added: number; duplicates: number }> {
    // The company's count of unconfirmed credits goes up before they exist and back down for those already there (dynamo/marks.ts).
    const unconfirmed = countBy(records.filter(isUnconfirmed), (r) => r.tenantId);
    for (const [tenantId, n] of unconfirmed) await moveUnconfirmedCredits(this.table, tenantId, n);
    const outcomes = await mapLimit(records, PUT_CONCURRENCY, (r) =>
      unlessConditionFails(this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: bankCreditToItem(r), ConditionExpression: itemIsNew })), true, false),
    );
    const repeated = countBy(records.filter((r, i) => !outcomes[i] && isUnconfirmed(r)), (r) => r.tenantId);
    for (const [tenantId, n] of repeated) await moveUnconfirmedCredits(this.table, tenantId, -n);
    const added = outcomes.filter(Boolean).length;
    return { added, duplicates: records.length - added };
  }

  async get(tenantId: string, creditId: string): Promise<BankCreditRecord | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.bankCredit(tenantId, creditId), ConsistentRead: true }));
    return Item ? itemToBankCredit(Item) : undefined;
  }

  async list(tenantId: string, opts: BankCreditListOptions = {}): Promise<BankCreditRecord[]> {
    const statuses: readonly BankCreditStatus[] = opts.status === undefined ? [] : typeof opts.status === 'string' ? [opts.status] : opts.status;
    const byDate = (a: BankCreditRecord, b: BankCreditRecord) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.creditId < b.creditId ? -1 : 1);
    if (statuses.length > 0 && !opts.undecided) {
      // By status on gsi1: reads only the credits in those statuses (eventually consistent, which
      // the send path's bank truth and the API's list can afford; the matcher reads the table).
      const pages = await Promise.all(statuses.map((status) => queryAll(this.table, statusQuery(keys.creditsByStatus(tenantId, status), opts))));
      return pages.flat().map(itemToBankCredit).sort(byDate);
    }
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': keys.bankCredit(tenantId, '').pk };
    if (statuses.length > 0) {
      filters.push(bankCreditStatusIn(statuses.length));
      names['#s'] = 'status';
      statuses.forEach((s, i) => (values[`:from${i}`] = s));
    }
    if (opts.undecided) filters.push(creditIsUndecided);
    if (opts.from || opts.to) {
      filters.push('bookingDate BETWEEN :fromDay AND :toDay');
      values[':fromDay'] = opts.from ?? '0000-01-01';
      values[':toDay'] = opts.to ?? '9999-12-31';
    }
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ...(filters.length ? { FilterExpression: all(...filters) } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    });
    return items.map(itemToBankCredit).sort(byDate);
  }

  async decide(
    tenantId: string,
    creditId: string,
    from: readonly BankCreditStatus[],
    d: BankCreditDecision,
    opts: { undecidedOnly?: boolean; remove?: readonly RemovableDecisionField[] } = {},
  ): Promise<boolean> {
    const values: Record<string, unknown> = {};
    from.forEach((s, i) => (values[`:from${i}`] = s));
    const fields: Record<string, unknown> = { ...d };
    const sets: string[] = [];
    const names: Record<string, string> = { '#s': 'status' };
    Object.entries(fields).forEach(([f, v], i) => {
      if (v === undefined) return;
      names[`#f${i}`] = f;
      values[`:v${i}`] = v;
      sets.push(`#f${i} = :v${i}`);
    });
    // The credit moves to its new status's partition of gsi1 (its booking-date sort key stays).
    names['#g'] = 'gsi1pk';
    values[':g'] = keys.creditsByStatus(tenantId, d.status);
    sets.push('#g = :g');
    const removes = (opts.remove ?? []).filter((f) => fields[f] === undefined);
    removes.forEach((f, i) => (names[`#r${i}`] = f));
    const remove = removes.length > 0 ? ` REMOVE ${removes.map((_, i) => `#r${i}`).join(', ')}` : '';
    // Into an unconfirmed status: counted before; out of one: uncounted after (dynamo/marks.ts).
    const entering = isUnconfirmed(d);
    if (entering) await moveUnconfirmedCredits(this.table, tenantId, 1);
    let left = false;
    const decided = await unlessConditionFails(
      this.table.doc
        .send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.bankCredit(tenantId, creditId),
            UpdateExpression: `SET ${sets.join(', ')}${remove}`,
            ConditionExpression: all(itemExists, bankCreditStatusIn(from.length), ...(opts.undecidedOnly ? [creditIsUndecided] : [])),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_OLD',
          }),
        )
        .then((out) => (left = isUnconfirmed({ status: out.Attributes?.status as BankCreditStatus }))),
      true,
      false,
    );
    await moveUnconfirmedCredits(this.table, tenantId, (decided ? 0 : entering ? -1 : 0) - (decided && left ? 1 : 0));
    return decided;
  }

  applicationItem(tenantId: string, creditId: string, invoiceId: string, at: string): TransactionPart {
    return transactionPart({
      Put: {
        TableName: this.table.name,
        Item: { ...keys.creditApplication(tenantId, invoiceId, creditId), entity: 'creditApplication', tenantId, invoiceId, creditId, at },
        ConditionExpression: itemIsNew,
      },
    });
  }

  async releaseApplication(tenantId: string, creditId: string, invoiceId: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: keys.creditApplication(tenantId, invoiceId, creditId) }));
  }

  async knownDebtorIbans(tenantId: string): Promise<Map<string, string>> {
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.debtorIban(tenantId, '').pk } });
    return new Map(items.map(itemToDebtorIban).map((i) => [i.iban, i.customerId]));
  }

  async learnDebtorIban(tenantId: string, iban: string, customerId: string, at: string, creditId?: string): Promise<void> {
    const key = keys.debtorIban(tenantId, ibanKey(iban));
    // Known for the same customer: one more credit it was learned from.
    const added = await unlessConditionFails(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET learnedAt = :at${creditId ? ' ADD learnedFrom :from' : ''}`,
          ConditionExpression: all(itemExists, 'customerId = :c'),
          ExpressionAttributeValues: { ':at': at, ':c': customerId, ...(creditId ? { ':from': new Set([creditId]) } : {}) },
        }),
      ),
      true,
      false,
    );
    if (added) return;
    // New, or another customer's: the latest confirmation wins (a debtor account that changed hands follows the finance team).
    const item = debtorIbanToItem(tenantId, ibanKey(iban), customerId, at);
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: creditId ? { ...item, learnedFrom: new Set([creditId]) } : item }));
  }

  async forgetDebtorIban(tenantId: string, iban: string, customerId: string, creditId: string): Promise<boolean> {
    const key = keys.debtorIban(tenantId, ibanKey(iban));
    const out = await this.table.doc
      .send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: 'DELETE learnedFrom :from',
          ConditionExpression: all(itemExists, 'customerId = :c', 'contains(learnedFrom, :id)'),
          ExpressionAttributeValues: { ':from': new Set([creditId]), ':c': customerId, ':id': creditId },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch((err: unknown) => {
        if (isConditionFailure(err)) return undefined;
        throw err;
      });
    // The set empties itself when its last credit goes: then no confirmation is left behind the IBAN.
    if (!out || out.Attributes?.learnedFrom !== undefined) return false;
    return unlessConditionFails(
      this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: key, ConditionExpression: all('attribute_not_exists(learnedFrom)', 'customerId = :c'), ExpressionAttributeValues: { ':c': customerId } })),
      true,
      false,
    );
  }

  async recordCustomerCredit(input: CustomerCredit): Promise<boolean> {
    const c = newCustomerCredit(input);
    const entry = contactEvent({
      tenantId: c.tenantId,
      invoiceId: '',
      at: c.at,
      type: 'note',
      channel: 'system',
      actor: c.source?.kind === 'creditNote' ? 'system' : 'bank',
      outcome: 'recorded',
      details: {
        kind: 'customerCredit',
        creditId: c.creditId,
        amount: c.amount,
        currency: c.currency,
        ...(c.invoiceId ? { invoiceId: c.invoiceId } : {}),
        ...(c.source ? { source: c.source } : {}),
        text:
          c.source?.kind === 'creditNote'
            ? `Credit note ${c.source.number}: ${formatMoney(c.amount, c.currency, 'en-GB')} kept as the customer's credit.`
            : `Overpayment: ${formatMoney(c.amount, c.currency, 'en-GB')} kept as the customer's credit (bank credit ${c.creditId}).`,
      },
    });
    return unlessConditionFails(
      this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.name, Item: customerCreditToItem(c), ConditionExpression: itemIsNew } },
            { Put: { TableName: this.table.name, Item: customerEventToItem(c.customerId, entry), ConditionExpression: itemIsNew } },
            customerMarkChange(this.table, c.tenantId, c.customerId, 'openCredits', c.creditId, true),
          ],
        }),
      ),
      true,
      false,
    );
  }

  async removeCustomerCredit(input: { tenantId: string; customerId: string; creditId: string; at: string; by: string; why: string }): Promise<boolean> {
    // What it paid already stays paid: the log says where, for the finance team to look at.
    const applied = (await this.getCustomerCredit(input.tenantId, input.customerId, input.creditId))?.applications ?? [];
    const used = applied.length > 0 ? ` Already applied: ${applied.map((a) => `invoice ${a.invoiceNumber} (${a.amount})`).join(', ')}; those payments stay.` : '';
    const entry = contactEvent({
      tenantId: input.tenantId,
      invoiceId: '',
      at: input.at,
      type: 'note',
      channel: 'system',
      actor: input.by,
      outcome: 'recorded',
      details: {
        kind: 'customerCreditRemoved',
        creditId: input.creditId,
        ...(applied.length > 0 ? { applied: applied.map((a) => ({ invoiceId: a.invoiceId, paymentId: a.paymentId, amount: a.amount })) } : {}),
        text: `The customer's credit from bank credit ${input.creditId} was taken away: ${input.why}.${used}`,
      },
    });
    return unlessConditionFails(
      this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.table.name, Key: keys.customerCredit(input.tenantId, input.customerId, input.creditId), ConditionExpression: itemExists } },
            { Put: { TableName: this.table.name, Item: customerEventToItem(input.customerId, entry), ConditionExpression: itemIsNew } },
            customerMarkChange(this.table, input.tenantId, input.customerId, 'openCredits', input.creditId, false),
          ],
        }),
      ),
      true,
      false,
    );
  }

  async getCustomerCredit(tenantId: string, customerId: string, creditId: string): Promise<CustomerCredit | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.customerCredit(tenantId, customerId, creditId), ConsistentRead: true }));
    return Item ? itemToCustomerCredit(Item) : undefined;
  }

  customerCreditApplicationItem(tenantId: string, customerId: string, creditId: string, invoiceId: string, at: string): TransactionPart {
    return transactionPart({
      Put: {
        TableName: this.table.name,
        Item: { ...keys.customerCreditApplication(tenantId, invoiceId, creditId), entity: 'customerCreditApplication', tenantId, customerId, invoiceId, creditId, at },
        ConditionExpression: itemIsNew,
      },
    });
  }

  customerCreditChange(before: CustomerCredit, after: CustomerCredit, entry: ContactEvent): TransactionPart[] {
    return this.creditChangeItems(before, after, entry).map(transactionPart);
  }

  changeCustomerCredit(before: CustomerCredit, after: CustomerCredit, entry: ContactEvent): Promise<boolean> {
    return unlessConditionFails(this.table.doc.send(new TransactWriteCommand({ TransactItems: this.creditChangeItems(before, after, entry) })), true, false);
  }

  /**
   * The credit's update, conditioned on what is left and its status as `before` read them (absent
   * stays absent: a credit kept before credits were applied), and the customer's log entry.
   */
  private creditChangeItems(before: CustomerCredit, after: CustomerCredit, entry: ContactEvent): TransactItem[] {
    const names: Record<string, string> = { '#rem': 'remaining', '#st': 'status' };
    const values: Record<string, unknown> = {};
    const conditions = [itemExists];
    conditions.push(before.remaining === undefined ? 'attribute_not_exists(#rem)' : '#rem = :wasRem');
    if (before.remaining !== undefined) values[':wasRem'] = before.remaining;
    conditions.push(before.status === undefined ? 'attribute_not_exists(#st)' : '#st = :wasSt');
    if (before.status !== undefined) values[':wasSt'] = before.status;
    const sets: string[] = [];
    (['remaining', 'status', 'applications', 'refund'] as const).forEach((f, i) => {
      if (after[f] === undefined) return;
      names[`#c${i}`] = f;
      values[`:c${i}`] = after[f];
      sets.push(`#c${i} = :c${i}`);
    });
    return [
      {
        Update: {
          TableName: this.table.name,
          Key: keys.customerCredit(before.tenantId, before.customerId, before.creditId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: all(...conditions),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      { Put: { TableName: this.table.name, Item: customerEventToItem(before.customerId, entry), ConditionExpression: itemIsNew } },
      // What the update leaves: a field it does not set keeps its value.
      customerMarkChange(this.table, before.tenantId, before.customerId, 'openCredits', before.creditId, creditStatus({ status: after.status ?? before.status }) === 'open' && creditLeft({ amount: before.amount, remaining: after.remaining ?? before.remaining }) > 0),
    ];
  }

  async openCustomerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]> {
    const { openCredits } = await readCustomerMarks(this.table, tenantId, customerId);
    return openCredits.length === 0 ? [] : this.customerCredits(tenantId, customerId);
  }

  async mayHaveUnconfirmed(tenantId: string): Promise<boolean> {
    return (await readTenantMarks(this.table, tenantId)).unconfirmedCredits > 0;
  }

  async customerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': keys.customer(tenantId, customerId).pk, ':c': 'CREDIT#' },
    });
    return items.map(itemToCustomerCredit);
  }
}
