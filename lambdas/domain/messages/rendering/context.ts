/**
 * The facts of a message, formatted for its locale: what the templates' {{placeholders}} and the
 * layout's blocks read. Shared by customer messages and call sheets.
 *
 * Placeholders a message template may use: contactName, customerName, supplierName,
 * supplierEmail, invoiceNumber, issueDate, dueDate, amountDue, daysLate, daysLateText, count, hasClaim,
 * interest, compensation, totalClaim, compensationAmount, termsDaysText, today, promiseDate,
 * instalmentAmount, instalmentNumber, instalmentCount, planRemaining, paymentAmount, paymentDate, graceDays, graceDaysText, agencyName, iban, paymentReference;
 * in the SMS also supplierShort, invoiceShort, dueDateShort, promiseDateShort. A company's own wording
 * may use these and no others (domain/messages/wording-override.ts KNOWN_PLACEHOLDERS).
 */
import { electronicFormatIBAN, friendlyFormatIBAN } from 'ibantools';
import { fixedCompensation } from '../../money/interest.js';
import { localDay, daysBetween } from '../../shared/days.js';
import { formatDate, pluralCategory, formatMoney, formatTotals, localeFor, totalsByCurrency, type CurrencyTotal } from '../../shared/format.js';
import type { MessageLine, RenderInput } from './types.js';
import { fill, localeStrings, shorten, type LocaleStrings, type Vars } from './strings.js';

export interface MessageContext {
  strings: LocaleStrings;
  locale: string;
  /** Lines in statement order: due date, then number. */
  lines: MessageLine[];
  /** The lines that are owed (all but the paid invoices thanked in passing): what counts, totals and the wording are about. */
  owed: MessageLine[];
  /** The line single-invoice wording talks about: the most overdue one. */
  lead: MessageLine;
  many: boolean;
  vars: Vars;
}

const SMS_NAME_MAX = 24;
const SMS_NUMBER_MAX = 20;

const byDueDate = (a: MessageLine, b: MessageLine): number =>
  a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.invoice.number.localeCompare(b.invoice.number);

export const sum = (lines: readonly MessageLine[], pick: (l: MessageLine) => number | undefined): CurrencyTotal[] =>
  totalsByCurrency(lines.filter((l) => pick(l) !== undefined).map((l) => ({ currency: l.invoice.currency, amount: pick(l)! })));

export const claimOf = (l: MessageLine): number => l.amountDue + (l.interest ?? 0) + (l.compensation ?? 0);

/** "1 day", "5 days"; Romanian "5 zile" but "20 de zile": the plural form comes from Intl.PluralRules. */
export const daysText = (strings: LocaleStrings, locale: string, n: number): string => {
  const forms = strings.labels.days as Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  return fill(forms[pluralCategory(n, locale)] ?? forms.other, { n });
};

const positive = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined);

/** Days between two ISO dates. */

const checkInput = (input: RenderInput): void => {
  if (input.lines.length === 0) throw new RangeError('render: lines must hold at least one invoice');
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) throw new RangeError('render: now must be a valid Date');
  input.lines.forEach((l, i) => {
    for (const field of ['amountDue', 'daysLate'] as const) {
      if (!Number.isSafeInteger(l[field])) throw new RangeError(`render: lines[${i}].${field} must be an integer (got ${l[field]})`);
    }
    for (const field of ['interest', 'compensation'] as const) {
      const v = l[field];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new RangeError(`render: lines[${i}].${field} must be whole minor units >= 0 (got ${v})`);
    }
  });
};

export const buildContext = (input: RenderInput): MessageContext => {
  checkInput(input);
  const strings = localeStrings(input.language);
  const locale = localeFor(input.language);
  const lines = [...input.lines].sort(byDueDate);
  const thanks = lines.filter((l) => l.kind === 'thankYou');
  // A thank-you alone (or several) speaks of what was paid; riding along, it is not what is owed.
  const owed = input.kind === 'thankYou' || thanks.length === lines.length ? lines : lines.filter((l) => l.kind !== 'thankYou');
  const lead = owed.reduce((a, b) => (b.daysLate > a.daysLate ? b : a));
  const inv = lead.invoice;
  const many = lines.length > 1;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const totals = (pick: (l: MessageLine) => number | undefined) => formatTotals(sum(owed, pick), locale);
  const date = (iso: string) => formatDate(iso, locale);
  const shortDate = (iso: string) => formatDate(iso, locale, 'short');
  const { tenant, customer, facts = {} } = input;

  // The fixed compensation the law grants in the debt's currency; the Directive's 40 EUR equivalent otherwise.
  const statutory = fixedCompensation(inv.currency, Math.max(lead.amountDue, 1));
  const compensationAmount =
    statutory > 0
      ? money(statutory, inv.currency)
      : fill(strings.labels.terms.compensationEquivalent, { amount: money(fixedCompensation('EUR', 1), 'EUR'), currency: inv.currency });

  const promiseDate = facts.promiseDate ?? inv.promise?.date;
  const instalmentIndex = promiseDate && inv.plan ? inv.plan.instalments.findIndex((i) => i.date === promiseDate) : -1;
  const instalment = instalmentIndex >= 0 ? inv.plan!.instalments[instalmentIndex] : undefined;
  const instalmentAmount = instalment?.amount ?? inv.promise?.amount ?? lead.amountDue;
  // What the plan still asks for, this instalment included; without a plan, what is due.
  const planRemaining = inv.plan ? Math.max(0, inv.plan.paidBefore + inv.plan.instalments.reduce((s, i) => s + i.amount, 0) - inv.amountPaid) : lead.amountDue;
  const paymentAmount = facts.paymentAmount ?? (inv.amountPaid > 0 ? inv.amountPaid : inv.amount);
  const today = localDay(input.now, customer.timeZone);
  const paidOn = input.kind === 'thankYou' ? (facts.paymentDate ?? today) : (inv.paymentClaim?.paidOn ?? facts.paymentDate);
  const numbers = owed.map((l) => l.invoice.number).join(', ');

  const vars: Vars = {
    contactName: customer.billingContact?.name ?? customer.name,
    customerName: customer.name,
    supplierName: tenant.name,
    supplierEmail: tenant.email,
    invoiceNumber: many ? numbers : inv.number,
    issueDate: date(inv.issueDate),
    dueDate: date(inv.dueDate),
    amountDue: totals((l) => l.amountDue),
    daysLate: lead.daysLate,
    daysLateText: daysText(strings, locale, lead.daysLate),
    count: owed.length,
    hasClaim: owed.some((l) => (l.interest ?? 0) > 0),
    interest: totals((l) => positive(l.interest)),
    compensation: totals((l) => positive(l.compensation)),
    totalClaim: totals(claimOf),
    compensationAmount,
    termsDaysText: daysText(strings, locale, many ? customer.paymentTermsDays : daysBetween(inv.issueDate, inv.dueDate)),
    today: date(today),
    promiseDate: promiseDate ? date(promiseDate) : undefined,
    promiseDateShort: promiseDate ? shortDate(promiseDate) : undefined,
    instalmentAmount: money(instalmentAmount, inv.currency),
    instalmentNumber: instalment ? instalmentIndex + 1 : undefined,
    instalmentCount: inv.plan?.instalments.length,
    planRemaining: money(planRemaining, inv.currency),
    paymentAmount: money(paymentAmount, inv.currency),
    paymentDate: paidOn ? date(paidOn) : undefined,
    graceDays: tenant.paymentClaimGraceDays,
    graceDaysText: daysText(strings, locale, tenant.paymentClaimGraceDays),
    agencyName: tenant.agency?.name,
    thanksNumbers: thanks.map((l) => l.invoice.number).join(', '),
    paidTotal: formatTotals(sum(thanks, (l) => l.invoice.amountPaid), locale),
    // What the layout's pay block shows, for wording that states it in its own words.
    iban: friendlyFormatIBAN(electronicFormatIBAN(tenant.iban) ?? tenant.iban) ?? tenant.iban,
    paymentReference: [...new Set(owed.map((l) => l.invoice.paymentReference ?? l.invoice.number))].join(', '),
    supplierShort: shorten(tenant.name, SMS_NAME_MAX),
    invoiceShort: shorten(inv.number, SMS_NUMBER_MAX),
    dueDateShort: shortDate(inv.dueDate),
  };
  return { strings, locale, lines, owed, lead, many, vars };
};
