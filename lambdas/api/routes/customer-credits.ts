/**
 * /v1/customers/{id}/credits: the customer's credits (an overpayment's or a credit note's rest),
 * applied to one of its invoices or refunded by the finance team (app/bank/customer-credits.ts).
 */
import { applyCustomerCreditTo, refundCustomerCreditOf } from '../../app/bank/customer-credits.js';
import { NotFoundError } from '../../app/ports/commands.js';
import type { CustomerCredit } from '../../domain/commands/customer-credit.js';
import { ApplyCreditRequest, ApplyCreditResult, CustomerCreditList, customerCreditResource, RefundCreditRequest, RefundCreditResult } from '../customer-credit-schemas.js';
import { ApiError } from '../errors.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import { customerIdParam } from '../schemas.js';
import { invoiceResource, paymentView } from '../views.js';
import { commandContext } from './invoices.js';

const creditOf = async (c: RouteContext<unknown, unknown>): Promise<CustomerCredit> => {
  const { id, creditId } = c.params;
  const credit = await c.deps.bankCredits.getCustomerCredit(c.tenant.tenantId, id!, creditId!);
  if (!credit) throw new ApiError(404, 'customer_credit_not_found', `Customer ${id} has no credit ${creditId}.`);
  return credit;
};

export const customerCreditRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/customers/{id}/credits',
    params: customerIdParam,
    operationId: 'listCustomerCredits',
    summary: "The customer's credits",
    description: "What overpayments and credit notes left on the customer, oldest first: how much is left of each (open), or that it was used up on invoices (used) or paid back (refunded).",
    tag: 'customers',
    access: 'read',
    response: { status: 200, schema: CustomerCreditList, description: 'The credits.' },
    errors: [404],
    handle: async (c) => {
      const customer = await c.deps.customers.getCustomer(c.tenant.tenantId, c.params.id!);
      if (!customer) throw new NotFoundError('customer', c.params.id!);
      const items = await c.deps.bankCredits.customerCredits(c.tenant.tenantId, customer.customerId);
      return { items: items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.creditId < b.creditId ? -1 : 1)).map(customerCreditResource) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/customers/{id}/credits/{creditId}/apply',
    params: customerIdParam,
    operationId: 'applyCustomerCredit',
    movesMoney: true,
    summary: "Apply the customer's credit to an invoice",
    description:
      "Pays the invoice from the credit: what is left of the credit or the amount due, whichever is smaller (partial when the credit is smaller), as a payment with method 'offset' and source `{ kind: 'credit', creditId }`; the credit keeps the rest, the customer's log says so, and the credit's task is closed once nothing is left. Applied once per credit and invoice, whatever the retries. 409 when nothing is left of the credit (or it was applied to this invoice already); 422 for an invoice in another currency, of another customer, paid or written off.",
    tag: 'customers',
    access: 'write',
    body: ApplyCreditRequest,
    response: { status: 200, schema: ApplyCreditResult, description: 'The credit after it, the invoice and the payment.' },
    errors: [404, 409, 422, 503],
    handle: async (c) => {
      const out = await applyCustomerCreditTo(c.deps, await creditOf(c), c.body.invoiceId, commandContext(c));
      return { credit: customerCreditResource(out.credit), amount: out.amount, invoice: invoiceResource(out.invoice, c.now, c.tenant.timeZone), payment: paymentView(out.payment), taskCompleted: out.taskCompleted };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/customers/{id}/credits/{creditId}/refund',
    params: customerIdParam,
    operationId: 'refundCustomerCredit',
    movesMoney: true,
    summary: "Refund the customer's credit",
    description: "What is left of the credit was paid back to the customer (outside Sollecito): the credit is closed as refunded with the reference and note, the customer's log says so, and its task is closed. 409 when nothing is left.",
    tag: 'customers',
    access: 'write',
    body: RefundCreditRequest,
    response: { status: 200, schema: RefundCreditResult, description: 'The credit closed as refunded.' },
    errors: [404, 409],
    handle: async (c) => {
      const out = await refundCustomerCreditOf(c.deps, await creditOf(c), c.body, commandContext(c));
      return { credit: customerCreditResource(out.credit), amount: out.amount, taskCompleted: out.taskCompleted };
    },
  }),
];
