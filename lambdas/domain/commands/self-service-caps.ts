/**
 * Caps on what a customer records on one invoice through its links (issue 20): a customer could
 * otherwise post a new promise, or report a payment again once its grace period ran out, without
 * end, and the chase would never reach the finance team. In the invoice's life at most
 * LIMITS.selfServicePromises promises and LIMITS.selfServicePaymentClaims payment claims; the next
 * one is refused (a conflict: the invoice's history forbids it) with a message that sends the
 * customer to the finance team. The finance team's own commands (the admin API) are not counted.
 */
import { LIMITS, type Invoice } from '../model.js';
import { conflict, type Decision } from './decision.js';

export type SelfServiceAnswer = 'promise' | 'paymentClaim';

const CAPS = {
  promise: { field: 'promises', max: LIMITS.selfServicePromises, code: 'too_many_promises', what: 'promises to pay' },
  paymentClaim: { field: 'paymentClaims', max: LIMITS.selfServicePaymentClaims, code: 'too_many_payment_claims', what: 'reported payments' },
} as const;

/** How many of `answer` the customer recorded on this invoice through its links. */
export const selfServiceCount = (inv: Pick<Invoice, 'selfService'>, answer: SelfServiceAnswer): number => inv.selfService?.[CAPS[answer].field] ?? 0;

/**
 * The customer's `answer`, decided by the admin API's command, within its cap: the invoice the
 * decision writes counts it. Refused (CommandRejected 'conflict', `too_many_…`) once the cap is reached.
 * The count is written with the command's own conditional write, and both commands start a new
 * run, so two answers at once cannot both pass the cap: the second is decided again on a fresh read.
 */
export const withinSelfServiceCap = (inv: Invoice, answer: SelfServiceAnswer, decision: Decision): Decision => {
  const cap = CAPS[answer];
  const used = selfServiceCount(inv, answer);
  if (used >= cap.max) {
    conflict(cap.code, `Invoice ${inv.number} already has ${used} ${cap.what} from the customer's links (at most ${cap.max}): the finance team takes it from here.`);
  }
  const counts = { promises: inv.selfService?.promises ?? 0, paymentClaims: inv.selfService?.paymentClaims ?? 0 };
  return { ...decision, invoice: { ...decision.invoice, selfService: { ...counts, [cap.field]: used + 1 } } };
};
