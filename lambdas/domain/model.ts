// The vocabulary of the product. zod/mini keeps the Lambda bundles small (issue 9: < 700 KB).
// Every schema is built on first use (lazySchema): a handler's cold start builds only those its
// invocation parses (issue 19). Schemas declared at module level elsewhere follow the same rule.
import * as z from 'zod/mini';
import { isValidIBAN } from 'ibantools';
import { STAGE_IDS, MESSAGE_KINDS } from './timeline/stages.js';
import { lazySchema } from './shared/lazy-schema.js';

export const LANGUAGES = ['it', 'en', 'ro'] as const;
export const Language = lazySchema(() => z.enum(LANGUAGES));
export type Language = z.infer<typeof Language>;

// Built on first use: asking ICU for every currency costs about a millisecond at every cold start.
let isoCurrencies: ReadonlySet<string> | undefined;
export const isIsoCurrency = (code: string): boolean => (isoCurrencies ??= new Set(Intl.supportedValuesOf('currency'))).has(code);

export const Currency = lazySchema(() => z.string().check(
  z.refine(isIsoCurrency, { message: 'not an ISO 4217 currency code (e.g. EUR, RON, GBP)' }),
));
export type Currency = z.infer<typeof Currency>;

/** Integer minor units (cents). Never floats. */
export const MinorUnits = lazySchema(() => z.int().check(z.refine(Number.isSafeInteger, { message: 'amount out of range' })));

export const IsoDate = lazySchema(() => z.iso.date());
export const IsoDateTime = lazySchema(() => z.iso.datetime({ offset: true }));
export const TimeZone = lazySchema(() => z.string().check(
  z.refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, { message: 'not an IANA time zone (e.g. Europe/Rome)' }),
));
export const Country = lazySchema(() => z.string().check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. IT')));
export const HourMinute = lazySchema(() => z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM')));
export const E164 = lazySchema(() => z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'phone number in E.164 form, e.g. +393471234567')));
export const Iban = lazySchema(() => z.string().check(z.refine((v) => isValidIBAN(v.replace(/\s+/g, '')), { message: 'not a valid IBAN' })));
const Text = (max: number) => z.string().check(z.maxLength(max));

/**
 * Every length limit of what people write, in one place: the model's schemas, the admin API's
 * request schemas and the file parsers read them from here, so nothing is accepted that the
 * model cannot read back (issue 20, item 1).
 */
export const LIMITS = {
  name: 200,
  /** A promise's, a plan's, a resolution's, a call outcome's note. */
  note: 2000,
  /** A dispute's text and a note in an invoice's contact log. */
  text: 4000,
  reason: 500,
  reference: 140,
  salesNote: 2000,
  /** Sales notes a customer keeps: each is an item of its own, the customer item holds their ids only. */
  salesNotes: 50,
  /** A customer's other invoices read in full for one message or one call, the most overdue first (issue 20). */
  siblingsRead: 50,
  /** Of those, how many are read at once, so one customer with many invoices cannot take the table's read capacity. */
  siblingReadsInFlight: 8,
  /**
   * Promises to pay a customer may record on one invoice through its links, in the invoice's life
   * (issue 20): beyond them the finance team agrees the next date (the admin API has no cap).
   */
  selfServicePromises: 3,
  /** Payments a customer may report on one invoice through its links ("I have paid"), in the invoice's life. */
  selfServicePaymentClaims: 3,
} as const;

const Name = lazySchema(() => z.string().check(z.minLength(1), z.maxLength(LIMITS.name)));
/**
 * `#` separates the parts of the table's keys (a call queue's `<customerId>#<invoiceId>`): an id
 * holding one would share a key prefix with another customer's (`ACME` and `ACME#EU`). Refused, not
 * encoded, everywhere an id comes in: the model, the admin API's paths and query, the file readers.
 */
export const CUSTOMER_ID_MAX = 100;
export const CUSTOMER_ID_HASH = "cannot contain '#': it separates the parts of the table's keys (ACME and ACME#EU would share one)";
export const CustomerId = lazySchema(() => z.string().check(z.minLength(1), z.maxLength(CUSTOMER_ID_MAX), z.regex(/^[^#]*$/, `a customer id ${CUSTOMER_ID_HASH}`)));

/** Why a customer id from a file or a request cannot be one, or undefined when it can. */
export const customerIdProblem = (id: string): string | undefined =>
  id.length === 0 ? 'required: the customer code' : id.length > CUSTOMER_ID_MAX ? `longer than ${CUSTOMER_ID_MAX} characters` : id.includes('#') ? CUSTOMER_ID_HASH : undefined;

export const StageId = lazySchema(() => z.enum(STAGE_IDS));
export type StageId = z.infer<typeof StageId>;
export const MessageKind = lazySchema(() => z.enum(MESSAGE_KINDS));
export type MessageKind = z.infer<typeof MessageKind>;

export const TONES = ['gentle', 'standard', 'firm'] as const;
export const Tone = lazySchema(() => z.enum(TONES));
export type Tone = z.infer<typeof Tone>;

export const POLICY_IDS = ['relationship', 'standard', 'firm'] as const;
export const PolicyId = lazySchema(() => z.enum(POLICY_IDS));
export type PolicyId = z.infer<typeof PolicyId>;
/** A policy named by a customer, a segment or the company default: a built-in id or a company policy's slug. */
export const PolicyRef = lazySchema(() => z.string().check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a policy id: lower-case letters, digits and single hyphens'), z.maxLength(64)));
export type PolicyRef = z.infer<typeof PolicyRef>;

/** How many settled invoices the customer record keeps for the habit (Customer.paymentHistory). */
export const HABIT_HISTORY = 10;

/** A habitual late payer: `lateOf` of its last `outOf` settled invoices at least `minDaysLate` days late (Policy.habitual, CompanyPolicy.habitualLatePayers). */
export const HabitThresholds = lazySchema(() => ({
  lateOf: z._default(z.int().check(z.minimum(1), z.maximum(HABIT_HISTORY)), 3),
  outOf: z._default(z.int().check(z.minimum(1), z.maximum(HABIT_HISTORY)), 5),
  minDaysLate: z._default(z.int().check(z.minimum(1), z.maximum(365)), 1),
}));

/** The furthest ahead of an instalment its reminder may come: beyond two weeks it is forgotten by the date. */
export const MAX_INSTALMENT_REMINDER_DAYS = 14;

export const StageRule = lazySchema(() => z.object({
  enabled: z.boolean(),
  /** Days from the anchor (issue date for receiptCheck, due date for every other stage). */
  offsetDays: z.int(),
  sms: z._default(z.boolean(), false),
  /** This stage's own tone, where it differs from the policy's. */
  tone: z.optional(Tone),
  /** Never sooner than this many days after the previous contact about the invoice (a policy's offsets "from the previous contact"). */
  afterPreviousDays: z.optional(z.int().check(z.minimum(1))),
}));
export type StageRule = z.infer<typeof StageRule>;

/** An extra written reminder's id: the step key is `extra:<id>` (timeline/stages.ts). */
export const ExtraId = lazySchema(() => z.string().check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a slug: lower-case letters, digits and single hyphens'), z.maxLength(40)));
/** A step of the timeline as the invoice records it: a known stage or `extra:<id>`. */
export const StepId = lazySchema(() => z.union([StageId, z.templateLiteral(['extra:', z.string()]).check(z.regex(/^extra:[a-z0-9]+(-[a-z0-9]+)*$/, 'a step: a stage id or extra:<id>'), z.maxLength(46))]));
export type StepId = z.infer<typeof StepId>;

/**
 * An extra written reminder of a company policy (the `furtherReminder` message): it follows the
 * stage `after`, in the order listed, before the next known stage.
 */
export const ExtraRule = lazySchema(() => z.object({
  id: ExtraId,
  after: StageId,
  /** Days from the due date (resolved from the company's "from": "previous" at compile time). */
  offsetDays: z.int(),
  sms: z._default(z.boolean(), false),
  tone: z.optional(Tone),
  /** Never sooner than this many days after the previous contact about the invoice. */
  afterPreviousDays: z.optional(z.int().check(z.minimum(1))),
}));
export type ExtraRule = z.infer<typeof ExtraRule>;

/** A credit hold or hand-off waits until the invoice is this late and its open amount at least this much. */
export const StageThreshold = lazySchema(() => z.object({
  minDaysLate: z._default(z.int().check(z.minimum(0)), 0),
  /** Currency -> minimum open amount in minor units; a currency not named has no minimum. */
  minAmountMinor: z._default(z.record(Currency, z.int().check(z.minimum(0))), {}),
}));
export type StageThreshold = z.infer<typeof StageThreshold>;

export const Policy = lazySchema(() => z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The stored version the timeline was planned with (company policies; the built-ins are 1). */
  version: z._default(z.int().check(z.minimum(1)), 1),
  name: z.optional(Text(100)),
  tone: Tone,
  stages: z.record(StageId, StageRule),
  /** Extra written reminders between the known stages (company policies; the built-ins have none). */
  extraReminders: z._default(z.array(ExtraRule), []),
  /** Minimum gap between two contacts about one invoice (backlog rule). */
  minGapDays: z._default(z.int().check(z.minimum(1)), 5),
  sendWindow: z._default(z.object({ from: HourMinute, to: HourMinute }), { from: '09:00', to: '18:00' }),
  /** ISO weekdays (1 = Monday) no e-mail or SMS leaves on; a stage then moves to the next open day. */
  quietDays: z._default(z.array(z.int().check(z.minimum(1), z.maximum(7))).check(z.maxLength(7)), []),
  showInterest: z._default(z.boolean(), true),
  /** Whether the fixed compensation (Directive 2011/7/EU art. 6) is claimed beside the interest. */
  showCompensation: z._default(z.boolean(), true),
  /** The first stage whose message claims interest and the compensation (when showInterest); absent: every overdue message that can. */
  interestFromStage: z.optional(StageId),
  emailsPerWeek: z._default(z.int().check(z.minimum(1)), 3),
  smsPerWeek: z._default(z.int().check(z.minimum(0)), 1),
  /** At escalation: send the dossier to the agency, or only prepare it for the finance team. */
  escalation: z._default(z.enum(['send', 'prepare']), 'send'),
  creditHoldThreshold: z.optional(StageThreshold),
  escalationThreshold: z.optional(StageThreshold),
  /** A promise is checked the morning after its date plus these days. */
  promises: z._default(z.object({ graceDays: z._default(z.int().check(z.minimum(0), z.maximum(30)), 0) }), { graceDays: 0 }),
  /**
   * Payment plans: a missed instalment is followed up the morning after with the missed-instalment
   * reminder and given `graceDays` before the plan is cancelled (0: the first miss cancels it);
   * `reminderDaysBefore` days before each instalment the customer hears of it (timeline/instalment-reminder.ts).
   */
  plans: z._default(
    z.object({
      graceDays: z._default(z.int().check(z.minimum(0), z.maximum(30)), 0),
      /** The instalment reminder this many days before each instalment, on a send day (0: none). */
      reminderDaysBefore: z._default(z.int().check(z.minimum(0), z.maximum(MAX_INSTALMENT_REMINDER_DAYS)), 0),
    }),
    { graceDays: 0, reminderDaysBefore: 0 },
  ),
  /**
   * Habitual late payers (timeline/payment-habit.ts): `lateOf` of the customer's last `outOf`
   * settled invoices at least `minDaysLate` days late. Such a customer may get `extraBeforeDue`:
   * the pre-due reminder switched on at `offsetDays` where the policy has none, and a short SMS
   * with it where `sms` (absent: nothing extra, as before).
   */
  habitual: z._default(
    z.object({
      ...HabitThresholds,
      extraBeforeDue: z.optional(z.object({ offsetDays: z.int().check(z.minimum(-60), z.maximum(-1)), sms: z._default(z.boolean(), false) })),
    }),
    { lateOf: 3, outOf: 5, minDaysLate: 1 },
  ),
}));
export type Policy = z.infer<typeof Policy>;

/** How one invoice of the customer ended: the day it was settled and how late. */
export const PaymentOutcome = lazySchema(() => z.object({
  dueDate: IsoDate,
  /** The value date of the payment that settled it; the day it was written off or escalated otherwise. */
  settledOn: IsoDate,
  daysLate: z.int().check(z.minimum(0)),
  how: z.enum(['paid', 'written_off', 'escalated']),
}));
export type PaymentOutcome = z.infer<typeof PaymentOutcome>;

export const OfficeHours = lazySchema(() => z.object({
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: z.array(z.int().check(z.minimum(1), z.maximum(7))),
  from: HourMinute,
  to: HourMinute,
}));
export type OfficeHours = z.infer<typeof OfficeHours>;

/** A real calendar day as MM-DD (02-29 included: it comes in leap years) or YYYY-MM-DD. */
const isClosureDay = (s: string): boolean => {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : /^\d{2}-\d{2}$/.test(s) ? `2024-${s}` : undefined;
  return iso !== undefined && !Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) && new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
};
const ClosureDay = lazySchema(() => z.string().check(z.refine(isClosureDay, { message: 'not a day of the year as MM-DD (e.g. 08-08) nor a date as YYYY-MM-DD' })));

/**
 * Days nobody is contacted on (timeline/closures.ts): `from`..`to` inclusive, both MM-DD (every
 * year; "12-24".."01-06" crosses the new year) or both YYYY-MM-DD (once).
 */
export const Closure = lazySchema(() => z
  .object({ from: ClosureDay, to: ClosureDay, label: z.optional(Text(100)) })
  .check(
    z.refine((c) => c.from.length === c.to.length, { message: 'from and to must both be MM-DD (every year) or both YYYY-MM-DD (once)', path: ['to'] }),
    z.refine((c) => c.from.length !== 10 || c.from <= c.to, { message: 'a one-off closure must end on or after the day it starts', path: ['to'] }),
  ));
export type Closure = z.infer<typeof Closure>;
export const Closures = lazySchema(() => z.array(Closure).check(z.maxLength(50)));

/** A state or region as date-holidays codes it (DE "BY", IT "25"); whether the country has it is checked where it enters (timeline/local-holidays.ts regionProblem). */
export const RegionCode = lazySchema(() => z.string().check(z.regex(/^[A-Za-z0-9]{1,30}$/, 'a region code as date-holidays writes it, e.g. BY')));

/** A local HH:MM range messages may leave in; it must end after it starts. */
export const SendWindow = lazySchema(() => z
  .object({ from: HourMinute, to: HourMinute })
  .check(z.refine((w) => w.from < w.to, { message: 'the window must end after it starts', path: ['to'] })));

export const ContactPerson = lazySchema(() => z.object({
  name: Name,
  email: z.optional(z.email()),
  phone: z.optional(E164),
  role: z.optional(Text(100)),
}));
export type ContactPerson = z.infer<typeof ContactPerson>;

export const Customer = lazySchema(() => z.object({
  tenantId: Name,
  customerId: CustomerId,
  name: Name,
  vatId: z.optional(Text(30)),
  fiscalCode: z.optional(Text(30)),
  country: Country,
  language: Language,
  timeZone: TimeZone,
  email: z.optional(z.email()),
  emailStatus: z._default(z.enum(['ok', 'bounced', 'complained']), 'ok'),
  /** Certified e-mail (PEC, e.g. FatturaPA PECDestinatario): a legal channel, never used as the ordinary address. */
  pec: z.optional(z.email()),
  /** The postal address as the e-invoice or the file wrote it, one line. */
  address: z.optional(Text(400)),
  phone: z.optional(E164),
  smsOptOut: z._default(z.boolean(), false),
  billingContact: z.optional(ContactPerson),
  salesRep: z.optional(ContactPerson),
  officeHours: z._default(OfficeHours, { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }),
  /** The customer's city: its patron saint's day is a holiday there (timeline/local-holidays.ts). */
  city: z.optional(Text(100)),
  /** The customer's state or region as date-holidays codes it (DE "BY", IT "25" for Lombardy): its holidays count. */
  region: z.optional(RegionCode),
  /** The customer's own closures (its August break): nobody is contacted then. */
  closures: z._default(Closures, []),
  /** When messages may leave for this customer, over the policy's send window. */
  sendWindow: z.optional(SendWindow),
  /** Days of the month this customer pays on (e.g. [10, 25]); empty = any day. */
  paymentDays: z._default(z.array(z.int().check(z.minimum(1), z.maximum(31))), []),
  paymentTermsDays: z._default(z.int().check(z.minimum(0), z.maximum(365)), 30),
  /** The customer's own policy (a built-in id or one of the company's), before its segment's and the company default. */
  policy: z.optional(PolicyRef),
  /** A tag grouping customers (e.g. "retail", "key-accounts"); Tenant.segmentPolicies may name a policy for it. */
  segment: z.optional(PolicyRef),
  /** Keep the relationship first: shown to the collection agency and in call talking points. */
  preserveRelationship: z._default(z.boolean(), false),
  /**
   * Never stored on the customer item (adapters/dynamo/items.ts leaves it out): the notes are items
   * of their own (SalesNote), read apart where they are shown; empty unless such a reader filled it.
   */
  salesNotes: z._default(z.array(Text(LIMITS.salesNote)), []),
  /** The ids of the customer's sales notes (salesNoteId), at most LIMITS.salesNotes: what bounds the item. */
  salesNoteIds: z._default(z.array(z.string()).check(z.maxLength(LIMITS.salesNotes)), []),
  /**
   * The customer's credit line suspended: one hold for the customer (placed by `invoiceId`'s
   * timeline), `invoiceIds` the invoices it holds for (those that reached it later joined it).
   */
  creditHold: z.optional(
    z.object({
      placedAt: IsoDateTime,
      invoiceId: z.string(),
      /** In English, for the API and the audit; reports word the hold from `basis` in their own language. */
      reason: Text(LIMITS.reason),
      /** What the hold was placed on: the held invoices, the oldest's days late, and its number when one. */
      basis: z.optional(z.object({ invoices: z.int().check(z.minimum(1)), oldestDaysPastDue: z.int(), invoiceNumber: z.optional(z.string().check(z.maxLength(100))) })),
      holdId: z.optional(z.string()),
      invoiceIds: z.optional(z.array(z.string())),
    }),
  ),
  /**
   * Messages that left for this customer lately, across its invoices (contact-limits.ts), and their
   * write version; `kind` is what the message was (a thank-you counts for one message a day, not the caps).
   */
  recentContacts: z._default(z.array(z.object({ at: IsoDateTime, channel: z.enum(['email', 'sms']), kind: z.optional(z.string()) })), []),
  /** invoiceId -> how it ended, the latest HABIT_HISTORY kept (written by the table stream, timeline/payment-habit.ts). */
  paymentHistory: z._default(z.record(z.string(), PaymentOutcome), {}),
  contactsVersion: z._default(z.int(), 0),
  version: z._default(z.int(), 0),
}));
export type Customer = z.infer<typeof Customer>;
export type CustomerInput = z.input<typeof Customer>;

export const SalesNoteText = lazySchema(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.salesNote)));
/** A sales note (how to approach this customer): an item in the customer's partition, like its log. */
export const SalesNote = lazySchema(() => z.object({
  tenantId: z.string(),
  customerId: z.string(),
  noteId: z.string(),
  at: IsoDateTime,
  by: z.string(),
  text: SalesNoteText,
}));
export type SalesNote = z.infer<typeof SalesNote>;

export const INVOICE_STATUSES = [
  'open',
  'promised',
  'disputed',
  'paused',
  'payment_claimed',
  'paid',
  'escalated',
  'written_off',
  'not_chased',
] as const;
export const InvoiceStatus = lazySchema(() => z.enum(INVOICE_STATUSES));
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
/** Statuses where the timeline may still contact the customer or resume. */
export const ACTIVE_STATUSES: readonly InvoiceStatus[] = ['open', 'promised', 'disputed', 'paused', 'payment_claimed'];

export const Promise_ = lazySchema(() => z.object({
  date: IsoDate,
  amount: z.optional(MinorUnits),
  by: z.optional(Text(LIMITS.name)),
  note: z.optional(Text(LIMITS.note)),
  recordedAt: IsoDateTime,
  /** amountPaid the invoice must reach by `date` for the promise (or instalment) to be kept. */
  expectedPaid: z.optional(MinorUnits),
}));
export type PromiseToPay = z.infer<typeof Promise_>;

export const DISPUTE_REASONS = ['goods', 'service', 'amount', 'invoice_details', 'other'] as const;
export const Dispute = lazySchema(() => z.object({
  reason: z.enum(DISPUTE_REASONS),
  text: z._default(Text(LIMITS.text), ''),
  openedAt: IsoDateTime,
}));
export type Dispute = z.infer<typeof Dispute>;

/** An instalment plan agreed with the customer; the current instalment is also the invoice's `promise`. */
export const InstalmentPlan = lazySchema(() => z.object({
  instalments: z.array(z.object({ date: IsoDate, amount: MinorUnits })),
  /** amountPaid when the plan was agreed: instalment i is kept once amountPaid >= paidBefore + the first i amounts. */
  paidBefore: MinorUnits,
  agreedAt: IsoDateTime,
  by: z.optional(Text(LIMITS.name)),
  note: z.optional(Text(LIMITS.note)),
}));
export type InstalmentPlan = z.infer<typeof InstalmentPlan>;

/**
 * A payment taken back (domain/commands/reverse-payment.ts): the bank returned it (an SDD return,
 * a RiBa insoluto) or the finance team undid a wrong match. Kept on the invoice, where the
 * command reads it on every retry: a payment is reversed once.
 */
export const PaymentReversal = lazySchema(() => z.object({
  paymentId: z.string(),
  amount: MinorUnits,
  at: IsoDateTime,
  /** 'bank', or the admin user who undid the match. */
  by: Text(200),
  /** 'return': the bank sent the money back; 'undo': a person took a wrong match back. */
  kind: z.enum(['return', 'undo']),
  /** The bank's return reason (AM04, MD06, RIBA_UNPAID …). */
  reason: z.optional(Text(35)),
  reasonText: z.optional(Text(LIMITS.reason)),
  /** What the bank charged for the returned payment, minor units of the invoice's currency. */
  charge: z.optional(MinorUnits),
  /** The bank record behind it: the return's bank-credit id, or the credit whose match was undone. */
  creditId: z.optional(z.string()),
}));
export type PaymentReversal = z.infer<typeof PaymentReversal>;

/** A credit note netted off an invoice (domain/commands/credit-note.ts): what it took off, once per credit note. */
export const CreditNoteApplied = lazySchema(() => z.object({
  /** The credit note's own invoice id (it is stored as a not-chased document too). */
  creditNoteId: z.string().check(z.minLength(1), z.maxLength(128)),
  number: z.string().check(z.minLength(1), z.maxLength(100)),
  date: IsoDate,
  /** Taken off `amount`, minor units (0 when nothing was due: it all went to the customer's credit). */
  amount: MinorUnits,
  appliedAt: IsoDateTime,
}));
export type CreditNoteApplied = z.infer<typeof CreditNoteApplied>;

/**
 * What the Sistema di Interscambio said about a FatturaPA the company sent (domain/sdi/receipts.ts),
 * matched to the invoice by the file's name and the SdI's id for it.
 */
export const SdiState = lazySchema(() => z.object({
  /** The invoice file's name as transmitted, without .xml / .p7m, upper case (parsers/sdi-receipts.ts sdiFileStem). */
  file: z.optional(Text(100)),
  /** IdentificativoSdI: the SdI's id of the file, from its first receipt. */
  id: z.optional(Text(20)),
  /** RC: delivered to the buyer at `at`; AT: the transmission attested (a public body, after an MC). Proof of receipt. */
  delivered: z.optional(z.object({ at: IsoDateTime, by: z.enum(['RC', 'AT']) })),
  /** MC: the SdI could not deliver it; the invoice waits in the buyer's fiscal drawer (cassetto fiscale) since `at`. */
  fiscalDrawer: z.optional(z.object({ at: IsoDateTime })),
  /** NS: refused by the SdI (the invoice was never issued), with its reasons. */
  refused: z.optional(z.object({ at: IsoDateTime, reasons: z.array(Text(600)) })),
  /** NE: the public administration's answer (EC01 accepted, EC02 refused); DT: no answer within the 15 days. */
  outcome: z.optional(z.object({ code: z.enum(['EC01', 'EC02', 'DT']), at: IsoDateTime, text: z.optional(Text(1000)) })),
}));
export type SdiState = z.infer<typeof SdiState>;

export const Invoice = lazySchema(() => z.object({
  tenantId: Name,
  invoiceId: z.string().check(z.minLength(1), z.maxLength(128)),
  number: z.string().check(z.minLength(1), z.maxLength(100)),
  customerId: CustomerId,
  issueDate: IsoDate,
  dueDate: IsoDate,
  currency: Currency,
  /** Amount the customer owes on this invoice (or instalment), minor units: after the credit notes in `creditNotes`. */
  amount: MinorUnits,
  amountPaid: z._default(MinorUnits, 0),
  status: InvoiceStatus,
  paymentReference: z.optional(Text(LIMITS.reference)),
  instalment: z.optional(z.object({ index: z.int(), count: z.int() })),
  needsContact: z._default(z.boolean(), false),
  /** Incremented when a corrected invoice supersedes this one. */
  revision: z._default(z.int().check(z.minimum(1)), 1),
  /** Incremented whenever the execution is restarted (promise, resume, broken promise). */
  run: z._default(z.int().check(z.minimum(0)), 0),
  /** The company policy (and its version) the current timeline was planned with; absent under a built-in one. */
  policy: z.optional(z.object({ id: PolicyRef, version: z.int().check(z.minimum(1)) })),
  source: z.optional(z.object({ key: Text(1024), format: z.enum(['csv', 'json', 'fatturapa', 'ubl', 'cii', 'api']) })),
  /** The customer's copy: the stored original of an e-invoice (FatturaPA, UBL, CII, the Factur-X PDF), served by "view the invoice". */
  documentKey: z.optional(Text(1024)),
  /** FatturaPA: the file as the SdI knows it, and what its receipts said. */
  sdi: z.optional(SdiState),
  notChasedReason: z.optional(Text(LIMITS.reason)),
  promise: z.optional(Promise_),
  dispute: z.optional(Dispute),
  plan: z.optional(InstalmentPlan),
  pause: z.optional(z.object({ until: z.optional(IsoDate), reason: Text(LIMITS.reason) })),
  /**
   * What the customer recorded on this invoice through its links, counted for the caps in LIMITS
   * (selfServicePromises, selfServicePaymentClaims); kept across corrections (a new revision).
   */
  selfService: z.optional(z.object({ promises: z._default(z.int().check(z.minimum(0)), 0), paymentClaims: z._default(z.int().check(z.minimum(0)), 0) })),
  /** Status payment_claimed: when the customer reported paying (the grace period runs from `at`). */
  paymentClaim: z.optional(z.object({ at: IsoDateTime, paidOn: z.optional(IsoDate), reference: z.optional(Text(LIMITS.reference)), note: z.optional(Text(LIMITS.note)) })),
  lastContactAt: z.optional(IsoDateTime),
  /** A stage held back by the customer's contact limits: the planner places it at `until` or later. */
  deferral: z.optional(z.object({ stage: StepId, until: IsoDateTime, reason: Text(LIMITS.reason) })),
  /**
   * The timeline's execution ended because its plan reached past what one execution may wait
   * (domain/timeline/execution-year.ts): the next run starts then (adapters/dynamo-timeline-wake-ups.ts).
   */
  resumeAt: z.optional(IsoDateTime),
  /**
   * Why the timeline stopped: a step that failed past its retries (RecordFailure), a stream batch
   * given up (state TableStream), or the execution itself ended (state Execution, with its status
   * and name: domain/timeline/ended-execution.ts). Resume restarts the timeline and clears it.
   */
  failure: z.optional(
    z.object({
      at: IsoDateTime,
      state: Text(200),
      error: Text(200),
      cause: Text(2000),
      status: z.optional(z.enum(['FAILED', 'TIMED_OUT', 'ABORTED'])),
      execution: z.optional(Text(80)),
    }),
  ),
  /**
   * What the company let go when the last payment came short by no more than its tolerance (bank
   * charges the customer's bank kept): the invoice is settled, and this much was not received.
   */
  settledDifference: z.optional(z.object({ amount: MinorUnits, reason: Text(200), at: IsoDateTime, paymentId: z.optional(z.string()) })),
  /** Payments taken back, oldest first, each with the bank's charge for it when there was one. */
  reversals: z.optional(z.array(PaymentReversal)),
  /** Credit notes that lowered `amount`; the invoice as issued is `amount` + their sum (originalAmount). */
  creditNotes: z.optional(z.array(CreditNoteApplied)),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
}));
export type Invoice = z.infer<typeof Invoice>;
export type InvoiceInput = z.input<typeof Invoice>;

/** What is still to be paid: the amount less what was paid and any difference let go when it was settled. */
export const amountDue = (inv: Pick<Invoice, 'amount' | 'amountPaid'> & Partial<Pick<Invoice, 'settledDifference'>>): number =>
  inv.amount - inv.amountPaid - (inv.settledDifference?.amount ?? 0);

/** What credit notes took off the invoice. */
export const creditedAmount = (inv: Pick<Invoice, 'creditNotes'>): number => (inv.creditNotes ?? []).reduce((s, c) => s + c.amount, 0);

/** The amount as the invoice was issued, before credit notes. */
export const originalAmount = (inv: Pick<Invoice, 'amount' | 'creditNotes'>): number => inv.amount + creditedAmount(inv);

export const CONTACT_EVENT_TYPES = [
  'ingested',
  'superseded',
  'message',
  'call_task',
  'call_outcome',
  'credit_hold',
  'credit_hold_released',
  'escalation',
  'payment',
  'payment_claimed',
  'promise',
  'promise_kept',
  'promise_broken',
  'dispute',
  'dispute_resolved',
  'pause',
  'resume',
  'write_off',
  'note',
  'link_view',
  /** The open-tracking pixel of a message was fetched (only with tenant.openTracking). */
  'message_opened',
  'link_click',
  'delivery',
  'deferred',
  'failure',
  'contact_added',
  /** Customer-level: a finance user changed the customer's record (fields named in details). */
  'customer_updated',
  /** An e-mail to someone on the supplier's side about this invoice (the sales rep, at a credit hold). */
  'internal_notice',
  /** The collection dossier: prepared in S3 (outcome 'recorded') or sent to the agency (e-mail outcome). */
  'dossier',
  /** The customer asked for an instalment plan (through a link): a task for the finance team. */
  'plan_requested',
  /** The customer named a new billing contact (through a link): applied once the finance team confirms. */
  'contact_change_requested',
  /** The customer opted out of SMS (STOP). */
  'opt_out',
  /** A credit note lowered the amount due (domain/commands/credit-note.ts). */
  'credit_note',
  /** A payment taken back: returned by the bank (reason, charge) or a match undone by the finance team. */
  'payment_reversed',
  /** A notification of the Sistema di Interscambio about the invoice (RC, MC, NS, NE, DT, AT: domain/sdi/receipts.ts). */
  'sdi_receipt',
] as const;
export const ContactEventType = lazySchema(() => z.enum(CONTACT_EVENT_TYPES));
export type ContactEventType = z.infer<typeof ContactEventType>;

export const Channel = lazySchema(() => z.enum(['email', 'sms', 'phone', 'event', 'api', 'link', 'system']));
export type Channel = z.infer<typeof Channel>;

/** One append-only entry of an invoice's contact log. */
export const ContactEvent = lazySchema(() => z.object({
  tenantId: Name,
  invoiceId: z.string(),
  eventId: z.string(),
  at: IsoDateTime,
  type: ContactEventType,
  channel: Channel,
  /** 'system', 'customer', 'bank', 'sdi', or the admin user's id (the token's `sub`, never the e-mail: a user can change that). */
  actor: Text(200),
  /** The admin user's e-mail when their token said it was verified, for people to read beside the id. */
  actorEmail: z.optional(Text(320)),
  stage: z.optional(z.union([StepId, MessageKind])),
  to: z.optional(Text(320)),
  messageId: z.optional(Text(200)),
  outcome: z.optional(z.enum(['pending', 'sent', 'failed', 'delivered', 'bounced', 'complained', 'skipped', 'recorded'])),
  details: z.optional(z.record(z.string(), z.unknown())),
}));
export type ContactEvent = z.infer<typeof ContactEvent>;

export const PaymentSource = lazySchema(() => z.object({
  /** 'credit': the customer's own credit (an overpayment's or a credit note's rest) offset against the invoice (domain/commands/customer-credit.ts). */
  kind: z.enum(['statement', 'api', 'link', 'credit']),
  /** The statement's object key (bank/…). */
  file: z.optional(z.string()),
  /** The entry's 1-based index in that file. */
  entry: z.optional(z.number()),
  /** The bank credit (adapters/dynamo-bank-credits.ts) the payment was applied from; for 'credit', the customer credit's id. */
  creditId: z.optional(z.string()),
}));
export type PaymentSource = z.infer<typeof PaymentSource>;

/** A payment recorded on an invoice (the admin API's payments, the dossier's history). */
export const Payment = lazySchema(() => z.object({
  paymentId: z.string(),
  /** Minor units. */
  amount: z.number(),
  currency: z.string(),
  /** The day the customer paid (value date). */
  date: z.string(),
  method: z.optional(z.string()),
  reference: z.optional(z.string()),
  recordedAt: z.string(),
  /** Who recorded it: 'bank', 'customer', or the admin user's id (the token's `sub`). */
  actor: z.string(),
  /** The admin user's verified e-mail, for people to read. */
  actorEmail: z.optional(z.string()),
  /** Where the payment came from: a bank statement's entry (file key, entry, bank-credit id), the API, a customer link. */
  source: z.optional(PaymentSource),
  /** Set once the payment was taken back (the invoice's `reversals` says why): it no longer counts as paid. */
  reversed: z.optional(z.object({ at: z.string(), by: z.string(), kind: z.enum(['return', 'undo']), reason: z.optional(z.string()), creditId: z.optional(z.string()) })),
}));
export type Payment = z.infer<typeof Payment>;

/** The supplier (tenant) on whose behalf Sollecito writes. */
export const Tenant = lazySchema(() => z.object({
  tenantId: Name,
  name: Name,
  vatId: z.optional(Text(30)),
  address: z.optional(Text(400)),
  email: z.email(),
  phone: z.optional(E164),
  website: z.optional(Text(200)),
  iban: Iban,
  bic: z.optional(Text(11)),
  /**
   * The company's bank accounts whose statements Sollecito reads (domain/bank/accounts.ts); absent:
   * the one account `iban`, in any currency.
   */
  bankAccounts: z.optional(z.array(z.object({ iban: z.optional(Iban), otherId: z.optional(Text(70)), currency: z.optional(Currency) }))),
  /**
   * How often the company's bank statements arrive (domain/bank/statement-freshness.ts): a credit
   * hold or a hand-off waits while the newest is older than expected by more than
   * `staleAfterBusinessDays`. Absent: the company sends no statements, and nothing waits for them.
   */
  bankStatements: z.optional(
    z.object({
      everyBusinessDays: z._default(z.int().check(z.minimum(1), z.maximum(22)), 1),
      staleAfterBusinessDays: z._default(z.int().check(z.minimum(0), z.maximum(22)), 2),
    }),
  ),
  country: Country,
  timeZone: TimeZone,
  /** The company's closures (the August break, Christmas to Epiphany): no reminder, SMS or call then. */
  closures: z._default(Closures, []),
  defaultPolicy: PolicyRef,
  /** Segment tag -> policy, for customers of that segment without a policy of their own. */
  segmentPolicies: z._default(z.record(PolicyRef, PolicyRef), {}),
  /** Language of the finance team: internal notices, call sheets, reports. */
  language: z._default(Language, 'en'),
  /** Payment-claimed invoices wait this long for the finance team to confirm before the chase resumes. */
  paymentClaimGraceDays: z._default(z.int().check(z.minimum(1), z.maximum(60)), 7),
  financeInboxes: z.array(z.email()),
  /** A 1x1 image in every e-mail that logs when it is opened. Off by default: opens are personal data and unreliable. */
  openTracking: z._default(z.boolean(), false),
  agency: z.optional(z.object({ name: Name, email: z.email() })),
  /**
   * How far short of what is due a bank credit may come and still settle the invoice (bank charges
   * the payer's bank kept), per currency, minor units: `[{ "currency": "EUR", "shortBy": 200 }]` is
   * up to 2.00 EUR. The difference is recorded on the invoice (settledDifference). Absent: none.
   */
  paymentTolerances: z.optional(z.array(z.object({ currency: Currency, shortBy: z.int().check(z.minimum(1), z.maximum(100_000)) })).check(z.maxLength(20))),
}));
export type Tenant = z.infer<typeof Tenant>;
