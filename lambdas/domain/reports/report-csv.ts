/**
 * The ageing report as CSV (RFC 4180 through csv-stringify: CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line break), with a UTF-8 byte order mark so Excel reads accents.
 * Headers in the finance team's language; amounts as plain decimals with a currency column, dates
 * ISO, so a spreadsheet or the ERP reads them without guessing.
 *
 * Formula injection: a text cell that a spreadsheet would run as a formula (starting with = + - @,
 * a tab or a carriage return) is prefixed with an apostrophe. Customer names and invoice numbers
 * come from outside; numbers we compute are written as numbers and need no defence.
 */
import { stringify } from 'csv-stringify/sync';
import { AGEING_BUCKETS, bucketFor, daysPastDue } from './ageing.js';
import { amountDue, type Invoice, type Language } from '../model.js';
import type { AgeingReport, ReportCustomer } from './report.js';
import { decimalAmount, reportStrings, statusLabel } from './report-strings.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** OWASP's advice for CSV injection: neutralise a leading formula character. */
export const defuseCell = (v: string): string => (FORMULA_START.test(v) ? `'${v}` : v);

type Cell = string | number;

const toCsv = (header: string[], rows: Cell[][]): string =>
  stringify([header, ...rows], {
    bom: true,
    record_delimiter: 'windows',
    cast: { string: (v) => defuseCell(v) },
  });

/** One row per customer and currency: the buckets, the total, the invoices, whether on hold, whether a habitual late payer. */
export const customersCsv = (report: AgeingReport, lang: Language): string => {
  const s = reportStrings(lang);
  const header = [
    s.columns.customerId,
    s.columns.customer,
    s.columns.currency,
    ...AGEING_BUCKETS.map((b) => s.buckets[b]),
    s.columns.total,
    s.columns.invoices,
    s.columns.onHold,
    s.columns.latePayer,
  ];
  const rows = report.customers.map((c) => [
    c.customerId,
    c.name,
    c.currency,
    ...AGEING_BUCKETS.map((b) => decimalAmount(c.buckets[b], c.currency)),
    decimalAmount(c.total, c.currency),
    c.invoices,
    c.onHold ? s.columns.yes : s.columns.no,
    c.habitualLatePayer ? s.columns.yes : s.columns.no,
  ]);
  return toCsv(header, rows);
};

/** One row per open invoice, by customer and due date. */
export const invoicesCsv = (open: readonly Invoice[], customers: readonly ReportCustomer[], today: string, lang: Language): string => {
  const s = reportStrings(lang);
  const names = new Map(customers.map((c) => [c.customerId, c]));
  const lateness = new Map<string, number>();
  const lateOf = (dueDate: string): number => {
    let d = lateness.get(dueDate);
    if (d === undefined) lateness.set(dueDate, (d = daysPastDue(dueDate, today)));
    return d;
  };
  const header = [
    s.columns.customerId,
    s.columns.customer,
    s.columns.invoice,
    s.columns.dueDate,
    s.columns.daysPastDue,
    s.columns.bucket,
    s.columns.currency,
    s.columns.amountDue,
    s.columns.status,
    s.columns.promiseDate,
    s.columns.onHold,
  ];
  const rows = open
    .filter((i) => amountDue(i) > 0)
    .map((i) => ({ i, name: names.get(i.customerId)?.name ?? i.customerId, late: lateOf(i.dueDate) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.i.dueDate < b.i.dueDate ? -1 : a.i.dueDate > b.i.dueDate ? 1 : 0))
    .map(({ i, name, late }) => [
      i.customerId,
      name,
      i.number,
      i.dueDate,
      late,
      s.buckets[bucketFor(late)],
      i.currency,
      decimalAmount(amountDue(i), i.currency),
      statusLabel(s, i.status),
      i.promise?.date ?? '',
      names.get(i.customerId)?.creditHold ? s.columns.yes : s.columns.no,
    ]);
  return toCsv(header, rows);
};
