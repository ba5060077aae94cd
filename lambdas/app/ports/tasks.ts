import type { FinanceTask, TaskKind } from '../../domain/commands/tasks.js';
import type { LinkClaims } from '../../domain/messages/links.js';
import type { TransactionPart } from './transaction.js';

/** The finance team's task list and the answers given through customer links (consumed once). */
export interface TaskRepository {
  /** The record an answer writes, once, with its command (InvoiceCommandOptions.once). */
  answerItem(claims: LinkClaims, at: string): TransactionPart;
  /** Whether this link's answer was already given. */
  answered(claims: LinkClaims): Promise<boolean>;
  /** Opens a task unless the same one is already open: true when a task was opened. */
  open(task: FinanceTask): Promise<boolean>;
  get(tenantId: string, taskId: string): Promise<FinanceTask | undefined>;
  /** Tasks of the tenant, oldest first; only open ones unless `includeDone`. */
  list(tenantId: string, opts?: { kind?: TaskKind; includeDone?: boolean }): Promise<FinanceTask[]>;
  /** The open tasks whose ids start with one of `prefixes`. */
  openWithPrefixes(tenantId: string, prefixes: readonly string[]): Promise<FinanceTask[]>;
  /** The kinds of the customer's answers still with the finance team that hold this invoice's reminders (domain/commands/tasks.ts answerTaskPrefixes). */
  answersWaiting(tenantId: string, invoiceId: string, customerId: string): Promise<TaskKind[]>;
  /** Marks an open task done; false when it does not exist or is done already. */
  complete(tenantId: string, taskId: string, by: string, at: string, resolution?: string): Promise<boolean>;
}
