/**
 * The credit notes of one ingested batch, netted off (issue 15 item 5), once their batch and every
 * batch before it are stored:
 * 1. Skip a credit note already kept as the customer's credit (it came before its invoice, or named
 *    none): applying it now would credit the customer twice.
 * 2. For each invoice it names, in document order, apply it through the Commands port
 *    (domain/commands/credit-note.ts), on the invoice or, for an invoice in instalments, on its
 *    instalments from the first. The invoice records the credit note, so a second ingest of the
 *    same file finds it there and nets nothing twice.
 * 3. What is left (it names no invoice, one Sollecito does not have, or more than was due) becomes
 *    the customer's credit, once per credit note (BankCreditRepository.recordCustomerCredit),
 *    offered by a customerCredit task against the customer's open invoices (app/bank/customer-credits.ts).
 * 4. A refusal (another currency, an invoice handed to the agency or written off) is a report entry
 *    and the credit is left for a person: neither netted nor credited.
 */
import { applyCreditNote, type CreditNoteDecision } from '../../domain/commands/credit-note.js';
import { CommandRejected, type CommandContext } from '../../domain/commands/decision.js';
import { creditAmountOf, creditNoteNotices, referenceField } from '../../domain/ingest/credit-notes.js';
import { invoiceIdFor } from '../../domain/ingest/rules.js';
import type { InvoiceReference, ParsedInvoice, Rejection } from '../../domain/parsers/types.js';
import { offerCustomerCredit, type CustomerCreditOfferDeps } from '../bank/customer-credits.js';
import type { BankCreditRepository, CustomerCredit } from '../ports/bank-credits.js';
import { NotFoundError, type Commands } from '../ports/commands.js';
import type { StoredCreditNote } from '../ports/ingest.js';

export interface CreditNoteDeps {
  commands: Pick<Commands, 'onInvoice'>;
  bankCredits: Pick<BankCreditRepository, 'recordCustomerCredit' | 'customerCredits'>;
  /** A credit kept is offered against the customer's open invoices (a customerCredit task); absent: no task. */
  customerCreditOffer?: CustomerCreditOfferDeps;
}

export interface CreditNoteTotals {
  /** Credit notes that took something off at least one invoice. */
  netted: number;
  /** Invoices a credit note left with nothing due. */
  settled: number;
  /** Credit notes whose credit (or its rest) went to the customer. */
  customerCredit: number;
  /** Credit notes naming an invoice Sollecito does not have (kept as customer credit). */
  unknownInvoice: number;
  /** Credit notes refused (report entries): left for a person. */
  refused: number;
  /** Credit notes seen before (on an invoice, or as the customer's credit): nothing done again. */
  alreadyApplied: number;
}

export const noCreditNotes = (): CreditNoteTotals => ({ netted: 0, settled: 0, customerCredit: 0, unknownInvoice: 0, refused: 0, alreadyApplied: 0 });

export interface CreditNoteRun {
  tenantId: string;
  now: Date;
  /** The tenant's zone: what "today" is for the commands. */
  timeZone: string;
}

export interface CreditNoteOutcome {
  totals: CreditNoteTotals;
  rejections: Rejection[];
  notices: Rejection[];
}

const where = (rec: ParsedInvoice) => ({ ...(rec.row !== undefined ? { row: rec.row } : {}), ...(rec.element !== undefined ? { element: rec.element } : {}) });

export const applyCreditNotes = async (deps: CreditNoteDeps, notes: readonly StoredCreditNote[], run: CreditNoteRun): Promise<CreditNoteOutcome> => {
  const out: CreditNoteOutcome = { totals: noCreditNotes(), rejections: [], notices: [] };
  const ctx: CommandContext = { actor: 'system', channel: 'system', now: run.now, timeZone: run.timeZone };
  for (const note of notes) await applyOne(deps, note, run, ctx, out);
  return out;
};

type Applied = { decision: CreditNoteDecision } | { missing: true };

const applyOne = async (deps: CreditNoteDeps, note: StoredCreditNote, run: CreditNoteRun, ctx: CommandContext, out: CreditNoteOutcome): Promise<void> => {
  const rec = note.record;
  const credit = creditAmountOf(rec);
  if (credit === undefined) return;
  const refs = rec.corrects ?? [];

  // 1. Already the customer's credit
  const kept = (await deps.bankCredits.customerCredits(run.tenantId, note.customerId)).find((c) => c.creditId === note.invoiceId);
  if (kept) {
    out.totals.alreadyApplied++;
    if (refs.length > 0 && kept.invoiceId === undefined) out.notices.push({ ...where(rec), field: referenceField(rec), value: refs[0]!.number, reason: creditNoteNotices.keptBefore(rec) });
    return;
  }

  // 2. The invoices it names
  const input = (amount: number) => ({ creditNoteId: note.invoiceId, creditNoteNumber: rec.number, amount, date: rec.issueDate, currency: rec.currency });
  const apply = async (invoiceId: string, amount: number): Promise<Applied> => {
    let decision: CreditNoteDecision | undefined;
    try {
      await deps.commands.onInvoice(run.tenantId, invoiceId, (inv) => (decision = applyCreditNote(inv, input(amount), ctx)));
    } catch (err) {
      if (err instanceof NotFoundError) return { missing: true };
      throw err;
    }
    return { decision: decision! };
  };
  let left = credit;
  let credited = 0;
  let seenBefore = false;
  let firstTarget: string | undefined;
  const unknown: InvoiceReference[] = [];
  let current: InvoiceReference | undefined;
  const count = (d: CreditNoteDecision) => {
    left = d.rest;
    credited += d.applied;
    seenBefore ||= d.alreadyApplied;
    if (d.settled) out.totals.settled++;
  };
  try {
    for (const ref of refs) {
      if (left === 0) break;
      current = ref;
      const whole = invoiceIdFor(run.tenantId, note.customerId, ref.number);
      const first = await apply(whole, left);
      if ('decision' in first) {
        firstTarget ??= whole;
        count(first.decision);
        continue;
      }
      // An invoice paid in instalments is stored per instalment: the credit goes from the first on.
      const one = invoiceIdFor(run.tenantId, note.customerId, ref.number, 'invoice', 1);
      const firstInstalment = await apply(one, left);
      if (!('decision' in firstInstalment)) {
        unknown.push(ref);
        continue;
      }
      firstTarget ??= one;
      count(firstInstalment.decision);
      const instalments = firstInstalment.decision.invoice.instalment?.count ?? 1;
      for (let i = 2; i <= instalments && left > 0; i++) {
        const next = await apply(invoiceIdFor(run.tenantId, note.customerId, ref.number, 'invoice', i), left);
        if ('decision' in next) count(next.decision);
      }
    }
  } catch (err) {
    // 4. Refused: the credit waits for a person
    if (!(err instanceof CommandRejected)) throw err;
    out.totals.refused++;
    out.rejections.push({ ...where(rec), field: referenceField(rec), ...(current ? { value: current.number } : {}), reason: err.message });
    return;
  }
  if (seenBefore) out.totals.alreadyApplied++;
  else if (credited > 0) out.totals.netted++;

  // 3. The rest, the customer's credit
  if (left === 0) return;
  const customerCredit: CustomerCredit = {
    tenantId: run.tenantId,
    customerId: note.customerId,
    creditId: note.invoiceId,
    amount: left,
    currency: rec.currency,
    at: run.now.toISOString(),
    ...(firstTarget ? { invoiceId: firstTarget } : {}),
    source: { kind: 'creditNote', number: rec.number },
  };
  const added = await deps.bankCredits.recordCustomerCredit(customerCredit);
  if (!added) return;
  if (deps.customerCreditOffer) await offerCustomerCredit(deps.customerCreditOffer, customerCredit, run.now.toISOString(), 'system');
  out.totals.customerCredit++;
  if (unknown.length > 0) {
    out.totals.unknownInvoice++;
    out.notices.push({ ...where(rec), field: referenceField(rec), value: unknown[0]!.number, reason: creditNoteNotices.unknownInvoice(rec, unknown[0]!, left) });
  } else if (credited > 0) {
    out.notices.push({ ...where(rec), field: 'amount', reason: creditNoteNotices.moreThanDue(rec, credited, left) });
  }
};
