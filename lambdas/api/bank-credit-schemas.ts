/**
 * The bank credits for the admin API (GET /v1/bank-credits, POST /v1/bank-credits/{id}/confirm,
 * /reject and /undo): every booked credit of the company's statements, what the matcher decided and why.
 * Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { BANK_CREDIT_STATUSES, BankCreditRecord } from '../domain/bank/credit-records.js';
import { IsoDate, MinorUnits } from '../domain/model.js';
import { requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const BankCreditListQuery = lazySchema(() => z.strictObject({
  status: z.optional(z.enum(BANK_CREDIT_STATUSES)),
  /** Booking days, inclusive. */
  from: z.optional(IsoDate),
  to: z.optional(IsoDate),
}));

export const BankCreditResource = lazySchema(() => z
  .omit(BankCreditRecord, { tenantId: true }))
  .register(responseSchemas, { id: 'BankCredit', description: 'A booked credit of a bank statement, its status and the reasons behind it.' });

export const BankCreditList = lazySchema(() => z
  .object({ items: z.array(BankCreditResource) }))
  .register(responseSchemas, { id: 'BankCreditList', description: 'Bank credits, oldest booking first.' });

export const ConfirmCreditRequest = lazySchema(() => z
  .strictObject({
    /** A manual allocation list (also splits one credit across invoices); absent: the suggestion is applied. */
    allocations: z.optional(
      z.array(z.strictObject({ invoiceId: z.string().check(z.minLength(1), z.maxLength(128)), amount: MinorUnits.check(z.positive()) })).check(z.minLength(1), z.maxLength(50)),
    ),
    /** Which suggestion to apply (0 = the best), when no allocations are given. */
    suggestion: z.optional(z.int().check(z.minimum(0), z.maximum(9))),
  }))
  .register(requestSchemas, { id: 'ConfirmCreditRequest', description: 'Apply a suggestion, or allocations given by hand, as payments.' });

export const ConfirmCreditResult = lazySchema(() => z
  .object({
    credit: BankCreditResource,
    failures: z.array(z.object({ invoiceId: z.string(), amount: z.number(), reason: z.string() })),
    debtorIbanLearned: z.optional(z.object({ iban: z.string(), customerId: z.string() })),
  }))
  .register(responseSchemas, { id: 'ConfirmCreditResult', description: 'The credit after the confirmation, the allocations refused and why, the debtor IBAN learned.' });

export const RejectCreditRequest = lazySchema(() => z
  .strictObject({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)) }))
  .register(requestSchemas, { id: 'RejectCreditRequest', description: 'The credit is not a customer paying an invoice (a refund, a loan …): why.' });

export const RejectCreditResult = lazySchema(() => z
  .object({ credit: BankCreditResource }))
  .register(responseSchemas, { id: 'RejectCreditResult', description: 'The rejected credit.' });

export const UndoCreditRequest = lazySchema(() => z
  .strictObject({ reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))) }))
  .register(requestSchemas, { id: 'UndoCreditRequest', description: 'Take back a wrong match: why (optional, shown in the invoices\' logs).' });

export const UndoCreditResult = lazySchema(() => z
  .object({
    credit: BankCreditResource,
    reversed: z.array(z.object({ invoiceId: z.string(), paymentId: z.string(), amount: z.number(), reopened: z.boolean() })),
    failures: z.array(z.object({ invoiceId: z.string(), amount: z.number(), reason: z.string() })),
    customerCreditRemoved: z.boolean(),
    debtorIbanForgotten: z.optional(z.object({ iban: z.string(), customerId: z.string() })),
  }))
  .register(responseSchemas, {
    id: 'UndoCreditResult',
    description: 'The credit waiting again, the payments reversed (a paid invoice is open again), those that could not be, the customer credit taken away and the debtor IBAN forgotten.',
  });
