/** A credit note netted off the invoice it names (domain/commands/credit-note.ts): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import { applyCreditNote, type CreditNoteInput } from '../../lambdas/domain/commands/credit-note.js';
import { CommandRejected, type CommandContext } from '../../lambdas/domain/commands/decision.js';
import { Invoice, amountDue, originalAmount, type InvoiceInput } from '../../lambdas/domain/model.js';
import { invoiceOf } from '../support/fixtures.js';

const ctx: CommandContext = { actor: 'system', channel: 'system', now: new Date('2026-03-10T09:00:00Z'), timeZone: 'Europe/Rome' };

const invoice = (over: Partial<InvoiceInput> = {}): Invoice => invoiceOf({ tenantId: 't1', invoiceId: 'inv-1', run: 2, ...over });

const note = (over: Partial<CreditNoteInput> = {}): CreditNoteInput => ({
  creditNoteId: 'inv_cn1',
  creditNoteNumber: 'NC-1',
  amount: 20_000,
  date: '2026-03-01',
  currency: 'EUR',
  ...over,
});

const rejection = (fn: () => unknown): CommandRejected => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandRejected) return err;
    throw err;
  }
  throw new Error('expected the command to be rejected');
};

describe('a credit note on the invoice it names', () => {
  it('lowers the amount due, keeps what the invoice was, logs it and bumps run so the timeline re-plans', () => {
    const d = applyCreditNote(invoice(), note(), ctx);
    Invoice.parse(d.invoice);
    expect(d.invoice).toMatchObject({ amount: 100_000, status: 'open', run: 3, creditNotes: [{ creditNoteId: 'inv_cn1', number: 'NC-1', date: '2026-03-01', amount: 20_000 }] });
    expect([amountDue(d.invoice), originalAmount(d.invoice)]).toEqual([100_000, 120_000]);
    expect([d.applied, d.rest, d.settled, d.alreadyApplied]).toEqual([20_000, 0, false, false]);
    expect(d.events.map((e) => [e.type, e.channel, e.details?.credited, e.details?.previousAmount, e.details?.amountDue])).toEqual([['credit_note', 'system', 20_000, 120_000, 100_000]]);
    // The stream restarts on the new run; the ingest function never stops executions itself.
    expect(d.stopCause).toBeUndefined();
  });

  it('the same credit note again changes nothing and says what it took the first time', () => {
    const once = applyCreditNote(invoice(), note(), ctx).invoice;
    const again = applyCreditNote(once, note(), ctx);
    expect(again.invoice).toBe(once);
    expect(again.events).toEqual([]);
    expect([again.applied, again.rest, again.alreadyApplied]).toEqual([20_000, 0, true]);
  });

  it('nothing left and nothing paid: not chased any more, with the reason; the stream stops it on the new run', () => {
    const d = applyCreditNote(invoice({ needsContact: true }), note({ amount: 120_000 }), ctx);
    expect(d.invoice).toMatchObject({ amount: 0, status: 'not_chased', run: 3, needsContact: false, notChasedReason: 'credited in full by credit note NC-1: nothing to collect' });
    expect(d.settled).toBe(true);
  });

  it('nothing left after a payment: paid, the promise and plan dropped', () => {
    const inv = invoice({ amountPaid: 100_000, status: 'promised', promise: { date: '2026-03-20', recordedAt: '2026-03-01T09:00:00Z', expectedPaid: 120_000 } });
    const d = applyCreditNote(inv, note(), ctx);
    expect(d.invoice).toMatchObject({ amount: 100_000, amountPaid: 100_000, status: 'paid', run: 3 });
    expect(d.invoice.promise).toBeUndefined();
    expect(amountDue(d.invoice)).toBe(0);
  });

  it('more than is due: the invoice is settled and the rest is handed back for the customer credit', () => {
    const d = applyCreditNote(invoice({ amountPaid: 100_000 }), note({ amount: 50_000 }), ctx);
    expect([d.applied, d.rest, d.invoice.status, d.invoice.amount]).toEqual([20_000, 30_000, 'paid', 100_000]);
    expect(d.events[0]!.details).toMatchObject({ credited: 20_000, creditLeft: 30_000 });
  });

  it('on a paid invoice nothing is due: the note is recorded at zero and all of it goes to the customer credit', () => {
    const paid = invoice({ amountPaid: 120_000, status: 'paid' });
    const d = applyCreditNote(paid, note(), ctx);
    expect([d.applied, d.rest, d.invoice.status, d.invoice.amount, d.invoice.run]).toEqual([0, 20_000, 'paid', 120_000, 2]);
    expect(d.invoice.creditNotes).toEqual([expect.objectContaining({ creditNoteId: 'inv_cn1', amount: 0 })]);
    expect(applyCreditNote(d.invoice, note(), ctx)).toMatchObject({ alreadyApplied: true, applied: 0, rest: 20_000 });
  });

  it('another currency is refused; an invoice with the agency or written off is refused for a person to handle', () => {
    expect(rejection(() => applyCreditNote(invoice(), note({ currency: 'RON' }), ctx))).toMatchObject({ kind: 'rule', code: 'currency_mismatch', field: 'currency' });
    expect(rejection(() => applyCreditNote(invoice({ status: 'escalated' }), note(), ctx))).toMatchObject({ kind: 'conflict', code: 'invoice_escalated' });
    expect(rejection(() => applyCreditNote(invoice({ status: 'written_off' }), note(), ctx))).toMatchObject({ kind: 'conflict', code: 'invoice_written_off' });
    expect(rejection(() => applyCreditNote(invoice(), note({ amount: 0 }), ctx))).toMatchObject({ code: 'amount_not_positive' });
  });

  it('an instalment plan loses the credit from its last instalments; the current promise keeps its date and amount', () => {
    const plan = {
      instalments: [
        { date: '2026-03-15', amount: 40_000 },
        { date: '2026-04-15', amount: 40_000 },
        { date: '2026-05-15', amount: 40_000 },
      ],
      paidBefore: 0,
      agreedAt: '2026-03-01T09:00:00Z',
    };
    const promise = { date: '2026-03-15', amount: 40_000, recordedAt: '2026-03-01T09:00:00Z', expectedPaid: 40_000, note: 'instalment 1 of 3' };
    const d = applyCreditNote(invoice({ status: 'promised', plan, promise }), note({ amount: 50_000 }), ctx);
    Invoice.parse(d.invoice);
    expect(d.invoice.plan?.instalments).toEqual([
      { date: '2026-03-15', amount: 40_000 },
      { date: '2026-04-15', amount: 30_000 },
    ]);
    expect(d.invoice.promise).toEqual(promise);
    expect([d.invoice.status, d.invoice.amount, d.invoice.run]).toEqual(['promised', 70_000, 3]);
  });

  it('a promise for more than the invoice now asks is capped at the new amount', () => {
    const promise = { date: '2026-03-20', amount: 120_000, recordedAt: '2026-03-01T09:00:00Z', expectedPaid: 120_000 };
    const d = applyCreditNote(invoice({ status: 'promised', promise }), note(), ctx);
    expect(d.invoice.promise).toMatchObject({ date: '2026-03-20', amount: 100_000, expectedPaid: 100_000 });
  });

  it('a disputed invoice stays disputed on the lower amount; one waiting for a contact is not re-planned', () => {
    const disputed = applyCreditNote(invoice({ status: 'disputed', dispute: { reason: 'amount', text: 'too much', openedAt: '2026-03-02T09:00:00Z' } }), note(), ctx);
    expect([disputed.invoice.status, disputed.invoice.amount, disputed.invoice.dispute?.reason]).toEqual(['disputed', 100_000, 'amount']);
    const waiting = applyCreditNote(invoice({ needsContact: true }), note(), ctx);
    expect([waiting.invoice.amount, waiting.invoice.run, waiting.invoice.needsContact]).toEqual([100_000, 2, true]);
  });
});
