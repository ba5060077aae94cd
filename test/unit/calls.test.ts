import { describe, expect, it } from 'vitest';
import { callGroupFor, customerCallSheet, type CallSibling } from '../../lambdas/domain/timeline/calls.js';
import { MAX_COMPANIONS } from '../../lambdas/domain/timeline/consolidation.js';
import { Customer, Invoice, type ContactEvent, type InvoiceInput } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { supplier } from '../support/fixtures.js';

const tenant = supplier('t', { language: 'en' });
const customer = Customer.parse({
  tenantId: 't',
  customerId: 'C',
  name: 'Ferramenta Emiliana S.p.A.',
  country: 'IT',
  language: 'it',
  timeZone: 'Europe/Rome',
  email: 'ap@fe.example',
  billingContact: { name: 'Giulia Neri', phone: '+390512345678' },
});
const standard = BUILT_IN_POLICIES.standard;
// Tuesday 3 March 2026, 09:00 Rome: the call day (+15) of an invoice due Monday 16 February.
const now = new Date('2026-03-03T08:00:00Z');
const DAY = '2026-03-03';

let n = 0;
const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't',
    invoiceId: `I-${++n}`,
    number: `2026/${n}`,
    customerId: 'C',
    issueDate: '2026-01-16',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-16T08:00:00Z',
    updatedAt: '2026-01-16T08:00:00Z',
    ...over,
  });
const sibling = (inv: Invoice, done: Stage[], events: ContactEvent[] = []): CallSibling => ({
  invoice: inv,
  stagesDone: done.map((stage) => ({ stage, at: '2026-03-02T08:00:00Z' })),
  events,
});
const upToSecond: Stage[] = ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue'];
const group = (trigger: Invoice, siblings: CallSibling[], over: { now?: Date; day?: string } = {}) =>
  callGroupFor({ trigger, customer, policy: standard, siblings, now: over.now ?? now, day: over.day ?? DAY, timeZone: 'Europe/Rome' });
const ids = (invs: Invoice[]) => invs.map((i) => i.invoiceId);
/** Intl puts no-break spaces in amounts ("RON 450.00", "1.000,00 €"). */
const plain = (points: string[]) => points.join('\n').replace(/[\u00a0\u202f]/g, ' ');

describe('which invoices one call covers', () => {
  it('puts on the call the invoices whose call is due that day, and mentions the other overdue ones', () => {
    const trigger = invoice();
    const dueToo = invoice({ dueDate: '2026-02-13' }); // its call was due yesterday, still ahead of it
    const laterCall = invoice({ dueDate: '2026-02-20' }); // overdue, its call on 6 March
    const notYetDue = invoice({ dueDate: '2026-03-10' });
    const dueToday = invoice({ dueDate: DAY });
    const otherCustomer = invoice({ customerId: 'C-2' });
    const paid = invoice({ status: 'paid', amountPaid: 100_000 });
    const g = group(trigger, [
      sibling(trigger, upToSecond),
      sibling(dueToo, upToSecond),
      sibling(laterCall, upToSecond),
      sibling(notYetDue, ['preDue']),
      sibling(dueToday, ['preDue']),
      sibling(otherCustomer, upToSecond),
      sibling(paid, upToSecond),
    ]);
    expect(ids(g.onCall)).toEqual([dueToo.invoiceId]);
    expect(ids(g.alsoOverdue)).toEqual([laterCall.invoiceId]);
  });

  it('leaves an invoice whose call was already placed, or whose written reminder comes first, to its own timeline', () => {
    const trigger = invoice();
    const called = invoice();
    const stillWriting = invoice(); // secondOverdue not sent yet: that reminder comes before its call
    const g = group(trigger, [sibling(called, [...upToSecond, 'phoneCall']), sibling(stillWriting, ['preDue', 'dueDate', 'firstOverdue'])]);
    expect(g.onCall).toEqual([]);
    expect(ids(g.alsoOverdue).sort()).toEqual(ids([called, stillWriting]).sort());
  });

  it('takes along an invoice whose call came forward to today because its e-mails went unheard and it cannot be texted', () => {
    const trigger = invoice();
    // Due 20 February: its own call would be on 6 March; two ignored e-mails and no mobile bring it to the next business day.
    const unheard = invoice({ dueDate: '2026-02-20' });
    const mail = (at: string): ContactEvent => ({ tenantId: 't', invoiceId: unheard.invoiceId, eventId: at, at, type: 'message', channel: 'email', actor: 'system', outcome: 'sent' });
    const mails = [mail('2026-02-13T08:00:00Z'), mail('2026-02-20T08:00:00Z')];
    expect(ids(group(trigger, [sibling(unheard, ['preDue', 'dueDate'], mails)]).onCall)).toEqual([unheard.invoiceId]);
    // A page of its link fetched (a mail gateway's prefetch as much as a person) changes nothing: still on the call.
    const viewed: ContactEvent = { ...mails[1]!, eventId: 'view', at: '2026-02-21T10:00:00Z', type: 'link_view', channel: 'link', outcome: 'recorded' };
    expect(ids(group(trigger, [sibling(unheard, ['preDue', 'dueDate'], [...mails, viewed])]).onCall)).toEqual([unheard.invoiceId]);
    // The customer opened the last one: its next written reminder comes first; it is only mentioned.
    const opened: ContactEvent = { ...mails[1]!, eventId: 'open', at: '2026-02-21T10:00:00Z', type: 'message_opened', channel: 'email', outcome: 'recorded' };
    const heard = group(trigger, [sibling(unheard, ['preDue', 'dueDate'], [...mails, opened])]);
    expect(heard.onCall).toEqual([]);
    expect(ids(heard.alsoOverdue)).toEqual([unheard.invoiceId]);
  });

  it(`covers at most ${MAX_COMPANIONS} other invoices, the most overdue, and still mentions the rest`, () => {
    const trigger = invoice();
    const many = Array.from({ length: MAX_COMPANIONS + 3 }, (_, i) => invoice({ dueDate: `2026-02-${String(16 - (i % 10)).padStart(2, '0')}` }));
    const g = group(trigger, many.map((inv) => sibling(inv, upToSecond)));
    expect(g.onCall).toHaveLength(MAX_COMPANIONS);
    expect(g.alsoOverdue).toHaveLength(3);
    const latestOnCall = g.onCall.map((i) => i.dueDate).sort().at(-1)!;
    for (const rest of g.alsoOverdue) expect(rest.dueDate >= latestOnCall).toBe(true);
  });
});

describe('the call sheet', () => {
  const line = (inv: Invoice) => decideReminder({ invoice: inv, customer, tenant, policy: standard, kind: 'phoneCall', now }).line;

  it('lists each invoice on the call and each other overdue one with amount and days late, and the totals per currency', () => {
    const a = invoice({ amount: 120_000, number: 'FE-1' });
    const b = invoice({ amount: 80_000, amountPaid: 30_000, number: 'FE-2', dueDate: '2026-02-13' });
    const c = invoice({ amount: 45_000, currency: 'RON', number: 'FE-3', dueDate: '2026-02-25' });
    const sheet = customerCallSheet({ tenant, customer, policy: standard, now, onCall: [line(a), line(b)], alsoOverdue: [line(c)] });
    expect(sheet.totals).toEqual([
      { currency: 'EUR', amount: 170_000 },
      { currency: 'RON', amount: 45_000 },
    ]);
    const text = plain(sheet.talkingPoints);
    expect(text).toContain('Invoice number FE-1 · Amount due €1,200.00 · Days late 15');
    expect(text).toContain('Invoice number FE-2 · Amount due €500.00 · Days late 18');
    expect(text).toContain('Overdue: Invoice number FE-3');
    expect(text).toContain('Total in EUR: €1,700.00');
    expect(text).toContain('Total in RON: RON 450.00');
    // The contact to ask for comes first; the summary counts every invoice talked about.
    expect(sheet.talkingPoints[0]).toContain('Giulia Neri');
    expect(sheet.summary).toContain('3');
  });

  it("speaks the finance team's language", () => {
    const sheet = customerCallSheet({ tenant: { ...tenant, language: 'it' }, customer, policy: standard, now, onCall: [line(invoice({ number: 'FE-9' }))], alsoOverdue: [] });
    expect(plain(sheet.talkingPoints)).toContain('Numero fattura FE-9 · Importo dovuto 1.000,00 € · Giorni di ritardo 15');
  });

  it('refuses a call about no invoice', () => {
    expect(() => customerCallSheet({ tenant, customer, policy: standard, now, onCall: [], alsoOverdue: [] })).toThrow(/onCall/);
  });
});
