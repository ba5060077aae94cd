/** What recording delivery feedback reads and writes, and the two steps every kind of feedback shares. */
import type { CommandContext, CustomerDecision } from '../../domain/commands/commands.js';
import { invoiceTagged } from '../../domain/messages/feedback-rules.js';
import type { Customer, Invoice } from '../../domain/model.js';
import type { Observability } from '../observability.js';
import type { CustomerCommands } from '../ports/commands.js';
import type { CustomerRepository } from '../ports/customers.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { SmsMessageRepository } from '../ports/sms-messages.js';
import type { TaskRepository } from '../ports/tasks.js';

export type DeliveryFeedbackDeps = Observability & {
  tenantId: string;
  invoices: Pick<InvoiceRepository, 'getInvoice' | 'appendEventIfNew'>;
  customers: Pick<CustomerRepository, 'getCustomer'>;
  /** Customer commands only: feedback never starts or stops an execution. */
  commands: CustomerCommands;
  tasks: Pick<TaskRepository, 'open'>;
  smsMessages: SmsMessageRepository;
  now: () => Date;
};

export const systemContext = (now: Date): CommandContext => ({ actor: 'system', channel: 'system', now, timeZone: 'UTC' });

/** Applies a customer decision; true when it changed the customer (undefined: nothing to change). */
export const changeCustomer = async (
  deps: Pick<DeliveryFeedbackDeps, 'commands' | 'tenantId'>,
  customerId: string,
  decide: (c: Customer) => CustomerDecision | undefined,
): Promise<boolean> => {
  let changed = false;
  await deps.commands.onCustomer(deps.tenantId, customerId, (c) => {
    const d = decide(c);
    changed = d !== undefined;
    return d ?? { customer: c, events: [], becameReachable: false };
  });
  return changed;
};

/** The invoice a message was about, from the tags we sent it with: undefined for one not ours or not about an invoice. */
export const taggedInvoice = async (deps: Pick<DeliveryFeedbackDeps, 'invoices' | 'tenantId'>, tags: Record<string, string | undefined>): Promise<Invoice | undefined> => {
  const invoiceId = invoiceTagged(tags, deps.tenantId);
  return invoiceId ? deps.invoices.getInvoice(deps.tenantId, invoiceId) : undefined;
};
