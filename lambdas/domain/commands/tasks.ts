/**
 * Work the finance team has to do that no timeline does for them: a customer asked for an
 * instalment plan, a customer named a new billing contact (applied once the team confirms it),
 * a reminder bounced and the address must be fixed. Stored in the tenant's task list
 * (adapters/dynamo/keys.ts keys.task), listed and completed through the admin API. Pure.
 */
import * as z from 'zod/mini';
import { ContactPerson, IsoDateTime } from '../model.js';
import { lazySchema } from '../shared/lazy-schema.js';

export const TASK_KINDS = ['fixContact', 'planRequest', 'contactChange', 'creditToConfirm', 'staleStatements', 'returnToReview', 'customerCredit', 'sdiRejected'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Task ids: one task per customer answer (the link's nonce is the ref). */
export const planRequestTaskId = (invoiceId: string, ref: string): string => `planRequest#${invoiceId}#${ref}`;
export const contactChangeTaskId = (customerId: string, ref: string): string => `contactChange#${customerId}#${ref}`;
/** One task per bank credit the matcher could not apply on its own (app/bank/reconcile-credits.ts). */
export const creditToConfirmTaskId = (creditId: string): string => `creditToConfirm#${creditId}`;
/** One task per bank return whose payment Sollecito could not take back on its own (app/bank/apply-returns.ts). */
export const returnToReviewTaskId = (returnCreditId: string): string => `returnToReview#${returnCreditId}`;
/**
 * One per customer credit kept (an overpayment's rest, a credit note's): offer it against the
 * customer's next invoices or refund it (domain/commands/customer-credit.ts); done once nothing is left.
 */
export const customerCreditTaskId = (customerId: string, creditId: string): string => `customerCredit#${customerId}#${creditId}`;
/** One per invoice the SdI refused (NotificaScarto): fix the file and send it again (domain/sdi/receipts.ts). */
export const sdiRejectedTaskId = (invoiceId: string, sdiId: string): string => `sdiRejected#${invoiceId}#${sdiId}`;
/** One per tenant and day while its bank statements are stale and a firm stage waits for them. */
export const staleStatementsTaskId = (day: string): string => `staleStatements#${day}`;

/**
 * The finance team's call of one customer on one day (the tenant's local date): one per customer
 * and day, whatever the number of invoices it covers (domain/calls.ts). Each invoice's contact log
 * points at it.
 */
export const callTaskId = (customerId: string, day: string): string => `call#${customerId}#${day}`;

/** The kinds of task that are a customer's answer waiting for the finance team: they hold the customer's next reminders. */
export const ANSWER_TASK_KINDS: readonly TaskKind[] = ['planRequest', 'contactChange'];
export const isAnswerTask = (taskId: string): boolean => ANSWER_TASK_KINDS.some((k) => taskId.startsWith(`${k}#`));

/** Id prefixes of the open answers that hold an invoice's next reminder: its plan requests, its customer's contact changes. */
export const answerTaskPrefixes = (invoiceId: string, customerId: string): string[] => [planRequestTaskId(invoiceId, ''), contactChangeTaskId(customerId, '')];

/** One task of the finance team's list, as stored and as the admin API shows it (without its tenant). */
export const FinanceTask = lazySchema(() => z.object({
  tenantId: z.string(),
  /** `<kind>#<customerId>` for fixContact (one open per customer), `<kind>#<invoiceId>#<ref>` otherwise. */
  taskId: z.string(),
  kind: z.enum(TASK_KINDS),
  status: z.enum(['open', 'done']),
  customerId: z.string(),
  invoiceId: z.optional(z.string()),
  invoiceNumber: z.optional(z.string()),
  createdAt: IsoDateTime,
  /** 'customer' (through a link) or 'system' (a bounce). */
  createdBy: z.string(),
  /** planRequest: instalments asked for and the customer's note. */
  plan: z.optional(z.object({ instalments: z.optional(z.int()), note: z.optional(z.string()) })),
  /** contactChange: the contact the customer proposed; applied to the customer when confirmed. */
  contact: z.optional(ContactPerson),
  note: z.optional(z.string()),
  /**
   * creditToConfirm: the bank credit to confirm (POST /v1/bank-credits/{id}/confirm) and the matcher's best guesses;
   * returnToReview: the bank return (money taken back) and why its payment was not reversed by itself.
   */
  credit: z.optional(
    z.object({
      creditId: z.string(),
      amount: z.number(),
      currency: z.string(),
      bookingDate: z.string(),
      debtorName: z.optional(z.string()),
      remittance: z.optional(z.string()),
      reasons: z.array(z.string()),
      suggestions: z.array(z.object({ invoiceIds: z.array(z.string()), customerId: z.string(), score: z.number(), reasons: z.array(z.string()) })),
    }),
  ),
  /**
   * customerCredit: the credit kept on the customer (POST /v1/customers/{id}/credits/{creditId}/apply
   * or /refund), where it came from, and the customer's invoices in its currency it could pay, as
   * they were when it was kept (earliest due first).
   */
  customerCredit: z.optional(
    z.object({
      creditId: z.string(),
      amount: z.number(),
      currency: z.string(),
      source: z.union([z.object({ kind: z.literal('bankCredit'), bankCreditId: z.string() }), z.object({ kind: z.literal('creditNote'), number: z.string() })]),
      /** The invoice it overpaid (or the credit note corrected). */
      invoiceId: z.optional(z.string()),
      offer: z.array(z.object({ invoiceId: z.string(), number: z.string(), dueDate: z.string(), amountDue: z.number() })),
    }),
  ),
  /** fixContact: the address that failed and how. */
  failed: z.optional(z.object({ channel: z.enum(['email', 'sms']), address: z.string(), reason: z.string(), at: IsoDateTime })),
  completedAt: z.optional(IsoDateTime),
  completedBy: z.optional(z.string()),
  resolution: z.optional(z.string()),
}));
export type FinanceTask = z.infer<typeof FinanceTask>;

export const fixContactTask = (input: {
  tenantId: string;
  customerId: string;
  invoiceId?: string;
  channel: 'email' | 'sms';
  address: string;
  reason: string;
  at: string;
}): FinanceTask => ({
  tenantId: input.tenantId,
  taskId: `fixContact#${input.customerId}`,
  kind: 'fixContact',
  status: 'open',
  customerId: input.customerId,
  ...(input.invoiceId ? { invoiceId: input.invoiceId } : {}),
  createdAt: input.at,
  createdBy: 'system',
  failed: { channel: input.channel, address: input.address, reason: input.reason, at: input.at },
});
