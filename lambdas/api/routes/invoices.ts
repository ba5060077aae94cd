/** /v1/invoices: lists, the full timeline of one invoice, and the commands that steer its chase. */
import * as z from 'zod/mini';
import { NotFoundError, type InvoiceCommandResult } from '../../app/ports/commands.js';
import { clock } from '../../adapters/clock.js';
import {
  addInvoiceNote,
  agreeInstalmentPlan,
  escalateNow,
  openDispute,
  pauseChase,
  recordPayment,
  recordPromise,
  resolveDispute,
  resumeChase,
  writeOff,
  type CommandContext,
  type Decision,
  type DisputeResolution,
} from '../../domain/commands/commands.js';
import type { Invoice } from '../../domain/model.js';
import { nextStep } from '../next-step.js';
import { route, type RouteContext, type RouteDef } from '../route.js';
import {
  CommandResult,
  DisputeRequest,
  DisputeResolutionRequest,
  InstalmentPlanRequest,
  InvoiceDetail,
  InvoiceList,
  InvoiceListQuery,
  NoteRequest,
  NoteResult,
  PauseRequest,
  PaymentRequest,
  PromiseRequest,
  ReasonRequest,
  WriteOffRequest,
} from '../schemas.js';
import { invoiceDetail, invoiceResource, paymentView } from '../views.js';
import { localDay } from '../../domain/shared/days.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

export const commandContext = (c: RouteContext<unknown, unknown>): CommandContext => ({
  actor: c.user.actor,
  ...(c.user.actorEmail ? { actorEmail: c.user.actorEmail } : {}),
  now: c.now,
  timeZone: c.tenant.timeZone,
  channel: 'api',
});

export const commandResult = (r: InvoiceCommandResult, c: RouteContext<unknown, unknown>): z.input<typeof CommandResult> => ({
  invoice: invoiceResource(r.invoice, c.now, c.tenant.timeZone),
  events: r.events,
  ...(r.payment ? { payment: paymentView(r.payment) } : {}),
  ...(r.stoppedExecution ? { stoppedExecution: r.stoppedExecution } : {}),
});

/** A POST /v1/invoices/{id}/<action> that runs one domain command in one transaction. */
const invoiceCommand = <B extends z.ZodMiniType>(spec: {
  action: string;
  operationId: string;
  summary: string;
  description: string;
  body: B;
  status: 200 | 201;
  movesMoney?: true;
  decide: (inv: Invoice, body: z.output<B>, ctx: CommandContext) => Decision;
}): RouteDef =>
  route({
    method: 'POST',
    path: `/v1/invoices/{id}/${spec.action}`,
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tag: 'invoices',
    access: 'write',
    body: spec.body,
    response: { status: spec.status, schema: CommandResult, description: 'The invoice after the command and the log entries it wrote.' },
    errors: [404, 409, 422, 503],
    ...(spec.movesMoney ? { movesMoney: true as const } : {}),
    handle: async (c) => {
      const ctx = commandContext(c);
      // Decided at the instant it is written: after waiting out a send, the log reads in true order.
      const result = await c.deps.commands.onInvoice(c.tenant.tenantId, c.params.id!, (inv) => spec.decide(inv, c.body, { ...ctx, now: clock.now() }));
      return commandResult(result, c);
    },
  });

const resolution = (b: z.output<typeof DisputeResolutionRequest>): DisputeResolution => {
  if (b.outcome === 'rejected') return { outcome: 'rejected', ...(b.note ? { note: b.note } : {}) };
  const note = b.note ? { note: b.note } : {};
  return b.creditNote ? { outcome: 'upheld', creditNote: b.creditNote, ...note } : { outcome: 'upheld', newAmount: b.newAmount!, ...note };
};

export const invoiceRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/invoices',
    operationId: 'listInvoices',
    summary: 'List invoices',
    description:
      'By due date, oldest first. Without customerId only invoices still chased (open, promised, disputed, paused, payment_claimed) are listed; other statuses need customerId. dueBefore and dueAfter are exclusive; bucket is the ageing bucket today in the tenant time zone.',
    tag: 'invoices',
    access: 'read',
    query: InvoiceListQuery,
    response: { status: 200, schema: InvoiceList, description: 'One page of invoices.' },
    handle: async (c) => {
      const { limit = 50, cursor, ...filter } = c.query;
      const today = localDay(c.now, c.tenant.timeZone);
      const page = await c.deps.queries.listInvoices(c.tenant.tenantId, filter, { limit, ...(cursor ? { cursor } : {}) }, today);
      return {
        items: page.items.map((i) => invoiceResource(i, c.now, c.tenant.timeZone)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/invoices/{id}',
    operationId: 'getInvoice',
    summary: 'One invoice with its full timeline',
    description: 'The invoice with its amount due and ageing, its contact log, payments (oldest first), promises, disputes and notes, the stages done, what the timeline does next (null once nothing is planned), and `parked` when its execution ended before a wait longer than one execution may last: when the next run starts, and why.',
    tag: 'invoices',
    access: 'read',
    response: { status: 200, schema: InvoiceDetail, description: 'The invoice, its contact log, payments, promises, disputes, notes and next step.' },
    errors: [404],
    handle: async (c) => {
      const view = await c.deps.invoices.getInvoiceView(c.tenant.tenantId, c.params.id!);
      if (!view) throw new NotFoundError('invoice', c.params.id!);
      const customer = await c.deps.customers.getCustomer(c.tenant.tenantId, view.invoice.customerId);
      const next = customer ? nextStep(view, customer, c.tenant, c.now) : null;
      return invoiceDetail(view, customer, next, c.now, c.tenant.timeZone);
    },
  }),
  invoiceCommand({
    action: 'payments',
    operationId: 'recordPayment',
    movesMoney: true,
    summary: 'Record a payment',
    description: 'A partial payment lowers the amount due and the chase goes on for the rest; a full payment settles the invoice, sends the thank-you and ends the timeline. 409 on a settled invoice.',
    body: PaymentRequest,
    status: 201,
    decide: (inv, b, ctx) => recordPayment(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'promises',
    operationId: 'recordPromise',
    summary: 'Record a promise to pay',
    description: 'The chase pauses; the day after the promised date the invoice is checked, and if unpaid the broken-promise reminder goes out and the timeline resumes. 422 for a date in the past.',
    body: PromiseRequest,
    status: 201,
    decide: (inv, b, ctx) => recordPromise(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'instalment-plan',
    operationId: 'agreeInstalmentPlan',
    summary: 'Agree an instalment plan',
    description: 'Each instalment is followed like a promise; a missed instalment triggers its reminder at once.',
    body: InstalmentPlanRequest,
    status: 201,
    decide: (inv, b, ctx) => agreeInstalmentPlan(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'disputes',
    operationId: 'openDispute',
    summary: 'Open a dispute',
    description: 'The chase pauses until the dispute is resolved.',
    body: DisputeRequest,
    status: 201,
    decide: (inv, b, ctx) => openDispute(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'disputes/resolve',
    operationId: 'resolveDispute',
    movesMoney: true,
    summary: 'Resolve the open dispute',
    description: 'Upheld: a credit note or a corrected amount; what is still due is chased. Rejected: the chase resumes.',
    body: DisputeResolutionRequest,
    status: 200,
    decide: (inv, b, ctx) => resolveDispute(inv, resolution(b), ctx),
  }),
  invoiceCommand({
    action: 'pause',
    operationId: 'pauseChase',
    summary: 'Pause the chase',
    description: 'Until a date (the invoice is checked again then) or open-ended (until resumed).',
    body: PauseRequest,
    status: 200,
    decide: (inv, b, ctx) => pauseChase(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'resume',
    operationId: 'resumeChase',
    summary: 'Resume a paused chase, or restart a failed timeline',
    description:
      'Also resumes an invoice whose claimed payment did not arrive, and restarts the timeline of an open invoice that carries a failure (a step that failed past its retries, or a stream batch that did): a new run starts and the failure is cleared.',
    body: ReasonRequest,
    status: 200,
    decide: (inv, b, ctx) => resumeChase(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'escalate',
    operationId: 'escalateNow',
    summary: 'Escalate to the collection agency now',
    description: 'Ends the reminder timeline and hands the invoice to the collection agency.',
    body: ReasonRequest,
    status: 200,
    decide: (inv, b, ctx) => escalateNow(inv, b, ctx),
  }),
  invoiceCommand({
    action: 'write-off',
    operationId: 'writeOff',
    movesMoney: true,
    summary: 'Write the invoice off',
    description: 'The amount due is written off and the chase ends.',
    body: WriteOffRequest,
    status: 200,
    decide: (inv, b, ctx) => writeOff(inv, b, ctx),
  }),
  route({
    method: 'POST',
    path: '/v1/invoices/{id}/notes',
    operationId: 'addInvoiceNote',
    summary: 'Add a note to the contact log',
    description: 'A note for the people working the invoice; it changes nothing in the chase.',
    tag: 'invoices',
    access: 'write',
    body: NoteRequest,
    response: { status: 201, schema: NoteResult, description: 'The log entry written.' },
    errors: [404],
    handle: async (c) => {
      const ctx = commandContext(c);
      const r = await c.deps.commands.onInvoice(c.tenant.tenantId, c.params.id!, (inv) => addInvoiceNote(inv, c.body, ctx));
      return { events: r.events };
    },
  }),
];

export const InvoiceIdParam = lazySchema(() => z.string().check(z.minLength(1), z.maxLength(128)));
