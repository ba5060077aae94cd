/**
 * Work the finance team has to do that no timeline does for them: a customer asked for an
 * instalment plan, a customer named a new billing contact (applied once the team confirms it),
 * a reminder bounced and the address must be fixed. Stored in the tenant's task list
 * (table.ts keys.task), listed and completed through the admin API. Pure.
 */
import type { ContactPerson } from '../model.js';

export const TASK_KINDS = ['fixContact', 'planRequest', 'contactChange'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Task ids: one task per customer answer (the link's nonce is the ref). */
export const planRequestTaskId = (invoiceId: string, ref: string): string => `planRequest#${invoiceId}#${ref}`;
export const contactChangeTaskId = (customerId: string, ref: string): string => `contactChange#${customerId}#${ref}`;

/**
 * The finance team's call of one customer on one day (the tenant's local date): one per customer
 * and day, whatever the number of invoices it covers (domain/calls.ts). Each invoice's contact log
 * points at it.
 */
export const callTaskId = (customerId: string, day: string): string => `call#${customerId}#${day}`;

/** Id prefixes of the open answers that hold an invoice's next reminder: its plan requests, its customer's contact changes. */
export const answerTaskPrefixes = (invoiceId: string, customerId: string): string[] => [planRequestTaskId(invoiceId, ''), contactChangeTaskId(customerId, '')];

export interface FinanceTask {
  tenantId: string;
  /** `<kind>#<customerId>` for fixContact (one open per customer), `<kind>#<invoiceId>#<ref>` otherwise. */
  taskId: string;
  kind: TaskKind;
  status: 'open' | 'done';
  customerId: string;
  invoiceId?: string;
  invoiceNumber?: string;
  createdAt: string;
  /** 'customer' (through a link) or 'system' (a bounce). */
  createdBy: string;
  /** planRequest: instalments asked for and the customer's note. */
  plan?: { instalments?: number; note?: string };
  /** contactChange: the contact the customer proposed; applied to the customer when confirmed. */
  contact?: ContactPerson;
  note?: string;
  /** fixContact: the address that failed and how. */
  failed?: { channel: 'email' | 'sms'; address: string; reason: string; at: string };
  completedAt?: string;
  completedBy?: string;
  resolution?: string;
}

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
