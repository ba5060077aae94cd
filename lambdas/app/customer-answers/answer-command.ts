/**
 * The admin API's command behind each answer, with what only the link knows: the tenant's grace
 * days for a payment claim, the reminder's nonce as the reference of a plan or contact request.
 * A promise and a payment claim count against the invoice's caps (domain/commands/self-service-caps.ts).
 */
import {
  claimPayment,
  openDispute,
  recordPromise,
  requestContactChange,
  requestInstalmentPlan,
  type CommandContext,
  type Decision,
} from '../../domain/commands/commands.js';
import { withinSelfServiceCap } from '../../domain/commands/self-service-caps.js';
import type { Answer } from '../../domain/messages/customer-forms.js';
import type { Invoice } from '../../domain/model.js';
import type { OpenedLink } from './open-link.js';

export const answerCommand = (answer: Answer, l: OpenedLink): ((inv: Invoice, ctx: CommandContext) => Decision) => {
  switch (answer.action) {
    case 'paid':
      return (inv, ctx) => withinSelfServiceCap(inv, 'paymentClaim', claimPayment(inv, { ...answer.input, graceDays: l.tenant.paymentClaimGraceDays }, ctx));
    case 'promise':
      return (inv, ctx) => withinSelfServiceCap(inv, 'promise', recordPromise(inv, answer.input, ctx));
    case 'dispute':
      return (inv, ctx) => openDispute(inv, answer.input, ctx);
    case 'plan':
      return (inv, ctx) => requestInstalmentPlan(inv, { ...answer.input, ref: l.claims.nonce }, ctx);
    case 'contact':
      return (inv, ctx) => requestContactChange(inv, { ...answer.input, ref: l.claims.nonce }, ctx);
  }
};
