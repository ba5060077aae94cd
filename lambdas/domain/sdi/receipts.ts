/**
 * What an SdI notification does to the invoice it is about, as a command decision (applied through
 * the Commands port by app/sdi/record-sdi-receipt.ts). Pure.
 *
 * - RC (ricevuta di consegna) or AT (attestazione di avvenuta trasmissione): proof of receipt. The
 *   "did it reach you?" receiptCheck is not sent (timeline/planner.ts skips it: `run` is bumped so
 *   a waiting execution is planned again), and reminders and the dossier say "delivered through
 *   the SdI on …".
 * - MC (mancata consegna): the invoice waits in the buyer's fiscal drawer (cassetto fiscale); the
 *   first reminder says where to find it.
 * - NS (notifica di scarto): the SdI refused the file, so it is not a valid invoice: it is not
 *   chased, and the finance team gets a task saying why (the SdI's error codes).
 * - NE (notifica esito) EC02: the public administration refused the invoice: a dispute is opened
 *   with the reason it gave; EC01 (accepted) is recorded.
 * - DT (decorrenza termini): the 15 days for the public administration's answer ran out: recorded.
 * The same notification twice changes nothing. No stopCause: the ingest function stops no
 * execution; the table stream does, on the status and `run` written here.
 */
import { ACTIVE_STATUSES, type Invoice, type SdiState } from '../model.js';
import { CHASEABLE, bump, event, touched, without, type CommandContext, type Decision } from '../commands/decision.js';
import { sdiRejectedTaskId, type FinanceTask } from '../commands/tasks.js';
import { sdiFileStem, type SdiReceipt } from '../parsers/sdi-receipts.js';

export const SDI_RECEIPT_NAMES: Readonly<Record<SdiReceipt['type'], string>> = {
  RC: 'ricevuta di consegna (delivered)',
  MC: 'notifica di mancata consegna (not delivered: in the fiscal drawer)',
  NS: 'notifica di scarto (refused by the SdI)',
  NE: 'notifica esito committente (the public administration answered)',
  DT: 'notifica di decorrenza termini (no answer within 15 days)',
  AT: 'attestazione di avvenuta trasmissione (transmission attested)',
};

/** True when the receipt is about this invoice: an NE or DT naming another number of the same file is not. */
export const receiptConcerns = (inv: Pick<Invoice, 'number'>, r: SdiReceipt): boolean =>
  !r.invoiceNumber || r.invoiceNumber.trim().toUpperCase() === inv.number.trim().toUpperCase();

const day = (iso: string) => iso.slice(0, 10);

/** The SdI's reasons for a refusal, one line each ("00404 Fattura duplicata"). */
export const refusalReasons = (r: SdiReceipt): string[] =>
  (r.errors ?? []).map((e) => [e.code, e.description, e.hint ? `(${e.hint})` : undefined].filter(Boolean).join(' ').slice(0, 600));

/** "delivered through the SdI on 2026-03-02": what reminders and the dossier say. */
export const deliveredThroughSdi = (s: SdiState | undefined): string | undefined =>
  s?.delivered ? `${s.delivered.by === 'AT' ? 'transmission attested by the SdI' : 'delivered through the SdI'} on ${day(s.delivered.at)}` : undefined;

export interface SdiDecision extends Decision {
  /** Nothing changed: the same notification was applied before. */
  alreadyApplied: boolean;
}

export const applySdiReceipt = (inv: Invoice, r: SdiReceipt, ctx: CommandContext): SdiDecision => {
  const now = ctx.now.toISOString();
  const before = inv.sdi ?? {};
  const sdi: SdiState = { ...before, file: before.file ?? sdiFileStem(r.fileName), id: before.id ?? r.sdiId };
  const same = (): SdiDecision => ({ invoice: inv, events: [], alreadyApplied: true });
  const log = (text: string, extra: Record<string, unknown> = {}) =>
    event(inv, ctx, 'sdi_receipt', { receipt: r.type, sdiId: r.sdiId, file: r.fileName, ...(r.messageId ? { messageId: r.messageId } : {}), text, ...extra });
  // A waiting timeline plans again on the new facts (an invoice waiting for a contact has none yet).
  const replan = ACTIVE_STATUSES.includes(inv.status) && !inv.needsContact ? bump(inv) : {};

  switch (r.type) {
    case 'RC':
    case 'AT': {
      const at = (r.type === 'RC' ? r.deliveredAt : r.receivedAt) ?? now;
      if (before.delivered && (before.delivered.by === 'RC' || r.type === 'AT')) return same();
      const delivered = { at, by: r.type };
      const text = deliveredThroughSdi({ delivered })!;
      return { invoice: touched(inv, ctx, { sdi: { ...sdi, delivered }, ...replan }), events: [log(text, { deliveredAt: at })], alreadyApplied: false };
    }
    case 'MC': {
      if (before.fiscalDrawer) return same();
      const at = r.receivedAt ?? now;
      const text = `not delivered by the SdI: the invoice is in the customer's fiscal drawer (cassetto fiscale) since ${day(at)}`;
      return { invoice: touched(inv, ctx, { sdi: { ...sdi, fiscalDrawer: { at } } }), events: [log(text, { availableSince: at })], alreadyApplied: false };
    }
    case 'NS': {
      if (before.refused) return same();
      const reasons = refusalReasons(r);
      const why = reasons.length > 0 ? reasons.join('; ') : 'no reason given';
      const reason = `refused by the SdI (notifica di scarto, IdentificativoSdI ${r.sdiId}): not a valid invoice, nothing to collect until it is issued again (${why})`.slice(0, 500);
      const refused = { at: r.receivedAt ?? now, reasons };
      const task: FinanceTask = {
        tenantId: inv.tenantId,
        taskId: sdiRejectedTaskId(inv.invoiceId, r.sdiId),
        kind: 'sdiRejected',
        status: 'open',
        customerId: inv.customerId,
        invoiceId: inv.invoiceId,
        invoiceNumber: inv.number,
        createdAt: now,
        createdBy: 'system',
        note: `The SdI refused invoice ${inv.number} (file ${r.fileName}, IdentificativoSdI ${r.sdiId}): ${why}. It is not chased: correct the file and send it through the SdI again.`.slice(0, 2000),
      };
      const stillChased = ACTIVE_STATUSES.includes(inv.status);
      const invoice = stillChased
        ? touched(without(inv, 'promise', 'plan', 'pause', 'dispute'), ctx, { sdi: { ...sdi, refused }, status: 'not_chased', notChasedReason: reason, needsContact: false, ...bump(inv) })
        : touched(inv, ctx, { sdi: { ...sdi, refused } });
      return { invoice, events: [log(`refused by the SdI: ${why}`, { errors: r.errors ?? [], chased: false })], task, alreadyApplied: false };
    }
    case 'NE': {
      const code: 'EC01' | 'EC02' | undefined = r.outcome?.code === 'EC02' ? 'EC02' : r.outcome?.code === 'EC01' ? 'EC01' : undefined;
      if (!code) return { invoice: inv, events: [log(`an outcome Sollecito does not know (${r.outcome?.code ?? 'none'}): recorded`)], alreadyApplied: false };
      if (before.outcome?.code === code) return same();
      const text = r.outcome?.description;
      const outcome = { code, at: now, ...(text ? { text } : {}) };
      if (code === 'EC01') {
        return { invoice: touched(inv, ctx, { sdi: { ...sdi, outcome } }), events: [log('accepted by the public administration (EC01)')], alreadyApplied: false };
      }
      const disputeText = `Refused by the public administration through the SdI (esito EC02${text ? `: ${text}` : ''}).`.slice(0, 4000);
      if (!CHASEABLE.includes(inv.status)) {
        return { invoice: touched(inv, ctx, { sdi: { ...sdi, outcome } }), events: [log(`refused by the public administration (EC02)${text ? `: ${text}` : ''}; the invoice is ${inv.status.replace('_', ' ')}, no dispute opened`)], alreadyApplied: false };
      }
      const dispute = { reason: 'invoice_details' as const, text: disputeText, openedAt: now };
      return {
        invoice: touched(without(inv, 'promise', 'plan', 'pause'), ctx, { sdi: { ...sdi, outcome }, status: 'disputed', dispute, ...(inv.needsContact ? {} : bump(inv)) }),
        events: [log(`refused by the public administration (EC02)${text ? `: ${text}` : ''}: dispute opened`), event(inv, ctx, 'dispute', { reason: dispute.reason, text: disputeText, source: 'sdi' })],
        alreadyApplied: false,
      };
    }
    case 'DT': {
      if (before.outcome) return same();
      const outcome = { code: 'DT' as const, at: now };
      return { invoice: touched(inv, ctx, { sdi: { ...sdi, outcome } }), events: [log('no answer from the public administration within 15 days (decorrenza termini)')], alreadyApplied: false };
    }
  }
};
