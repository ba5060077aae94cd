/**
 * The customer's credits for the admin API (GET /v1/customers/{id}/credits, POST
 * /v1/customers/{id}/credits/{creditId}/apply and /refund): an overpayment's or a credit note's rest,
 * what is left of it, where it went. Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { CUSTOMER_CREDIT_STATUSES, CustomerCredit, creditLeft, creditStatus } from '../domain/commands/customer-credit.js';
import { MinorUnits } from '../domain/model.js';
import { InvoiceResource, PaymentResource, requestSchemas, responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const Text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

export const CustomerCreditResource = lazySchema(() => z
  .extend(z.omit(CustomerCredit, { tenantId: true, remaining: true, status: true, applications: true }), {
    /** What is left, minor units. */
    left: MinorUnits,
    /** open: something is left; used: all of it applied to invoices; refunded: what was left paid back. */
    status: z.enum(CUSTOMER_CREDIT_STATUSES),
    applications: z.array(z.object({ invoiceId: z.string(), invoiceNumber: z.string(), amount: MinorUnits, paymentId: z.string(), at: z.string(), by: z.string() })),
  }))
  .register(responseSchemas, { id: 'CustomerCredit', description: "Credit kept on the customer (an overpayment's or a credit note's rest): what is left, the invoices it paid, its refund." });

/** A stored credit as the API shows it. */
export const customerCreditResource = (c: CustomerCredit): z.input<typeof CustomerCreditResource> => {
  const { tenantId: _t, remaining: _r, status: _s, applications, ...rest } = c;
  return { ...rest, left: creditLeft(c), status: creditStatus(c), applications: applications ?? [] };
};

export const CustomerCreditList = lazySchema(() => z
  .object({ items: z.array(CustomerCreditResource) }))
  .register(responseSchemas, { id: 'CustomerCreditList', description: "The customer's credits, oldest first." });

export const ApplyCreditRequest = lazySchema(() => z
  .strictObject({ invoiceId: Text(1, 128) }))
  .register(requestSchemas, { id: 'ApplyCreditRequest', description: "The customer's invoice the credit pays (as much of it as the credit covers)." });

export const ApplyCreditResult = lazySchema(() => z
  .object({
    credit: CustomerCreditResource,
    /** What the credit paid, minor units. */
    amount: MinorUnits,
    invoice: InvoiceResource,
    payment: PaymentResource,
    /** The credit is used up: its customerCredit task was closed. */
    taskCompleted: z.boolean(),
  }))
  .register(responseSchemas, { id: 'ApplyCreditResult', description: "The credit after it paid the invoice (an 'offset' payment, source credit), the invoice and the payment." });

export const RefundCreditRequest = lazySchema(() => z
  .strictObject({ reference: z.optional(Text(1, 140)), note: z.optional(Text(1, 500)) }))
  .register(requestSchemas, { id: 'RefundCreditRequest', description: "The credit's rest was paid back to the customer: the refund's reference and a note (both optional)." });

export const RefundCreditResult = lazySchema(() => z
  .object({
    credit: CustomerCreditResource,
    /** What was refunded, minor units. */
    amount: MinorUnits,
    taskCompleted: z.boolean(),
  }))
  .register(responseSchemas, { id: 'RefundCreditResult', description: 'The credit closed as refunded.' });
