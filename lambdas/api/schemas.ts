/**
 * The admin API's request and response shapes. These zod schemas validate every request and are
 * the single source of the OpenAPI document (openapi.ts generates it with z.toJSONSchema), so the
 * document cannot drift from what the API accepts.
 *
 * Amounts are integer minor units (cents) in the invoice's currency; dates are ISO (YYYY-MM-DD),
 * instants ISO 8601 with an offset.
 */
import * as z from 'zod/mini';
import { AGEING_BUCKETS } from '../domain/reports/ageing.js';
import { MAX_INSTALMENTS, PAYMENT_METHODS } from '../domain/commands/commands.js';
import {
  ACTIVE_STATUSES,
  Closures,
  ContactEvent,
  ContactPerson,
  Currency,
  Customer,
  CustomerId,
  DISPUTE_REASONS,
  E164,
  Invoice,
  InvoiceStatus,
  IsoDate,
  IsoDateTime,
  LIMITS,
  Language,
  MinorUnits,
  OfficeHours,
  PaymentSource,
  PolicyRef,
  RegionCode,
  SalesNoteText,
  SendWindow,
  StageId,
  TimeZone,
} from '../domain/model.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

/** Schemas of request bodies (documented as what a client sends). */
export const requestSchemas = z.registry<{ id: string; description: string }>();
/** Schemas of response bodies (documented as what the API returns). */
export const responseSchemas = z.registry<{ id: string; description: string }>();

const Text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
const PositiveAmount = lazySchema(() => MinorUnits.check(z.positive()));

// ---------------------------------------------------------------------------------------------
// requests

export const PaymentRequest = lazySchema(() => z
  .strictObject({
    amount: PositiveAmount,
    date: IsoDate,
    method: z.optional(z.enum(PAYMENT_METHODS)),
    reference: z.optional(Text(1, LIMITS.reference)),
    currency: z.optional(Currency),
  }))
  .register(requestSchemas, { id: 'PaymentRequest', description: 'A payment received. A partial payment lowers the amount due; paying it all settles the invoice.' });

const PromiseFields = lazySchema(() => ({
  date: IsoDate,
  amount: z.optional(PositiveAmount),
  by: z.optional(Text(1, LIMITS.name)),
  note: z.optional(Text(1, LIMITS.note)),
}));
export const PromiseRequest = lazySchema(() => z
  .strictObject(PromiseFields))
  .register(requestSchemas, { id: 'PromiseRequest', description: 'A promise to pay on a date (today or later, within 90 days); without an amount, the whole amount due.' });

export const InstalmentPlanRequest = lazySchema(() => z
  .strictObject({
    instalments: z.array(z.strictObject({ date: IsoDate, amount: PositiveAmount })).check(z.minLength(2), z.maxLength(MAX_INSTALMENTS)),
    by: z.optional(Text(1, LIMITS.name)),
    note: z.optional(Text(1, LIMITS.note)),
  }))
  .register(requestSchemas, { id: 'InstalmentPlanRequest', description: 'Instalments in date order that add up to the amount due.' });

export const DisputeRequest = lazySchema(() => z
  .strictObject({ reason: z.enum(DISPUTE_REASONS), text: z.optional(Text(0, LIMITS.text)) }))
  .register(requestSchemas, { id: 'DisputeRequest', description: 'The customer contests the invoice: the chase pauses until the dispute is resolved.' });

export const DisputeResolutionRequest = lazySchema(() => z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('rejected'), note: z.optional(Text(1, LIMITS.note)) }),
    z
      .strictObject({
        outcome: z.literal('upheld'),
        creditNote: z.optional(z.strictObject({ amount: PositiveAmount, reference: z.optional(Text(1, LIMITS.reference)) })),
        newAmount: z.optional(MinorUnits.check(z.nonnegative())),
        note: z.optional(Text(1, LIMITS.note)),
      })
      .check(
        z.refine((v) => (v.creditNote === undefined) !== (v.newAmount === undefined), {
          message: 'an upheld dispute needs exactly one of creditNote or newAmount',
          path: ['creditNote'],
        }),
      ),
  ]))
  .register(requestSchemas, {
    id: 'DisputeResolutionRequest',
    description: 'Rejected: the chase resumes. Upheld: a credit note lowers the amount, or newAmount corrects it; what is still due is chased.',
  });

export const PauseRequest = lazySchema(() => z
  .strictObject({ until: z.optional(IsoDate), reason: Text(1, LIMITS.reason) }))
  .register(requestSchemas, { id: 'PauseRequest', description: 'Pause the chase until a date (then it resumes by itself) or until resumed.' });

export const ReasonRequest = lazySchema(() => z
  .strictObject({ reason: z.optional(Text(1, LIMITS.reason)) }))
  .register(requestSchemas, { id: 'ReasonRequest', description: 'An optional reason, kept in the contact log.' });

export const WriteOffRequest = lazySchema(() => z
  .strictObject({ reason: Text(1, LIMITS.reason) }))
  .register(requestSchemas, { id: 'WriteOffRequest', description: 'Write the amount due off: the chase ends.' });

export const NoteRequest = lazySchema(() => z
  .strictObject({ text: Text(1, LIMITS.text) }))
  .register(requestSchemas, { id: 'NoteRequest', description: 'A note for the contact log.' });

export const SalesNoteRequest = lazySchema(() => z
  .strictObject({ text: SalesNoteText }))
  .register(requestSchemas, { id: 'SalesNoteRequest', description: `A sales note (how to approach this customer), at most ${LIMITS.salesNote} characters; a customer keeps at most ${LIMITS.salesNotes}.` });

export const CallOutcomeRequest = lazySchema(() => z
  .strictObject({
    reached: z.boolean(),
    note: z.optional(Text(1, LIMITS.note)),
    promise: z.optional(z.strictObject(PromiseFields)),
    newContact: z.optional(ContactPerson),
    day: z.optional(IsoDate),
  }))
  .register(requestSchemas, {
    id: 'CallOutcomeRequest',
    description: 'What a call achieved. A promise obtained is recorded like any promise; a new contact person becomes the billing contact. `day` is the queue day of the call task (today by default).',
  });

const nullable = <T extends z.ZodMiniType>(s: T) => z.optional(z.nullable(s));
export const CustomerPatchRequest = lazySchema(() => z
  .strictObject({
    name: z.optional(Text(1, LIMITS.name)),
    email: nullable(z.email()),
    phone: nullable(E164),
    billingContact: nullable(ContactPerson),
    salesRep: nullable(ContactPerson),
    language: z.optional(Language),
    timeZone: z.optional(TimeZone),
    officeHours: z.optional(OfficeHours),
    paymentDays: z.optional(z.array(z.int().check(z.minimum(1), z.maximum(31))).check(z.maxLength(31))),
    paymentTermsDays: z.optional(z.int().check(z.minimum(0), z.maximum(365))),
    /** A built-in policy or one of the company's (GET /v1/policies); an unknown one is refused. */
    policy: nullable(PolicyRef),
    /** The customer's segment tag: a policy for it in the tenant's segmentPolicies applies when the customer has none of its own. */
    segment: nullable(PolicyRef),
    preserveRelationship: z.optional(z.boolean()),
    /** The customer's city: its patron saint's day (Milan 7 December, Rome 29 June…) is a holiday there. */
    city: nullable(Text(1, 100)),
    /** A state or region of the customer's country as date-holidays codes it (DE "BY", IT "25"); one the country has not is refused (422). */
    region: nullable(RegionCode),
    /** The customer's closures, replacing the stored ones ([] clears them). */
    closures: z.optional(Closures),
    /** When messages may leave for this customer, over the policy's window. */
    sendWindow: nullable(SendWindow),
  }))
  .register(requestSchemas, { id: 'CustomerPatchRequest', description: 'Fields to change; null removes an optional field.' });

// ---------------------------------------------------------------------------------------------
// path parameters

/** `{id}` of a customer route: a customer id (no '#'), refused with 400 naming it rather than looked up. */
export const customerIdParam = { id: CustomerId } as const;

// ---------------------------------------------------------------------------------------------
// query strings (documented as parameters, not components)

export const InvoiceListQuery = lazySchema(() => z.strictObject({
  status: z.optional(
    InvoiceStatus.check(
      z.describe(
        `Only invoices in this status. Without customerId only the statuses still chased (${ACTIVE_STATUSES.join(', ')}) can be listed; any other status (paid, escalated, written_off…) needs customerId, or the answer is 400 \`unsupported_filter\` naming status.`,
      ),
    ),
  ),
  customerId: z.optional(CustomerId.check(z.describe("One customer's invoices, in every status."))),
  bucket: z.optional(z.enum(AGEING_BUCKETS).check(z.describe('The ageing bucket today, in the tenant time zone.'))),
  dueBefore: z.optional(IsoDate.check(z.describe('Due before this day (exclusive).'))),
  dueAfter: z.optional(IsoDate.check(z.describe('Due after this day (exclusive).'))),
  needsContact: z.optional(z.stringbool().check(z.describe("true: only invoices whose chase waits for a working contact (the customer's e-mail or phone to be fixed); false: only the others."))),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100), z.describe('Invoices per page, 1 to 100 (50 by default).'))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096), z.describe("The previous page's nextCursor, with the same filters."))),
}));

export const CallQueueQuery = lazySchema(() => z.strictObject({ day: z.optional(IsoDate.check(z.describe('The queue day, in the tenant time zone (today by default).'))) }));

// ---------------------------------------------------------------------------------------------
// responses

export const ErrorResponse = lazySchema(() => z
  .object({
    code: z.string(),
    message: z.string(),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  }))
  .register(responseSchemas, { id: 'Error', description: 'What went wrong, for a person; `errors` names each invalid field.' });

export const InvoiceResource = lazySchema(() => z
  .extend(Invoice, {
    amountDue: MinorUnits,
    daysPastDue: z.int(),
    bucket: z.enum(AGEING_BUCKETS),
  }))
  .register(responseSchemas, { id: 'Invoice', description: 'An invoice with its amount due and ageing in the tenant time zone.' });

export const InvoiceList = lazySchema(() => z
  .object({ items: z.array(InvoiceResource), nextCursor: z.optional(z.string()) }))
  .register(responseSchemas, { id: 'InvoiceList', description: 'One page of invoices by due date; pass nextCursor as `cursor` for the next page.' });

export const PaymentResource = lazySchema(() => z
  .object({
    paymentId: z.string(),
    amount: MinorUnits,
    currency: Currency,
    date: IsoDate,
    method: z.optional(z.string()),
    reference: z.optional(z.string()),
    recordedAt: IsoDateTime,
    /** Who recorded it: 'bank', 'customer', or the admin user's id (the token's `sub`). */
    actor: z.string(),
    /** The admin user's e-mail, when their token said it was verified. */
    actorEmail: z.optional(z.string()),
    /** Where it came from: a bank statement's entry, the API, a customer link, the customer's own credit ('credit', method 'offset'). */
    source: z.optional(PaymentSource),
    /** The payment was taken back (returned by the bank, or its match undone): it no longer counts as paid. */
    reversed: z.optional(z.object({ at: IsoDateTime, by: z.string(), kind: z.enum(['return', 'undo']), reason: z.optional(z.string()), creditId: z.optional(z.string()) })),
  }))
  .register(responseSchemas, { id: 'Payment', description: 'A recorded payment; `reversed` once it was taken back.' });

export const LogEntry = ContactEvent.register(responseSchemas, { id: 'ContactEvent', description: 'One entry of the append-only contact log.' });

export const NextStep = lazySchema(() => z
  .object({
    /** A stage, or 'promiseCheck' when the invoice waits for a promise, an instalment or a pause to end. */
    step: z.union([StageId, z.literal('promiseCheck')]),
    at: IsoDateTime,
    reason: z.string(),
    /** Every stage still to come, in order, with when the planner places it now (empty while a promise or pause is waited for). */
    planned: z.array(z.object({ stage: StageId, at: IsoDateTime })),
  }))
  .register(responseSchemas, { id: 'NextStep', description: 'What the timeline does next, and when, and the stages planned after it.' });

export const ParkedTimeline = lazySchema(() => z
  .object({
    /** When the next run of the timeline starts (the schedule's hourly turn starts it within the hour). */
    resumesAt: IsoDateTime,
    /** The wake-up's moment has passed: the next turn of the schedule starts the run. */
    due: z.boolean(),
    /** What the next run waits for first, as the planner places it now. */
    waitsFor: z.optional(z.object({ step: z.union([StageId, z.literal('promiseCheck')]), at: IsoDateTime })),
    reason: z.string(),
  }))
  .register(responseSchemas, {
    id: 'ParkedTimeline',
    description: "The timeline's execution ended before a wait longer than one execution may last (Step Functions ends an execution a year after its start); a new run starts at `resumesAt`.",
  });

export const InvoiceDetail = lazySchema(() => z
  .object({
    invoice: InvoiceResource,
    customer: z.object({ customerId: z.string(), name: z.string() }),
    /** A reminder is being sent right now. */
    sending: z.boolean(),
    next: z.nullable(NextStep),
    /** The timeline waits in no execution, for a later run (null while an execution carries it, or once it is no longer chased). */
    parked: z.nullable(ParkedTimeline),
    log: z.array(LogEntry),
    payments: z.array(PaymentResource),
    promises: z.array(LogEntry),
    disputes: z.array(LogEntry),
    notes: z.array(LogEntry),
    stagesDone: z.array(z.object({ stage: z.string(), at: z.string() })),
  }))
  .register(responseSchemas, { id: 'InvoiceDetail', description: 'An invoice with its full timeline: log, payments, promises, disputes, notes and the next scheduled step.' });

export const CommandResult = lazySchema(() => z
  .object({
    invoice: InvoiceResource,
    events: z.array(LogEntry),
    payment: z.optional(PaymentResource),
    stoppedExecution: z.optional(z.string()),
  }))
  .register(responseSchemas, { id: 'CommandResult', description: 'The invoice after the command, the log entries it wrote, and the execution it stopped.' });

export const NoteResult = lazySchema(() => z
  .object({ events: z.array(LogEntry) }))
  .register(responseSchemas, { id: 'NoteResult', description: 'The log entries written.' });

const CallInvoice = lazySchema(() => z.object({
  invoiceId: z.string(),
  invoiceNumber: z.optional(z.string()),
  currency: z.optional(z.string()),
  /** Today's amount due (live), minor units. */
  amountDue: z.optional(MinorUnits),
  daysPastDue: z.optional(z.int()),
  status: z.optional(z.string()),
  /** What the call achieved for this invoice, once logged. */
  outcome: z.optional(z.record(z.string(), z.unknown())),
}));

export const CallTask = lazySchema(() => z
  .object({
    day: IsoDate,
    customerId: z.string(),
    /** The call's first invoice (the one whose stage placed it); `invoices` lists all of them. */
    invoiceId: z.string(),
    /** One call per customer per day: every invoice on it logs this id. */
    callId: z.optional(z.string()),
    summary: z.optional(z.string()),
    /** The invoices the call is about (their call stage is done by it), oldest due date first. */
    invoices: z.optional(z.array(CallInvoice)),
    /** The customer's other overdue invoices, to mention on the call. */
    alsoOverdue: z.optional(z.array(CallInvoice)),
    /** Owed on `invoices` and `alsoOverdue`, per currency (never summed across currencies). */
    totals: z.optional(z.array(z.object({ currency: z.string(), amountDue: MinorUnits }))),
    /** An outcome was logged for every invoice on the call. */
    done: z.optional(z.boolean()),
    customerName: z.optional(z.string()),
    invoiceNumber: z.optional(z.string()),
    phone: z.optional(z.string()),
    contactName: z.optional(z.string()),
    timeZone: z.optional(z.string()),
    officeHours: z.optional(OfficeHours),
    /** When to call, if the call-task writer chose a slot. */
    callAt: z.optional(z.string()),
    currency: z.optional(z.string()),
    amountDue: z.optional(MinorUnits),
    daysPastDue: z.optional(z.int()),
    talkingPoints: z.array(z.string()),
    salesNotes: z.array(z.string()),
    outcome: z.optional(z.record(z.string(), z.unknown())),
  }))
  .register(responseSchemas, { id: 'CallTask', description: 'Someone to call: when their office answers, the number, the amount, what to say.' });

export const CallQueue = lazySchema(() => z
  .object({ day: IsoDate, timeZone: z.string(), calls: z.array(CallTask) }))
  .register(responseSchemas, { id: 'CallQueue', description: "The finance team's calls for one day in the tenant time zone." });

export const CallOutcomeResult = lazySchema(() => z
  .object({
    invoice: InvoiceResource,
    events: z.array(LogEntry),
    stoppedExecution: z.optional(z.string()),
    customerUpdated: z.boolean(),
    /** The customer's call of the day the outcome completed. */
    callId: z.optional(z.string()),
    /** The other invoices on the same call: the outcome (and a promise obtained) applies to each. */
    otherInvoices: z.optional(z.array(z.object({ invoice: InvoiceResource, events: z.array(LogEntry), stoppedExecution: z.optional(z.string()) }))),
    /** Invoices on the call the outcome could not be applied to (paid meanwhile, busy), with why. */
    notApplied: z.optional(z.array(z.object({ invoiceId: z.string(), reason: z.string() }))),
  }))
  .register(responseSchemas, { id: 'CallOutcomeResult', description: 'The invoice after the call outcome, and the log entries written.' });

export const CustomerResource = Customer.register(responseSchemas, { id: 'Customer', description: 'A customer of the tenant.' });

export const PaymentHabitView = lazySchema(() => z
  .object({
    habitual: z.boolean(),
    late: z.int(),
    counted: z.int(),
    rule: z.object({ lateOf: z.int(), outOf: z.int(), minDaysLate: z.int() }),
    reason: z.string(),
    /** The policy whose rule was applied. */
    policy: z.string(),
  }))
  .register(responseSchemas, { id: 'PaymentHabit', description: "Whether the customer habitually pays late: its last settled invoices (paymentHistory) under its policy's rule." });

export const CustomerDetail = lazySchema(() => z
  .object({ customer: CustomerResource, history: z.array(LogEntry), paymentHabit: PaymentHabitView }))
  .register(responseSchemas, { id: 'CustomerDetail', description: 'A customer with the latest entries of its own log (contact changes, sales notes, credit holds).' });

export const Health = lazySchema(() => z.object({ status: z.literal('ok') })).register(responseSchemas, { id: 'Health', description: 'The API answers.' });
