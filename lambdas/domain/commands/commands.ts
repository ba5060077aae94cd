/**
 * What the finance team (and the customer, through the links) can do to an invoice or a customer,
 * as pure state transitions: each command takes the current state and returns the new one, the
 * contact-log events that record it and, for commands that end or divert the chase, why the running
 * execution must stop. Business rules that a well-formed request can still break (a promise dated
 * in the past, a payment on a settled invoice) are rejected with a reason a person can act on.
 *
 * `run` is bumped when the invoice needs a new execution branch (promise, plan, pause until a date,
 * resume, dispute rejected or upheld with an amount still due): the table stream starts it.
 */
import { randomUUID } from 'node:crypto';
import {
  ACTIVE_STATUSES,
  LIMITS,
  type SalesNote,
  amountDue,
  type Closure,
  type ContactEvent,
  type ContactEventType,
  type ContactPerson,
  type Customer,
  type DISPUTE_REASONS,
  type Invoice,
  type InvoiceStatus,
  type Language,
  type OfficeHours,
  type Payment,
  type PaymentSource,
  type PolicyRef,
  type PromiseToPay,
} from '../model.js';
import { withSalesNotes } from './sales-notes.js';
import { contactChangeTaskId, planRequestTaskId, type FinanceTask } from './tasks.js';
import { addDays, daysBetween } from '../shared/days.js';
import { CHASEABLE, STATUS_WORDS, actorLabel, actorOf, bump, conflict, event, money, requireStatus, stripUndefined, today, touched, unprocessable, without, type CommandContext, type Decision } from './decision.js';
export { CommandRejected, actorLabel, actorOf, type CommandContext, type Decision, type RejectionKind } from './decision.js';

/** How far ahead a promise may be dated, and how long an instalment plan may run. */
export const PROMISE_HORIZON_DAYS = 90;
export const PLAN_HORIZON_DAYS = 365;
export const MAX_INSTALMENTS = 24;
export const PAUSE_HORIZON_DAYS = 365;

const checkFutureDate = (date: string, ctx: CommandContext, field: string, horizonDays: number, what: string, allowToday: boolean) => {
  const t = today(ctx);
  const ahead = daysBetween(t, date);
  if (ahead < 0 || (!allowToday && ahead === 0)) {
    unprocessable('date_in_past', `The ${what} ${date} is ${ahead < 0 ? 'in the past' : 'today'} (today is ${t}).`, field);
  }
  if (ahead > horizonDays) {
    unprocessable('date_too_far', `The ${what} ${date} is more than ${horizonDays} days ahead (latest ${addDays(t, horizonDays)}).`, field);
  }
};

// ---------------------------------------------------------------------------------------------
// payments

export const PAYMENT_METHODS = ['bank_transfer', 'card', 'direct_debit', 'cash', 'cheque', 'offset', 'other'] as const;

export interface PaymentInput {
  amount: number;
  date: string;
  method?: (typeof PAYMENT_METHODS)[number];
  reference?: string;
  currency?: string;
  /** Where the money was seen: a bank statement's entry, the API, a link. Shown in the log entry. */
  source?: PaymentSource;
  /**
   * The payment settles the invoice although it is this much short (bank charges within the
   * company's tolerance, domain/money/matching/amounts.ts): amount + difference must be what is due.
   */
  difference?: { amount: number; reason: string };
}

/**
 * A payment lowers the amount due. Paying it all settles the invoice (the stream sends the
 * thank-you and the chase ends). A partial payment lets the chase go on for the rest, unless it
 * keeps a promise or an instalment: then the next instalment (or the timeline) takes over.
 */
export const recordPayment = (inv: Invoice, input: PaymentInput, ctx: CommandContext): Decision => {
  if (inv.status === 'paid') conflict('invoice_paid', `Invoice ${inv.number} is already paid in full: nothing is due.`);
  if (inv.status === 'written_off') {
    conflict('invoice_written_off', `Invoice ${inv.number} was written off: reinstate it before recording a payment.`);
  }
  if (input.currency !== undefined && input.currency !== inv.currency) {
    unprocessable('currency_mismatch', `The payment is in ${input.currency} but invoice ${inv.number} is in ${inv.currency}.`, 'currency');
  }
  if (!(input.amount > 0)) unprocessable('amount_not_positive', 'A payment amount must be greater than zero.', 'amount');
  const due = amountDue(inv);
  if (input.difference && !(input.difference.amount > 0 && input.amount + input.difference.amount === due)) {
    unprocessable(
      'difference_mismatch',
      `A payment of ${money(input.amount, inv.currency)} settling with a difference of ${money(input.difference.amount, inv.currency)} must add up to the ${money(due, inv.currency)} due on invoice ${inv.number}.`,
      'difference',
    );
  }
  if (input.amount > due) {
    unprocessable(
      'overpayment',
      `The payment of ${money(input.amount, inv.currency)} is more than the ${money(due, inv.currency)} still due on invoice ${inv.number}.`,
      'amount',
    );
  }
  if (daysBetween(today(ctx), input.date) > 0) {
    unprocessable('date_in_future', `The payment date ${input.date} is in the future (today is ${today(ctx)}).`, 'date');
  }

  const payment: Payment = {
    paymentId: randomUUID(),
    amount: input.amount,
    currency: inv.currency,
    date: input.date,
    ...(input.method ? { method: input.method } : {}),
    ...(input.reference ? { reference: input.reference } : {}),
    recordedAt: ctx.now.toISOString(),
    ...actorOf(ctx),
    ...(input.source ? { source: input.source } : {}),
  };
  const amountPaid = inv.amountPaid + input.amount;
  const settledDifference = input.difference ? { amount: input.difference.amount, reason: input.difference.reason, at: ctx.now.toISOString(), paymentId: payment.paymentId } : undefined;
  const remaining = amountDue({ amount: inv.amount, amountPaid, ...(settledDifference ? { settledDifference } : {}) });
  const events = [
    event(inv, ctx, 'payment', {
      paymentId: payment.paymentId,
      amount: input.amount,
      currency: inv.currency,
      date: input.date,
      method: input.method,
      reference: input.reference,
      source: input.source,
      ...(settledDifference ? { difference: settledDifference.amount, differenceReason: settledDifference.reason } : {}),
      amountDue: remaining,
    }),
  ];

  if (remaining === 0) {
    if (inv.status === 'promised' && inv.promise) events.push(event(inv, ctx, 'promise_kept', { promisedDate: inv.promise.date }));
    const settled = touched(without(inv, 'promise', 'plan', 'pause'), ctx, { amountPaid, status: 'paid', ...(settledDifference ? { settledDifference } : {}) });
    return { invoice: settled, events, payment, stopCause: `invoice paid in full: payment recorded by ${actorLabel(ctx)}` };
  }

  // Partial payment.
  if (inv.status === 'promised' && inv.promise && amountPaid >= expectedPaid(inv, inv.promise)) {
    return { ...keepPromise(inv, amountPaid, ctx, events), payment };
  }
  if (inv.status === 'payment_claimed') {
    // The claimed payment arrived only in part: the chase resumes for the rest.
    const resumed = touched(inv, ctx, { amountPaid, status: 'open', ...bump(inv) });
    events.push(event(inv, ctx, 'resume', { reason: 'claimed payment arrived in part', amountDue: remaining }));
    return { invoice: resumed, events, payment, stopCause: `partial payment recorded by ${actorLabel(ctx)}: chase resumes for the rest` };
  }
  return { invoice: touched(inv, ctx, { amountPaid }), events, payment };
};

/** The amountPaid that keeps `promise`; a promise without an amount asks for everything due. */
export const expectedPaid = (inv: Pick<Invoice, 'amount'>, promise: PromiseToPay): number => promise.expectedPaid ?? inv.amount;

/** Whether the invoice's current promise (or instalment) is kept, given what has been paid. */
export const promiseKept = (inv: Invoice): boolean =>
  inv.status === 'paid' || (inv.promise !== undefined && inv.amountPaid >= expectedPaid(inv, inv.promise));

const instalmentPromise = (inv: Invoice, index: number, recordedAt: string): PromiseToPay => {
  const plan = inv.plan!;
  const inst = plan.instalments[index]!;
  const cumulative = plan.paidBefore + plan.instalments.slice(0, index + 1).reduce((s, i) => s + i.amount, 0);
  return {
    date: inst.date,
    amount: inst.amount,
    ...(plan.by ? { by: plan.by } : {}),
    note: `instalment ${index + 1} of ${plan.instalments.length}`,
    recordedAt,
    expectedPaid: cumulative,
  };
};

/** A payment kept the current promise: the next unpaid instalment, or the timeline, takes over. */
const keepPromise = (inv: Invoice, amountPaid: number, ctx: CommandContext, events: ContactEvent[]): Decision => {
  const promise = inv.promise!;
  events.push(event(inv, ctx, 'promise_kept', { promisedDate: promise.date, note: promise.note }));
  const plan = inv.plan;
  if (plan) {
    let next = -1;
    for (let i = 0; i < plan.instalments.length; i++) {
      const p = instalmentPromise(inv, i, ctx.now.toISOString());
      if (amountPaid < p.expectedPaid!) {
        next = i;
        break;
      }
    }
    if (next >= 0) {
      const nextPromise = instalmentPromise(inv, next, ctx.now.toISOString());
      return {
        invoice: touched(inv, ctx, { amountPaid, promise: nextPromise, ...bump(inv) }),
        events,
        stopCause: `instalment kept (payment recorded by ${actorLabel(ctx)}): next check after ${nextPromise.date}`,
      };
    }
  }
  return {
    invoice: touched(without(inv, 'promise', 'plan'), ctx, { amountPaid, status: 'open', ...bump(inv) }),
    events,
    stopCause: `promise kept (payment recorded by ${actorLabel(ctx)}): chase resumes for the rest`,
  };
};

// ---------------------------------------------------------------------------------------------
// promises and instalment plans

export interface PromiseInput {
  date: string;
  amount?: number;
  by?: string;
  note?: string;
}

/** A promise to pay on a date: the chase waits, and the day after the date the invoice is checked. */
export const recordPromise = (inv: Invoice, input: PromiseInput, ctx: CommandContext): Decision => {
  requireStatus(inv, CHASEABLE, 'record a promise');
  checkFutureDate(input.date, ctx, 'date', PROMISE_HORIZON_DAYS, 'promised date', true);
  const due = amountDue(inv);
  if (input.amount !== undefined && (input.amount <= 0 || input.amount > due)) {
    unprocessable('amount_out_of_range', `A promised amount must be more than zero and at most the ${money(due, inv.currency)} due.`, 'amount');
  }
  const promise: PromiseToPay = {
    date: input.date,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    ...(input.by ? { by: input.by } : {}),
    ...(input.note ? { note: input.note } : {}),
    recordedAt: ctx.now.toISOString(),
    expectedPaid: inv.amountPaid + (input.amount ?? due),
  };
  const ev = event(inv, ctx, 'promise', {
    date: input.date,
    amount: input.amount,
    by: input.by,
    note: input.note,
    replaces: inv.promise?.date,
  });
  return {
    invoice: touched(without(inv, 'plan', 'pause'), ctx, { status: 'promised', promise, ...bump(inv) }),
    events: [ev],
    stopCause: `promise to pay on ${input.date} recorded by ${actorLabel(ctx)}`,
  };
};

export interface PlanInput {
  instalments: { date: string; amount: number }[];
  by?: string;
  note?: string;
}

/** An instalment plan: each instalment is followed like a promise. The instalments must add up to what is due. */
export const agreeInstalmentPlan = (inv: Invoice, input: PlanInput, ctx: CommandContext): Decision => {
  requireStatus(inv, CHASEABLE, 'agree an instalment plan');
  const list = input.instalments;
  if (list.length < 2 || list.length > MAX_INSTALMENTS) {
    unprocessable('instalment_count', `A plan has from 2 to ${MAX_INSTALMENTS} instalments (got ${list.length}).`, 'instalments');
  }
  list.forEach((inst, i) => {
    if (inst.amount <= 0) unprocessable('amount_not_positive', 'Every instalment must be more than zero.', `instalments.${i}.amount`);
    if (i === 0) checkFutureDate(inst.date, ctx, 'instalments.0.date', PLAN_HORIZON_DAYS, 'first instalment date', true);
    else if (inst.date <= list[i - 1]!.date) {
      unprocessable('dates_not_increasing', `Instalment ${i + 1} (${inst.date}) must fall after instalment ${i} (${list[i - 1]!.date}).`, `instalments.${i}.date`);
    } else checkFutureDate(inst.date, ctx, `instalments.${i}.date`, PLAN_HORIZON_DAYS, `date of instalment ${i + 1}`, true);
  });
  const total = list.reduce((s, i) => s + i.amount, 0);
  const due = amountDue(inv);
  if (total !== due) {
    unprocessable('plan_total_mismatch', `The instalments add up to ${money(total, inv.currency)} but ${money(due, inv.currency)} is due.`, 'instalments');
  }
  const withPlan: Invoice = {
    ...inv,
    plan: {
      instalments: list.map((i) => ({ date: i.date, amount: i.amount })),
      paidBefore: inv.amountPaid,
      agreedAt: ctx.now.toISOString(),
      ...(input.by ? { by: input.by } : {}),
      ...(input.note ? { note: input.note } : {}),
    },
  };
  const promise = instalmentPromise(withPlan, 0, ctx.now.toISOString());
  const ev = event(inv, ctx, 'promise', { plan: list, by: input.by, note: input.note });
  return {
    invoice: touched(without(withPlan, 'pause'), ctx, { status: 'promised', promise, ...bump(inv) }),
    events: [ev],
    stopCause: `instalment plan (${list.length} instalments, first on ${list[0]!.date}) agreed, recorded by ${actorLabel(ctx)}`,
  };
};

// ---------------------------------------------------------------------------------------------
// disputes

export interface DisputeInput {
  reason: (typeof DISPUTE_REASONS)[number];
  text?: string;
}

/** A dispute ends the chase until it is resolved. */
export const openDispute = (inv: Invoice, input: DisputeInput, ctx: CommandContext): Decision => {
  if (inv.status === 'disputed') conflict('already_disputed', `Invoice ${inv.number} is already disputed (${inv.dispute?.reason ?? 'reason unknown'}).`);
  requireStatus(inv, CHASEABLE, 'open a dispute');
  const dispute = { reason: input.reason, text: input.text ?? '', openedAt: ctx.now.toISOString() };
  return {
    invoice: touched(without(inv, 'promise', 'plan', 'pause'), ctx, { status: 'disputed', dispute }),
    events: [event(inv, ctx, 'dispute', { reason: input.reason, text: input.text })],
    stopCause: `dispute (${input.reason}) opened by ${actorLabel(ctx)}: chase paused until resolved`,
  };
};

export type DisputeResolution =
  | { outcome: 'rejected'; note?: string }
  | { outcome: 'upheld'; creditNote: { amount: number; reference?: string }; note?: string }
  | { outcome: 'upheld'; newAmount: number; note?: string };

/**
 * Upheld: a credit note lowers the amount, or the amount is corrected; whatever is still due is
 * chased again, and an invoice with nothing left due ends. Rejected: the chase resumes.
 */
export const resolveDispute = (inv: Invoice, input: DisputeResolution, ctx: CommandContext): Decision => {
  if (inv.status !== 'disputed') conflict('not_disputed', `Invoice ${inv.number} is not disputed (it is ${STATUS_WORDS[inv.status]}).`);
  const base = without(inv, 'dispute');
  if (input.outcome === 'rejected') {
    return {
      invoice: touched(base, ctx, { status: 'open', ...bump(inv) }),
      events: [event(inv, ctx, 'dispute_resolved', { outcome: 'rejected', reason: inv.dispute?.reason, note: input.note })],
      stopCause: `dispute rejected by ${actorLabel(ctx)}: chase resumes`,
    };
  }
  let newAmount: number;
  let details: Record<string, unknown>;
  if ('creditNote' in input) {
    const due = amountDue(inv);
    if (input.creditNote.amount <= 0 || input.creditNote.amount > due) {
      unprocessable('credit_out_of_range', `A credit note must be more than zero and at most the ${money(due, inv.currency)} due.`, 'creditNote.amount');
    }
    newAmount = inv.amount - input.creditNote.amount;
    details = { creditNote: input.creditNote };
  } else {
    if (input.newAmount === inv.amount) unprocessable('amount_unchanged', `The invoice amount is already ${money(inv.amount, inv.currency)}.`, 'newAmount');
    if (input.newAmount < inv.amountPaid) {
      unprocessable('amount_below_paid', `The corrected amount is less than the ${money(inv.amountPaid, inv.currency)} already paid.`, 'newAmount');
    }
    newAmount = input.newAmount;
    details = {};
  }
  const events = [
    event(inv, ctx, 'dispute_resolved', {
      outcome: 'upheld',
      reason: inv.dispute?.reason,
      ...details,
      previousAmount: inv.amount,
      newAmount,
      note: input.note,
    }),
  ];
  if (newAmount === inv.amountPaid) {
    const status: InvoiceStatus = inv.amountPaid > 0 ? 'paid' : 'not_chased';
    return {
      invoice: touched(base, ctx, {
        amount: newAmount,
        status,
        ...(status === 'not_chased' ? { notChasedReason: 'nothing due after the dispute was upheld' } : {}),
      }),
      events,
      stopCause: `dispute upheld by ${actorLabel(ctx)}: nothing left due`,
    };
  }
  return {
    invoice: touched(base, ctx, { amount: newAmount, status: 'open', ...bump(inv) }),
    events,
    stopCause: `dispute upheld by ${actorLabel(ctx)}: chase resumes for the corrected amount`,
  };
};

// ---------------------------------------------------------------------------------------------
// pause, resume, escalate, write off, notes, calls

export interface PauseInput {
  until?: string;
  reason: string;
}

export const pauseChase = (inv: Invoice, input: PauseInput, ctx: CommandContext): Decision => {
  requireStatus(inv, CHASEABLE, 'pause the chase');
  if (input.until !== undefined) checkFutureDate(input.until, ctx, 'until', PAUSE_HORIZON_DAYS, 'pause end date', false);
  const pause = { ...(input.until ? { until: input.until } : {}), reason: input.reason };
  return {
    invoice: touched(without(inv, 'promise', 'plan'), ctx, { status: 'paused', pause, ...(input.until ? bump(inv) : {}) }),
    events: [event(inv, ctx, 'pause', { until: input.until, reason: input.reason })],
    stopCause: `chase paused ${input.until ? `until ${input.until}` : 'until resumed'} by ${actorLabel(ctx)}`,
  };
};

export interface ResumeInput {
  reason?: string;
}

/** Resumes a paused chase, or one waiting for a claimed payment that did not arrive. */
/**
 * Resumes a paused chase or one whose claimed payment did not arrive, and restarts the timeline of
 * an open invoice that carries a failure (RecordFailure's, or a stream batch's): a new run, the
 * failure cleared.
 */
export const resumeChase = (inv: Invoice, input: ResumeInput, ctx: CommandContext): Decision => {
  if (!(inv.status === 'open' && inv.failure)) requireStatus(inv, ['paused', 'payment_claimed'], 'resume the chase');
  return {
    invoice: touched(without(inv, 'pause', 'failure'), ctx, { status: 'open', ...bump(inv) }),
    events: [event(inv, ctx, 'resume', { reason: input.reason, from: inv.status, ...(inv.failure ? { failure: inv.failure.state } : {}) })],
    stopCause: `chase resumed by ${actorLabel(ctx)}`,
  };
};

export interface EscalateInput {
  reason?: string;
}

/** Hands the invoice to the collection agency now, whatever stage the timeline is at. */
export const escalateNow = (inv: Invoice, input: EscalateInput, ctx: CommandContext): Decision => {
  requireStatus(inv, CHASEABLE, 'escalate');
  return {
    invoice: touched(without(inv, 'promise', 'plan', 'pause'), ctx, { status: 'escalated' }),
    events: [event(inv, ctx, 'escalation', { manual: true, reason: input.reason, amountDue: amountDue(inv) })],
    stopCause: `escalated to the collection agency by ${actorLabel(ctx)}`,
  };
};

export interface WriteOffInput {
  reason: string;
}

export const writeOff = (inv: Invoice, input: WriteOffInput, ctx: CommandContext): Decision => {
  requireStatus(inv, [...ACTIVE_STATUSES, 'escalated', 'not_chased'], 'write off');
  return {
    invoice: touched(without(inv, 'promise', 'plan', 'pause'), ctx, { status: 'written_off' }),
    events: [event(inv, ctx, 'write_off', { reason: input.reason, amount: amountDue(inv), currency: inv.currency })],
    stopCause: `written off by ${actorLabel(ctx)}`,
  };
};

export const addInvoiceNote = (inv: Invoice, input: { text: string }, ctx: CommandContext): Decision => ({
  invoice: inv,
  events: [event(inv, ctx, 'note', { text: input.text })],
});

export interface CallOutcomeInput {
  reached: boolean;
  note?: string;
  promise?: PromiseInput;
  /** The person to speak to from now on (becomes the customer's billing contact). */
  newContact?: ContactPerson;
}

/** Logs a call; a promise obtained on the call is recorded like any promise. */
export const recordCallOutcome = (inv: Invoice, input: CallOutcomeInput, ctx: CommandContext): Decision => {
  if (input.promise && !input.reached) unprocessable('promise_without_call', 'A promise can only be obtained on a call that reached the customer.', 'promise');
  const ev = event(inv, { ...ctx, channel: 'phone' }, 'call_outcome', {
    reached: input.reached,
    note: input.note,
    promiseDate: input.promise?.date,
    newContact: input.newContact?.name,
  });
  if (!input.promise) return { invoice: inv, events: [ev] };
  const promised = recordPromise(inv, input.promise, { ...ctx, channel: 'phone' });
  return { ...promised, events: [ev, ...promised.events] };
};

// ---------------------------------------------------------------------------------------------
// customers

export interface CustomerPatch {
  name?: string;
  email?: string | null;
  phone?: string | null;
  billingContact?: ContactPerson | null;
  salesRep?: ContactPerson | null;
  language?: Language;
  timeZone?: string;
  officeHours?: OfficeHours;
  paymentDays?: number[];
  paymentTermsDays?: number;
  policy?: PolicyRef | null;
  segment?: PolicyRef | null;
  preserveRelationship?: boolean;
  city?: string | null;
  region?: string | null;
  closures?: Closure[];
  sendWindow?: { from: string; to: string } | null;
}

export interface CustomerDecision {
  customer: Customer;
  events: ContactEvent[];
  /** Sales notes written with the customer (sales-notes.ts), each an item of its own. */
  salesNotes?: SalesNote[];
  /** The customer had no address to write to and now has one: invoices waiting for a contact can start. */
  becameReachable: boolean;
}

/** Whether reminders can reach the customer by e-mail. */
export const isReachable = (c: Pick<Customer, 'email' | 'emailStatus' | 'billingContact'>): boolean =>
  Boolean((c.email && c.emailStatus === 'ok') || c.billingContact?.email);

const customerEvent = (c: Customer, ctx: CommandContext, type: ContactEventType, details: Record<string, unknown>): ContactEvent =>
  // Customer-level entries live in the customer's own log; they belong to no single invoice.
  event({ tenantId: c.tenantId, invoiceId: '' }, ctx, type, { customerId: c.customerId, ...details });

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Applies a partial update; `null` removes an optional field. Only the names of changed fields are logged. */
export const updateCustomer = (c: Customer, patch: CustomerPatch, ctx: CommandContext): CustomerDecision => {
  const next: Record<string, unknown> = { ...c };
  const changed: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (sameValue(next[field], value === null ? undefined : value)) continue;
    if (value === null) delete next[field];
    else next[field] = value;
    changed.push(field);
  }
  // A new address has not bounced (yet).
  if (changed.includes('email') && next.email) next.emailStatus = 'ok';
  if (changed.length === 0) return { customer: c, events: [], becameReachable: false };
  const customer = { ...(next as Customer), version: c.version + 1 };
  const contactFields = ['email', 'phone', 'billingContact'];
  const type: ContactEventType = changed.some((f) => contactFields.includes(f)) ? 'contact_added' : 'customer_updated';
  return {
    customer,
    events: [customerEvent(c, ctx, type, { fields: changed })],
    becameReachable: !isReachable(c) && isReachable(customer),
  };
};

/** A sales note; the same text again changes nothing; 409 once the customer holds LIMITS.salesNotes. */
export const addSalesNote = (c: Customer, input: { text: string }, ctx: CommandContext): CustomerDecision => {
  const added = withSalesNotes(c, [input.text], ctx.actor, ctx.now);
  if (added.outcome === 'unchanged') return { customer: c, events: [], becameReachable: false };
  if (added.outcome === 'full') return conflict('sales_notes_full', `Customer ${c.customerId} keeps ${LIMITS.salesNotes} sales notes already, the most it can hold.`);
  return {
    customer: { ...added.customer, version: c.version + 1 },
    events: [customerEvent(c, ctx, 'note', { text: input.text, salesNote: true, noteId: added.notes[0]!.noteId })],
    salesNotes: added.notes,
    becameReachable: false,
  };
};

export interface ReleaseHoldInput {
  reason?: string;
}

export const releaseCreditHold = (c: Customer, input: ReleaseHoldInput, ctx: CommandContext): CustomerDecision & { released: NonNullable<Customer['creditHold']> } => {
  const hold = c.creditHold;
  if (!hold) return conflict('no_credit_hold', `Customer ${c.customerId} is not on credit hold.`);
  const { creditHold: _h, ...rest } = c;
  return {
    customer: { ...rest, version: c.version + 1 },
    events: [
      customerEvent(c, ctx, 'credit_hold_released', { placedAt: hold.placedAt, invoiceId: hold.invoiceId, reason: input.reason }),
      // The hold was placed by that invoice's timeline: its log tells the end of the story too.
      event({ tenantId: c.tenantId, invoiceId: hold.invoiceId }, ctx, 'credit_hold_released', { customerId: c.customerId, reason: input.reason }),
    ],
    becameReachable: false,
    released: hold,
  };
};

// ---------------------------------------------------------------------------------------------
// customer answers (through the links in a reminder; actor 'customer', channel 'link')

/** How far back a customer may date a payment they report. */
export const CLAIM_LOOKBACK_DAYS = 120;
export const MAX_REQUESTED_INSTALMENTS = 12;

export interface PaymentClaimInput {
  /** The day the customer says they paid; today when absent. */
  paidOn?: string;
  reference?: string;
  note?: string;
  /** Tenant.paymentClaimGraceDays: how long the chase waits for the money before it resumes. */
  graceDays: number;
}

/**
 * "I have paid": not a settlement. The chase waits `graceDays` for the finance team to see the
 * money (they record the payment, which settles the invoice) and resumes by itself if nothing
 * arrives (check-promise). A promise, plan or pause in place is replaced by the claim.
 */
export const claimPayment = (inv: Invoice, input: PaymentClaimInput, ctx: CommandContext): Decision => {
  if (inv.status === 'payment_claimed') {
    conflict('already_claimed', `A payment of invoice ${inv.number} was already reported on ${inv.paymentClaim?.at.slice(0, 10) ?? 'an earlier day'}.`);
  }
  requireStatus(inv, CHASEABLE, 'record a reported payment');
  if (!Number.isInteger(input.graceDays) || input.graceDays < 1) throw new RangeError(`graceDays must be a whole number of days >= 1 (got ${input.graceDays})`);
  const t = today(ctx);
  if (input.paidOn !== undefined) {
    const ago = daysBetween(input.paidOn, t);
    if (ago < 0) unprocessable('date_in_future', `The payment date ${input.paidOn} is in the future (today is ${t}).`, 'paidOn');
    if (ago > CLAIM_LOOKBACK_DAYS) unprocessable('date_too_old', `The payment date ${input.paidOn} is more than ${CLAIM_LOOKBACK_DAYS} days ago.`, 'paidOn');
  }
  const paymentClaim = {
    at: ctx.now.toISOString(),
    ...(input.paidOn ? { paidOn: input.paidOn } : {}),
    ...(input.reference ? { reference: input.reference } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  const until = addDays(t, input.graceDays);
  return {
    invoice: touched(without(inv, 'promise', 'plan', 'pause'), ctx, { status: 'payment_claimed', paymentClaim, ...bump(inv) }),
    events: [
      event(inv, ctx, 'payment_claimed', {
        paidOn: input.paidOn,
        reference: input.reference,
        note: input.note,
        amountDue: amountDue(inv),
        currency: inv.currency,
        waitUntil: until,
        replaces: inv.status === 'open' ? undefined : inv.status,
      }),
    ],
    stopCause: `payment reported by ${actorLabel(ctx)}: chase waits until ${until} for it to arrive`,
  };
};

export interface PlanRequestInput {
  /** Instalments the customer would like (2 to MAX_REQUESTED_INSTALMENTS); the team decides. */
  instalments?: number;
  note?: string;
  /** Makes the task id unique per request (the link's nonce). */
  ref: string;
}

/** "I would like a payment plan": a task for the finance team, who agree the plan (agreeInstalmentPlan). The chase goes on meanwhile. */
export const requestInstalmentPlan = (inv: Invoice, input: PlanRequestInput, ctx: CommandContext): Decision => {
  requireStatus(inv, CHASEABLE, 'ask for an instalment plan');
  if (input.instalments !== undefined && (!Number.isInteger(input.instalments) || input.instalments < 2 || input.instalments > MAX_REQUESTED_INSTALMENTS)) {
    unprocessable('instalment_count', `A plan has from 2 to ${MAX_REQUESTED_INSTALMENTS} instalments (got ${input.instalments}).`, 'instalments');
  }
  const plan = stripUndefined({ instalments: input.instalments, note: input.note }) as FinanceTask['plan'];
  return {
    invoice: inv,
    events: [event(inv, ctx, 'plan_requested', { instalments: input.instalments, note: input.note, amountDue: amountDue(inv), currency: inv.currency })],
    task: {
      tenantId: inv.tenantId,
      taskId: planRequestTaskId(inv.invoiceId, input.ref),
      kind: 'planRequest',
      status: 'open',
      customerId: inv.customerId,
      invoiceId: inv.invoiceId,
      invoiceNumber: inv.number,
      createdAt: ctx.now.toISOString(),
      createdBy: ctx.actor,
      plan,
    },
  };
};

export interface ContactChangeInput {
  contact: ContactPerson;
  note?: string;
  ref: string;
}

/**
 * "Please contact someone else": the proposed contact waits for the finance team, who apply it
 * (updateCustomer with billingContact) when they confirm it; nothing changes before that, so a
 * forwarded link cannot redirect the reminders on its own.
 */
export const requestContactChange = (inv: Invoice, input: ContactChangeInput, ctx: CommandContext): Decision => {
  if (!input.contact.email && !input.contact.phone) unprocessable('contact_unreachable', 'A new contact needs an e-mail address or a phone number.', 'email');
  return {
    invoice: inv,
    events: [
      event(inv, ctx, 'contact_change_requested', {
        name: input.contact.name,
        email: input.contact.email,
        phone: input.contact.phone,
        note: input.note,
      }),
    ],
    task: {
      tenantId: inv.tenantId,
      taskId: contactChangeTaskId(inv.customerId, input.ref),
      kind: 'contactChange',
      status: 'open',
      customerId: inv.customerId,
      invoiceId: inv.invoiceId,
      invoiceNumber: inv.number,
      createdAt: ctx.now.toISOString(),
      createdBy: ctx.actor,
      contact: input.contact,
      ...(input.note ? { note: input.note } : {}),
    },
  };
};
