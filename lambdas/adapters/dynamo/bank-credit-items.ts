/**
 * The bank-credit aggregate's items (keys.bankCredit with its status keys on gsi1, keys.debtorIban, keys.customerCredit),
 * parsed with zod on the way out like every other item (items.ts).
 */
import * as z from 'zod/mini';
import { BankCreditRecord } from '../../domain/bank/credit-records.js';
import { CustomerCredit } from '../../domain/commands/customer-credit.js';
import { keys } from './keys.js';
import type { Item } from './query.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

const strip = (item: Item): Item => {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, entity: _e, ...rest } = item;
  return rest;
};

export const bankCreditToItem = (c: BankCreditRecord): Item => ({
  ...keys.bankCredit(c.tenantId, c.creditId),
  ...keys.creditByStatus(c.tenantId, c.status, c.bookingDate, c.creditId),
  entity: 'bankCredit',
  ...c,
});
export const itemToBankCredit = (item: Item): BankCreditRecord => BankCreditRecord.parse(strip(item));

const DebtorIbanItem = lazySchema(() => z.object({ iban: z.string(), customerId: z.string() }));
export const debtorIbanToItem = (tenantId: string, iban: string, customerId: string, at: string): Item => ({
  ...keys.debtorIban(tenantId, iban),
  entity: 'debtorIban',
  tenantId,
  iban,
  customerId,
  learnedAt: at,
});
export const itemToDebtorIban = (item: Item): { iban: string; customerId: string } => DebtorIbanItem.parse(item);

export const customerCreditToItem = (c: CustomerCredit): Item => ({ ...keys.customerCredit(c.tenantId, c.customerId, c.creditId), entity: 'customerCredit', ...c });
export const itemToCustomerCredit = (item: Item): CustomerCredit => CustomerCredit.parse(strip(item));
