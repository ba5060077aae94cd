/**
 * The bank-credit aggregate in the single table (docs/data-model.md):
 * - each credit under keys.bankCredit, put with `attribute_not_exists(pk)`: its id is the hash of
 *   account + bank entry reference, so the same entry read twice (a repeated file, a camt.054 and
 *   the camt.053 that repeats it) is stored once;
 * - a decision written with a condition on the status it was made from (and, for the matcher, on
 *   no decision having been written yet);
 * - the credit-applied item in the invoice's partition, joined to the payment's transaction;
 * - learned debtor IBANs in one partition per tenant; customer credit in the customer's partition,
 *   with a customer-level log entry in the same transaction.
 */
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { electronicFormatIBAN } from 'ibantools';
import type { BankCreditDecision, BankCreditRecord, BankCreditStatus } from '../domain/bank/credit-records.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { formatMoney } from '../domain/shared/format.js';
import type { BankCreditRepository, CustomerCredit } from '../app/ports/bank-credits.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import { bankCreditToItem, customerCreditToItem, debtorIbanToItem, itemToBankCredit, itemToCustomerCredit, itemToDebtorIban } from './dynamo/bank-credit-items.js';
import { mapLimit } from './dynamo/batch.js';
import type { Table } from './dynamo/client.js';
import { all, bankCreditStatusIn, creditIsUndecided, itemExists, itemIsNew } from './dynamo/conditions.js';
import { unlessConditionFails } from './dynamo/errors.js';
import { customerEventToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { queryAll } from './dynamo/query.js';
import { transactionPart } from './dynamo/transaction-part.js';

const PUT_CONCURRENCY = 8;

const ibanKey = (iban: string): string => electronicFormatIBAN(iban) ?? iban.replace(/\s+/g, '').toUpperCase();

export class DynamoBankCredits implements BankCreditRepository {
  constructor(private readonly table: Table) {}

  async addNew(records: readonly BankCreditRecord[]): Promise<{ added: number; duplicates: number }> {
    const outcomes = await mapLimit(records, PUT_CONCURRENCY, (r) =>
      unlessConditionFails(this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: bankCreditToItem(r), ConditionExpression: itemIsNew })), true, false),
    );
    const added = outcomes.filter(Boolean).length;
    return { added, duplicates: records.length - added };
  }

  async get(tenantId: string, creditId: string): Promise<BankCreditRecord | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.bankCredit(tenantId, creditId), ConsistentRead: true }));
    return Item ? itemToBankCredit(Item) : undefined;
  }

  async list(tenantId: string, opts: { status?: BankCreditStatus | readonly BankCreditStatus[]; undecided?: boolean } = {}): Promise<BankCreditRecord[]> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': keys.bankCredit(tenantId, '').pk };
    const statuses: readonly BankCreditStatus[] = opts.status === undefined ? [] : typeof opts.status === 'string' ? [opts.status] : opts.status;
    if (statuses.length > 0) {
      filters.push(bankCreditStatusIn(statuses.length));
      names['#s'] = 'status';
      statuses.forEach((s, i) => (values[`:from${i}`] = s));
    }
    if (opts.undecided) filters.push(creditIsUndecided);
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ...(filters.length ? { FilterExpression: all(...filters) } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    });
    return items.map(itemToBankCredit).sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.creditId < b.creditId ? -1 : 1));
  }

  async decide(tenantId: string, creditId: string, from: readonly BankCreditStatus[], d: BankCreditDecision, opts: { undecidedOnly?: boolean } = {}): Promise<boolean> {
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
    return unlessConditionFails(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.bankCredit(tenantId, creditId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: all(itemExists, bankCreditStatusIn(from.length), ...(opts.undecidedOnly ? [creditIsUndecided] : [])),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
      true,
      false,
    );
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

  async knownDebtorIbans(tenantId: string): Promise<Map<string, string>> {
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.debtorIban(tenantId, '').pk } });
    return new Map(items.map(itemToDebtorIban).map((i) => [i.iban, i.customerId]));
  }

  async learnDebtorIban(tenantId: string, iban: string, customerId: string, at: string): Promise<void> {
    // The latest confirmation wins: a debtor account that changed hands follows the finance team.
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: debtorIbanToItem(tenantId, ibanKey(iban), customerId, at) }));
  }

  async recordCustomerCredit(c: CustomerCredit): Promise<boolean> {
    const entry = contactEvent({
      tenantId: c.tenantId,
      invoiceId: '',
      at: c.at,
      type: 'note',
      channel: 'system',
      actor: 'bank',
      outcome: 'recorded',
      details: {
        kind: 'customerCredit',
        creditId: c.creditId,
        amount: c.amount,
        currency: c.currency,
        ...(c.invoiceId ? { invoiceId: c.invoiceId } : {}),
        text: `Overpayment: ${formatMoney(c.amount, c.currency, 'en-GB')} kept as the customer's credit (bank credit ${c.creditId}).`,
      },
    });
    return unlessConditionFails(
      this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.name, Item: customerCreditToItem(c), ConditionExpression: itemIsNew } },
            { Put: { TableName: this.table.name, Item: customerEventToItem(c.customerId, entry), ConditionExpression: itemIsNew } },
          ],
        }),
      ),
      true,
      false,
    );
  }

  async customerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': keys.customer(tenantId, customerId).pk, ':c': 'CREDIT#' },
    });
    return items.map(itemToCustomerCredit);
  }
}
