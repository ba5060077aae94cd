/**
 * The ageing report's shapes for the admin API (GET /v1/reports/ageing): the query string and the
 * JSON answer, which is domain/report.ts's AgeingReport. Registered for the OpenAPI document.
 */
import * as z from 'zod/mini';
import { AGEING_BUCKETS } from '../domain/reports/ageing.js';
import { Currency, IsoDate, IsoDateTime, Language, MinorUnits, StageId } from '../domain/model.js';
import { responseSchemas } from './schemas.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const AgeingReportQuery = lazySchema(() => z.strictObject({
  /** json (default) or csv. */
  format: z._default(z.enum(['json', 'csv']), 'json'),
  /** CSV only: one row per customer and currency (default) or one per open invoice. */
  rows: z._default(z.enum(['customers', 'invoices']), 'customers'),
  /** CSV only: the language of the headers; the tenant's by default. */
  lang: z.optional(Language),
}));

const Buckets = lazySchema(() => z.object(Object.fromEntries(AGEING_BUCKETS.map((b) => [b, MinorUnits])) as Record<(typeof AGEING_BUCKETS)[number], typeof MinorUnits>));
const StageBefore = lazySchema(() => z.union([StageId, z.literal('none')]));
const Share = lazySchema(() => z.nullable(z.number().check(z.minimum(0), z.maximum(1))));

const InvoiceRow = lazySchema(() => ({
  invoiceId: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  currency: Currency,
  amountDue: MinorUnits,
  dueDate: IsoDate,
  daysPastDue: z.int(),
}));

/** GET /v1/reports/ageing/summary: the buckets and today's DSO from the ageing histogram (app/reports/ageing-summary.ts). */
export const AgeingSummaryResource = lazySchema(() => z
  .object({
    today: IsoDate,
    totals: z.array(z.object({ currency: Currency, buckets: Buckets, total: MinorUnits, invoices: z.int() })),
    dso: z.object({
      method: z.literal('simple'),
      periodDays: z.int(),
      currencies: z.array(z.object({ currency: Currency, receivables: MinorUnits, creditSales: MinorUnits, days: z.nullable(z.number()) })),
    }),
  }))
  .register(responseSchemas, {
    id: 'AgeingSummary',
    description:
      "The ageing report's buckets per currency and today's DSO (simple method), read from the histogram of open amounts by due day and the daily totals of credit sales that the table stream keeps: a few thousand items whatever the number of open invoices. The same figures as GET /v1/reports/ageing's `totals` and `dso.currencies`.",
  });

export const AgeingReportResource = lazySchema(() => z
  .object({
    tenantId: z.string(),
    tenantName: z.string(),
    generatedAt: IsoDateTime,
    timeZone: z.string(),
    today: IsoDate,
    week: z.object({ from: IsoDate, to: IsoDate }),
    totals: z.array(z.object({ currency: Currency, buckets: Buckets, total: MinorUnits, invoices: z.int() })),
    customers: z.array(
      z.object({ customerId: z.string(), name: z.string(), currency: Currency, buckets: Buckets, total: MinorUnits, invoices: z.int(), onHold: z.boolean(), habitualLatePayer: z.boolean() }),
    ),
    dso: z.object({
      method: z.literal('simple'),
      periodDays: z.int(),
      currencies: z.array(z.object({ currency: Currency, receivables: MinorUnits, creditSales: MinorUnits, days: z.nullable(z.number()) })),
      /** The same DSO at each of the last 12 week ends (today last), receivables rebuilt from today's and the activity since. */
      trend: z.array(
        z.object({
          date: IsoDate,
          currencies: z.array(z.object({ currency: Currency, receivables: MinorUnits, creditSales: MinorUnits, days: z.nullable(z.number()) })),
        }),
      ),
    }),
    promises: z.array(z.object({ ...InvoiceRow, promiseDate: IsoDate, recordedOn: IsoDate, promised: MinorUnits, instalment: z.boolean() })),
    brokenPromises: z.array(z.object({ ...InvoiceRow, promiseDate: IsoDate, brokenOn: IsoDate })),
    disputes: z.array(z.object({ ...InvoiceRow, reason: z.string(), openedAt: IsoDateTime })),
    callsDue: z.array(z.object({ ...InvoiceRow, day: IsoDate })),
    creditHolds: z.array(
      z.object({
        customerId: z.string(),
        name: z.string(),
        placedAt: IsoDateTime,
        invoiceId: z.string(),
        /** In English; `basis` holds the facts to word it in another language. */
        reason: z.string(),
        basis: z.optional(z.object({ invoices: z.int(), oldestDaysPastDue: z.int(), invoiceNumber: z.optional(z.string()) })),
      }),
    ),
    needsContact: z.array(z.object(InvoiceRow)),
    results: z.object({
      collected: z.array(z.object({ currency: Currency, amount: MinorUnits, payments: z.int() })),
      takenBack: z.array(z.object({ currency: Currency, amount: MinorUnits, payments: z.int() })),
      byStage: z.array(z.object({ stage: StageBefore, currency: Currency, amount: MinorUnits, payments: z.int() })),
    }),
    withAgency: z.array(z.object({ currency: Currency, amount: MinorUnits, invoices: z.int() })),
    outcomes: z.object({
      window: z.object({ from: IsoDate, to: IsoDate }),
      byPolicyStage: z.array(z.object({ policy: z.string(), stage: StageBefore, paid: z.int(), medianDays: z.nullable(z.number()) })),
      recovery90: z.object({
        cohort: z.object({ from: IsoDate, to: IsoDate }),
        invoices: z.int(),
        recovered: z.int(),
        share: Share,
        reference: z.number(),
      }),
      reorders: z.object({ escalatedCustomers: z.int(), orderedAgain: z.int(), share: Share }),
    }),
  }))
  .register(responseSchemas, {
    id: 'AgeingReport',
    description:
      'Open amounts per currency in ageing buckets (tenant time zone), per customer, DSO (simple method: receivables ÷ credit sales of the last 90 days × 90) and its trend over the last 12 week ends, the week\'s promises, broken promises, disputes, calls due, credit holds, invoices without a contact, money collected per preceding stage (payments taken back since left out, those of earlier weeks taken back this week shown apart), invoices with the agency, and outcome analytics. Amounts are minor units, never summed across currencies.',
  });
