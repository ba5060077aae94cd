/**
 * The sample company's bank in `npm run demo`: from the scripted money (local/demo-script.ts
 * DEMO_BANK), one camt.053.001.08 statement each business morning (Italian calendar, 07:30
 * Europe/Rome), for the company's IBAN, with one `Stmt` per currency the company is paid in (EUR,
 * GBP, RON) and, besides the customers' money, the company's own debits (rent), which Sollecito
 * skips. Simulated, and said so:
 * - a movement is booked on its own local day when that is a business day, else on the next one;
 * - the statement of a business morning holds every booking day not sent yet up to the business day
 *   before (Monday's holds Friday's), so each booked entry is in exactly one statement;
 * - the bank's references are made up but unique and stable, so a statement dropped twice adds
 *   nothing (the credits' idempotency keys).
 * Pure: the files are made here, written and uploaded by local/demo.ts.
 */
import { DateTime } from 'luxon';
import { nextBusinessDay, isBusinessDay } from '../lambdas/domain/timeline/calendar.js';
import { addDays } from '../lambdas/domain/shared/days.js';
import {
  DIRECT_DEBIT_UNPAID,
  DOMESTIC_TRANSFER_IN,
  SEPA_DIRECT_DEBIT_COLLECTED,
  SEPA_TRANSFER_IN,
  closingBalance,
  writeCamt053,
  type CamtEntry,
  type CamtStatement,
} from './demo-camt.js';
import type { BankMovement } from './demo-script.js';

export const BANK_ZONE = 'Europe/Rome';
export const BANK_COUNTRY = 'IT';
/** When the bank's statement of the previous business day is in the company's inbox. */
export const STATEMENT_TIME = '07:30';
const CURRENCIES = ['EUR', 'GBP', 'RON'] as const;
/** Made-up opening balances on the first statement, minor units. */
const OPENING: Record<(typeof CURRENCIES)[number], number> = { EUR: 4_821_037, GBP: 1_240_000, RON: 3_015_000 };

export interface CompanyAccount {
  iban: string;
  ownerName: string;
  bic?: string;
}

export interface DemoStatementFile {
  /** Virtual instant the file reaches inbox/bank/ (ms). */
  deliverAt: number;
  /** The business morning it arrives (local date). */
  day: string;
  /** The booking days it holds. */
  covers: string[];
  name: string;
  xml: string;
  /** Entries in it, all currencies. */
  entries: number;
}

/** The business day a movement made at `at` (local time, Europe/Rome) is booked on. */
export const bookingDayOf = (at: string): string => nextBusinessDay(at.slice(0, 10), BANK_COUNTRY);

/** "12480.00" -> 1248000 (two decimals: EUR, GBP, RON). */
export const minorOf = (decimal: string): number => {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(decimal);
  if (!m) throw new Error(`not an amount: ${decimal}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
};

/** The company's own payments, for the statements to look like a business account: rent on the 2nd. */
const ownDebits = (from: string, to: string): { day: string; entry: Omit<CamtEntry, 'bankReference'>; currency: 'EUR' }[] => {
  const out: { day: string; entry: Omit<CamtEntry, 'bankReference'>; currency: 'EUR' }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (d.slice(8) !== '02') continue;
    out.push({
      day: nextBusinessDay(d, BANK_COUNTRY),
      currency: 'EUR',
      entry: {
        amount: 320_000,
        direction: 'DBIT',
        bookingDate: nextBusinessDay(d, BANK_COUNTRY),
        txCode: { domain: 'PMNT', family: 'ICDT', subFamily: 'ESCT' },
        creditor: { name: 'IMMOBILIARE FELSINEA SRL', iban: 'IT02L1234512345123456789012' },
        remittance: [`AFFITTO CAPANNONE ${d.slice(0, 7)}`],
      },
    });
  }
  return out;
};

const entryOf = (m: BankMovement, company: CompanyAccount): Omit<CamtEntry, 'bankReference'> => {
  const bookingDate = bookingDayOf(m.at);
  const common = { amount: minorOf(m.amount), bookingDate, valueDate: bookingDate, debtor: m.debtor, creditor: { name: company.ownerName, iban: company.iban } };
  const remittance = m.text ? { remittance: [m.text] } : {};
  const reference = m.rf ? { creditorReference: { ref: m.rf } } : {};
  const ids = { ...(m.endToEndId ? { endToEndId: m.endToEndId } : {}), ...(m.mandateId ? { mandateId: m.mandateId } : {}) };
  switch (m.kind) {
    case 'transfer':
      return { ...common, ...ids, ...remittance, ...reference, direction: 'CRDT', txCode: m.currency === 'EUR' ? SEPA_TRANSFER_IN : DOMESTIC_TRANSFER_IN };
    case 'directDebit':
      return { ...common, ...ids, ...remittance, ...reference, direction: 'CRDT', txCode: SEPA_DIRECT_DEBIT_COLLECTED };
    case 'directDebitReturn':
      return {
        ...common,
        ...ids,
        direction: 'DBIT',
        txCode: DIRECT_DEBIT_UNPAID,
        returnInfo: { reason: m.returnReason ?? 'MS02', ...(m.text ? { text: m.text } : {}) },
        additionalInfo: `SDD RETURN ${m.endToEndId ?? ''}`.trim(),
      };
  }
};

const isoAt = (day: string, time: string): DateTime => DateTime.fromISO(`${day}T${time}`, { zone: BANK_ZONE });

/**
 * Every statement delivered on the business mornings after `today` up to and including `lastDay`
 * (local dates), from the scripted movements.
 */
export const demoStatements = (opts: { movements: readonly BankMovement[]; today: string; lastDay: string; company: CompanyAccount }): DemoStatementFile[] => {
  const { company } = opts;
  type Booked = { day: string; currency: (typeof CURRENCIES)[number]; entry: Omit<CamtEntry, 'bankReference'> };
  const booked: Booked[] = [
    ...opts.movements.map((m) => ({ day: bookingDayOf(m.at), currency: m.currency, entry: entryOf(m, company) })),
    ...ownDebits(opts.today, opts.lastDay),
  ].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const balance = { ...OPENING };
  const sequence = { EUR: 0, GBP: 0, RON: 0 };
  const files: DemoStatementFile[] = [];
  let sentUpTo = addDays(opts.today, -1);
  for (let day = addDays(opts.today, 1); day <= opts.lastDay; day = addDays(day, 1)) {
    if (!isBusinessDay(day, BANK_COUNTRY)) continue;
    // The business day before this morning: its bookings (and any earlier not sent) are in this statement.
    let upTo = addDays(day, -1);
    while (!isBusinessDay(upTo, BANK_COUNTRY)) upTo = addDays(upTo, -1);
    const covers: string[] = [];
    for (let d = addDays(sentUpTo, 1); d <= upTo; d = addDays(d, 1)) if (isBusinessDay(d, BANK_COUNTRY)) covers.push(d);
    const from = addDays(sentUpTo, 1);
    sentUpTo = upTo;
    const created = isoAt(day, STATEMENT_TIME);
    const statements: CamtStatement[] = CURRENCIES.map((currency) => {
      const entries = booked
        .filter((b) => b.currency === currency && b.day >= from && b.day <= upTo)
        .map((b, i): CamtEntry => ({ ...b.entry, bankReference: `${b.day.replace(/-/g, '')}${currency}${String(i + 1).padStart(5, '0')}` }));
      const s: CamtStatement = {
        id: `OR-${currency}-${upTo.replace(/-/g, '')}`,
        sequence: ++sequence[currency],
        account: { iban: company.iban, currency, ownerName: company.ownerName, ...(company.bic ? { servicerBic: company.bic } : {}) },
        from,
        to: upTo,
        opening: balance[currency],
        entries,
      };
      balance[currency] = closingBalance(s);
      return s;
    });
    const xml = writeCamt053({ messageId: `OR-STMT-${upTo.replace(/-/g, '')}`, createdAt: created.toISO({ suppressMilliseconds: true })!, statements });
    files.push({
      deliverAt: created.toMillis(),
      day,
      covers,
      name: `camt053_${company.iban}_${upTo}.xml`,
      xml,
      entries: statements.reduce((n, s) => n + s.entries.length, 0),
    });
  }
  return files;
};
