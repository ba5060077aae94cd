/** /v1/bank-credits: the booked credits of the company's bank statements, confirmed, rejected or undone by the finance team. */
import { confirmCredit, rejectCredit } from '../../app/bank/confirm-credit.js';
import { undoMatch } from '../../app/bank/undo-match.js';
import type { BankCreditRecord } from '../../domain/bank/credit-records.js';
import {
  BankCreditList,
  BankCreditListQuery,
  ConfirmCreditRequest,
  ConfirmCreditResult,
  RejectCreditRequest,
  RejectCreditResult,
  UndoCreditRequest,
  UndoCreditResult,
} from '../bank-credit-schemas.js';
import { ApiError } from '../errors.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import { commandContext } from './invoices.js';

const resource = ({ tenantId: _t, ...rest }: BankCreditRecord) => rest;

const creditOf = async (c: RouteContext<unknown, unknown>): Promise<BankCreditRecord> => {
  const id = c.params.id!;
  const credit = await c.deps.bankCredits.get(c.tenant.tenantId, id);
  if (!credit) throw new ApiError(404, 'bank_credit_not_found', `No bank credit with id ${id}.`);
  return credit;
};

export const bankCreditRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/bank-credits',
    operationId: 'listBankCredits',
    summary: 'Bank credits',
    description: 'Every booked credit read from the bank statements under bank/, oldest booking first: matched (applied as payments), suggested or unmatched (waiting for the finance team), returned, rejected; `status` keeps one of them, `from` and `to` the booking days (inclusive).',
    tag: 'invoices',
    access: 'read',
    query: BankCreditListQuery,
    response: { status: 200, schema: BankCreditList, description: 'The credits.' },
    handle: async (c) => {
      const { status, from, to } = c.query;
      if (from && to && from > to) throw new ApiError(400, 'invalid_range', `from ${from} is after to ${to}.`, [{ field: 'from', message: 'must not be after to' }]);
      const items = await c.deps.bankCredits.list(c.tenant.tenantId, { ...(status ? { status } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) });
      return { items: items.map(resource) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/bank-credits/{id}/confirm',
    operationId: 'confirmBankCredit',
    movesMoney: true,
    summary: 'Apply a bank credit',
    description:
      'Applies the chosen suggestion (or `allocations` given by hand, which may split the credit across invoices) as payments, each naming the statement entry as its source; the debtor IBAN is learned for the customer, so its next transfer of a known amount matches by itself. 409 when the credit was decided already; 422 when every allocation was refused.',
    tag: 'invoices',
    access: 'write',
    body: ConfirmCreditRequest,
    response: { status: 200, schema: ConfirmCreditResult, description: 'The credit, what was refused and the IBAN learned.' },
    errors: [404, 409, 422],
    handle: async (c) => {
      const credit = await creditOf(c);
      const out = await confirmCredit(c.deps, credit, {
        tenantId: c.tenant.tenantId,
        creditId: credit.creditId,
        ...(c.body.allocations ? { allocations: c.body.allocations } : {}),
        ...(c.body.suggestion !== undefined ? { suggestion: c.body.suggestion } : {}),
        ctx: commandContext(c),
      });
      if (out.applied.length === credit.applied.length && out.failures.length > 0) {
        throw new ApiError(422, 'allocations_refused', out.failures.map((f) => f.reason).join(' '), out.failures.map((f) => ({ field: 'allocations', message: `${f.invoiceId}: ${f.reason}` })));
      }
      return { credit: resource(out.credit), failures: out.failures, ...(out.debtorIbanLearned ? { debtorIbanLearned: out.debtorIbanLearned } : {}) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/bank-credits/{id}/reject',
    operationId: 'rejectBankCredit',
    summary: 'Reject a bank credit',
    description: 'The credit pays no invoice (a refund, a loan, a transfer between own accounts): it leaves the list of credits to confirm, with the reason.',
    tag: 'invoices',
    access: 'write',
    body: RejectCreditRequest,
    response: { status: 200, schema: RejectCreditResult, description: 'The rejected credit.' },
    errors: [404, 409],
    handle: async (c) => ({ credit: resource(await rejectCredit(c.deps, await creditOf(c), c.body.reason, commandContext(c))) }),
  }),
  route({
    method: 'POST',
    path: '/v1/bank-credits/{id}/undo',
    operationId: 'undoBankCredit',
    movesMoney: true,
    summary: 'Undo a bank credit\'s match',
    description:
      'Takes back the payments the credit applied (each invoice\'s log says so; a paid invoice is open again and its chase resumes at the stage that fits its age), takes away the customer credit an overpayment left, forgets the debtor IBAN when this credit alone taught it, and sets the credit waiting again (suggested or unmatched) with its task, to be confirmed differently. 409 when the credit paid nothing, is a return or was returned; 422 when no payment could be taken back.',
    tag: 'invoices',
    access: 'write',
    body: UndoCreditRequest,
    response: { status: 200, schema: UndoCreditResult, description: 'The credit waiting again and what was taken back.' },
    errors: [404, 409, 422],
    handle: async (c) => {
      const out = await undoMatch(c.deps, await creditOf(c), { ...(c.body.reason ? { note: c.body.reason } : {}), ctx: commandContext(c) });
      return {
        credit: resource(out.credit),
        reversed: out.reversed.map(({ already: _a, ...r }) => r),
        failures: out.failures,
        customerCreditRemoved: out.customerCreditRemoved,
        ...(out.debtorIbanForgotten ? { debtorIbanForgotten: out.debtorIbanForgotten } : {}),
      };
    },
  }),
];
