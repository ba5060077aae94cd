/**
 * /v1/calls: the finance team's call queue, one call per customer per day with every invoice it
 * covers, and what each call achieved (applied to all its invoices).
 */
import type * as z from 'zod/mini';
import { AlreadyDoneError, InvoiceBusyError, NotFoundError } from '../../app/ports/commands.js';
import { clock } from '../../adapters/clock.js';
import { daysPastDue } from '../../domain/reports/ageing.js';
import { CommandRejected, recordCallOutcome, updateCustomer } from '../../domain/commands/commands.js';
import { ACTIVE_STATUSES, CustomerId, amountDue, type Invoice } from '../../domain/model.js';
import { totalsByCurrency } from '../../domain/shared/format.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import { CallOutcomeRequest, CallOutcomeResult, CallQueue, CallQueueQuery, type CallTask } from '../schemas.js';
import { callTask, invoiceResource } from '../views.js';
import { commandContext } from './invoices.js';
import { afterCustomerChange } from './customers.js';
import { localDay } from '../../domain/shared/days.js';

type Item = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A CALLS item: the customer's call (sk `<customerId>#`) or one invoice on it (sk `<customerId>#<invoiceId>`). */
const itemIds = (item: Item): { customerId: string; invoiceId?: string } => {
  const sk = String(item.sk ?? '');
  const cut = sk.indexOf('#');
  const customerId = str(item.customerId) ?? (cut >= 0 ? sk.slice(0, cut) : sk);
  if (item.entity === 'customerCall') return { customerId };
  const invoiceId = str(item.invoiceId) ?? (cut >= 0 ? sk.slice(cut + 1) : '');
  return invoiceId ? { customerId, invoiceId } : { customerId };
};

interface CallItems {
  customerId: string;
  call?: Item;
  lines: Item[];
}

/** The queue's items, one entry per customer call; a call written before calls were shared is its invoice's line alone. */
export const groupCalls = (items: readonly Item[]): CallItems[] => {
  const calls = new Map<string, CallItems>();
  for (const item of items) {
    const { customerId, invoiceId } = itemIds(item);
    const entry = calls.get(customerId) ?? { customerId, lines: [] };
    if (invoiceId) entry.lines.push(item);
    else entry.call = item;
    calls.set(customerId, entry);
  }
  return [...calls.values()].filter((c) => c.lines.length > 0);
};

const objectOr = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** One row of the queue: the call, its invoices with today's amounts, the other overdue ones, the totals. */
const callRow = async (c: RouteContext<unknown, unknown>, day: string, entry: CallItems): Promise<z.input<typeof CallTask>> => {
  const t = c.tenant.tenantId;
  const lineIds = entry.lines.map((l) => itemIds(l).invoiceId!);
  const mentions = (Array.isArray(entry.call?.alsoOverdue) ? (entry.call.alsoOverdue as Item[]) : []).filter(
    (m) => typeof m.invoiceId === 'string' && !lineIds.includes(m.invoiceId),
  );
  const [stored, notes, onCall, mentioned] = await Promise.all([
    c.deps.customers.getCustomer(t, entry.customerId),
    // The call items reference the customer; its sales notes are read where it is shown.
    c.deps.customers.salesNotes(t, entry.customerId),
    Promise.all(lineIds.map((id) => c.deps.invoices.getInvoice(t, id))),
    Promise.all(mentions.map((m) => c.deps.invoices.getInvoice(t, String(m.invoiceId)))),
  ]);
  const customer = stored && { ...stored, salesNotes: notes.map((n) => n.text) };
  const late = (inv: Invoice) => daysPastDue(inv.dueDate, localDay(c.now, c.tenant.timeZone));
  const live = (inv: Invoice) => ({ invoiceId: inv.invoiceId, invoiceNumber: inv.number, currency: inv.currency, amountDue: amountDue(inv), daysPastDue: late(inv), status: inv.status });
  const invoices = entry.lines
    .map((line, i) => {
      const inv = onCall[i];
      const outcome = objectOr(line.outcome);
      const base = inv ? live(inv) : { invoiceId: lineIds[i]! };
      return { ...base, ...(outcome ? { outcome } : {}), due: inv?.dueDate ?? '' };
    })
    .sort((a, b) => a.due.localeCompare(b.due) || a.invoiceId.localeCompare(b.invoiceId))
    .map(({ due: _due, ...rest }) => rest);
  // Still owed: an invoice paid or written off since the call was placed is no longer a talking point, nor in the totals.
  const owed = (inv: Invoice | undefined): inv is Invoice => inv !== undefined && ACTIVE_STATUSES.includes(inv.status) && amountDue(inv) > 0;
  const alsoOverdue = mentioned.filter(owed).map(live);
  const totals = totalsByCurrency([...onCall, ...mentioned].filter(owed).map((inv) => ({ currency: inv.currency, amount: amountDue(inv) })));
  const leadId = str(entry.call?.leadInvoiceId);
  const lead = Math.max(0, leadId ? lineIds.indexOf(leadId) : 0);
  const base = callTask(day, { ...entry.lines[lead], ...(entry.call ?? {}), sk: entry.lines[lead]!.sk }, customer, onCall[lead], c.now, c.tenant.timeZone);
  const callId = str(entry.call?.callId) ?? str(entry.lines[lead]!.callId);
  const summary = str(entry.call?.summary) ?? str(entry.lines[lead]!.summary);
  return {
    ...base,
    ...(callId ? { callId } : {}),
    ...(summary ? { summary } : {}),
    invoices,
    alsoOverdue,
    totals: totals.map((x) => ({ currency: x.currency, amountDue: x.amount })),
    done: invoices.every((i) => i.outcome !== undefined),
  };
};

/** Errors that keep an outcome from one of the call's other invoices without failing the request. */
const notApplicable = (err: unknown): string | undefined =>
  err instanceof CommandRejected || err instanceof NotFoundError || err instanceof InvoiceBusyError || err instanceof AlreadyDoneError ? err.message : undefined;

export const callRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/calls',
    operationId: 'getCallQueue',
    summary: "A day's call queue",
    description:
      'One call per customer: who to call, when their office answers, the number, the invoices the call is about (amount due today, days late), the other overdue invoices to mention, the totals per currency, talking points and sales notes. `day` defaults to today in the tenant time zone.',
    tag: 'calls',
    access: 'read',
    query: CallQueueQuery,
    response: { status: 200, schema: CallQueue, description: 'The calls of the day.' },
    handle: async (c) => {
      const day = c.query.day ?? localDay(c.now, c.tenant.timeZone);
      const items = await c.deps.callQueue.callQueue(c.tenant.tenantId, day);
      const calls = await Promise.all(groupCalls(items).map((entry) => callRow(c, day, entry)));
      return { day, timeZone: c.tenant.timeZone, calls };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/calls/{customerId}/{invoiceId}/outcome',
    params: { customerId: CustomerId },
    operationId: 'recordCallOutcome',
    summary: 'Log the outcome of a call',
    description:
      'Reached or not, a promise obtained (recorded like any promise), a new contact person (becomes the billing contact). `invoiceId` is any invoice on the call: the outcome, and a promise obtained, apply to every invoice on that customer call; the call is marked done.',
    tag: 'calls',
    access: 'write',
    body: CallOutcomeRequest,
    response: { status: 200, schema: CallOutcomeResult, description: 'The invoice after the call, the other invoices on the same call, and the log entries written.' },
    errors: [404, 409, 422, 503],
    handle: async (c) => {
      const ctx = commandContext(c);
      const t = c.tenant.tenantId;
      const { customerId, invoiceId } = c.params as { customerId: string; invoiceId: string };
      const { day, ...input } = c.body;
      const queueDay = day ?? localDay(c.now, c.tenant.timeZone);
      const items = await c.deps.callQueue.customerCallItems(t, queueDay, customerId);
      const onCall = items.flatMap((i) => itemIds(i).invoiceId ?? []);
      const apply = (id: string) =>
        c.deps.commands.onInvoice(t, id, (inv) => {
          if (inv.customerId !== customerId) throw new NotFoundError('invoice', `${id} of customer ${customerId}`);
          return recordCallOutcome(inv, input, { ...ctx, now: clock.now() });
        });
      // The invoice named in the path first: its refusal is the request's.
      const result = await apply(invoiceId);
      const otherInvoices: z.input<typeof CallOutcomeResult>['otherInvoices'] = [];
      const notApplied: { invoiceId: string; reason: string }[] = [];
      for (const id of onCall.includes(invoiceId) ? onCall.filter((x) => x !== invoiceId) : []) {
        try {
          const r = await apply(id);
          otherInvoices.push({
            invoice: invoiceResource(r.invoice, c.now, c.tenant.timeZone),
            events: r.events,
            ...(r.stoppedExecution ? { stoppedExecution: r.stoppedExecution } : {}),
          });
        } catch (err) {
          const reason = notApplicable(err);
          if (reason === undefined) throw err;
          notApplied.push({ invoiceId: id, reason });
        }
      }
      let customerUpdated = false;
      if (input.newContact) {
        const contact = input.newContact;
        const d = await c.deps.commands.onCustomer(t, customerId, (cust) => updateCustomer(cust, { billingContact: contact }, ctx));
        customerUpdated = d.events.length > 0;
        await afterCustomerChange(c, customerId, d.becameReachable);
      }
      const outcome = {
        reached: input.reached,
        ...(input.promise ? { promiseDate: input.promise.date } : {}),
        by: ctx.actor,
        at: c.now.toISOString(),
      };
      if (onCall.includes(invoiceId)) {
        const applied = onCall.filter((id) => !notApplied.some((n) => n.invoiceId === id));
        await c.deps.callQueue.completeCustomerCall(t, queueDay, customerId, applied, outcome);
      } else {
        // An invoice the day's call was not about (a call the team made on its own): its own task, if any.
        await c.deps.callQueue.completeCallTask(t, queueDay, customerId, invoiceId, outcome);
      }
      const callId = str(items.find((i) => i.entity === 'customerCall')?.callId);
      return {
        invoice: invoiceResource(result.invoice, c.now, c.tenant.timeZone),
        events: result.events,
        ...(result.stoppedExecution ? { stoppedExecution: result.stoppedExecution } : {}),
        customerUpdated,
        ...(callId ? { callId } : {}),
        ...(otherInvoices.length > 0 ? { otherInvoices } : {}),
        ...(notApplied.length > 0 ? { notApplied } : {}),
      };
    },
  }),
];
