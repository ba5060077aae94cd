import { describe, expect, it } from 'vitest';
import { companionsFor, type SiblingCase } from '../../lambdas/domain/timeline/consolidation.js';
import { Customer, type ContactEvent, type Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { invoiceOf } from '../support/fixtures.js';

// No phone number: the customer cannot be texted, so two ignored e-mails bring the call forward.
const customer = Customer.parse({
  tenantId: 't',
  customerId: 'C',
  name: 'Cartiere Venete S.r.l.',
  country: 'IT',
  language: 'it',
  timeZone: 'Europe/Rome',
  email: 'contabilita@cartiere.example',
});
// Tuesday 3 March 2026, 09:00 Rome.
const now = new Date('2026-03-03T08:00:00Z');

let n = 0;
const invoice = (over: Partial<InvoiceInput> = {}) => invoiceOf({ tenantId: 't', invoiceId: `I-${++n}`, customerId: 'C', dueDate: '2026-02-16', ...over });
const sibling = (inv: Invoice, done: Stage[], events: ContactEvent[] = []): SiblingCase => ({
  invoice: inv,
  stagesDone: done.map((stage) => ({ stage, at: '2026-02-20T08:00:00Z' })),
  events,
});
const mail = (inv: Invoice, at: string): ContactEvent => ({ tenantId: 't', invoiceId: inv.invoiceId, eventId: at, at, type: 'message', channel: 'email', actor: 'system', outcome: 'sent' });
const companions = (trigger: Invoice, siblings: SiblingCase[]) =>
  companionsFor({ trigger, customer, policy: BUILT_IN_POLICIES.standard, siblings, now }).map((c) => [c.invoice.invoiceId, c.stage]);

describe('which invoices ride in a reminder', () => {
  it('takes along a sibling whose written reminder is due today, at its own stage', () => {
    const trigger = invoice();
    const due = invoice({ dueDate: '2026-02-20' }); // first overdue reminder on 27 February, not sent yet
    expect(companions(trigger, [sibling(due, ['preDue', 'dueDate'])])).toEqual([[due.invoiceId, 'firstOverdue']]);
  });

  it('leaves out a sibling whose own timeline skips its e-mails for a call (two ignored, cannot be texted)', () => {
    const trigger = invoice();
    const unheard = invoice({ dueDate: '2026-02-20' });
    const ignored = [mail(unheard, '2026-02-13T08:00:00Z'), mail(unheard, '2026-02-20T08:00:00Z')];
    expect(companions(trigger, [sibling(unheard, ['preDue', 'dueDate'], ignored)])).toEqual([]);
  });
});
