/**
 * A bank's CSV export (Italian home banking and others) through csv-parse, the way invoice CSVs are
 * read (parsers/csv.ts, columns.ts): the header is mapped to fields by normalised name, with
 * defaults for common exports and a tenant's own names on top. Rows above the header (account
 * details some banks print first) are skipped; opening/closing balance rows are read as balances.
 * Such exports carry no entry reference, so `bankReference` stays empty: the ingest keys them.
 * Debits are skipped, except an unpaid or recalled RiBa item (a return, riba.ts) and the bank's
 * fee for it (its charge).
 */
import * as z from 'zod/mini';
import { aliasLookup, mapHeader, normaliseName, type ColumnMap } from '../parsers/columns.js';
import { csvRows, detectDelimiter, type Delimiter } from '../parsers/csv.js';
import { parseDate } from '../parsers/dates.js';
import { FileRejected } from '../parsers/types.js';
import type { DecimalMark } from '../parsers/money.js';
import { csvAmount, isCurrencyCode } from './amounts.js';
import { isRibaReturnCharge, ribaReturnReason } from './riba.js';
import { clean, StatementBuilder, stripUndefined } from './statement-builder.js';
import { StatementRejected, type BankAccountRef, type StatementBalance, type StatementRead, type StatementSource } from './types.js';
import { lazySchema } from '../shared/lazy-schema.js';

export const BANK_CSV_FIELDS = ['bookingDate', 'valueDate', 'amount', 'credit', 'debit', 'description', 'causale', 'currency', 'counterparty', 'counterpartyIban'] as const;
export type BankCsvField = (typeof BANK_CSV_FIELDS)[number];

/** Note "Valuta": in an Italian bank export it is the value date, not the currency ("Divisa"). */
export const DEFAULT_BANK_CSV_COLUMNS: Record<BankCsvField, string[]> = {
  bookingDate: ['data contabile', 'data', 'data operazione', 'data registrazione', 'booking date', 'date', 'transaction date', 'posting date', 'buchungstag', 'buchungsdatum', 'date operation', 'fecha'],
  valueDate: ['data valuta', 'valuta', 'value date', 'valutadatum', 'wertstellung', 'date valeur', 'fecha valor'],
  amount: ['importo', 'importo eur', 'importo euro', 'amount', 'amount eur', 'betrag', 'montant', 'importe'],
  credit: ['accrediti', 'accredito', 'avere', 'entrate', 'credits', 'credit amount', 'paid in', 'money in', 'haben', 'credit'],
  debit: ['addebiti', 'addebito', 'dare', 'uscite', 'debits', 'debit amount', 'paid out', 'money out', 'soll', 'debit'],
  description: ['descrizione operazione', 'descrizione operazioni', 'descrizione', 'descrizione estesa', 'dettagli', 'description', 'details', 'narrative', 'memo', 'verwendungszweck', 'libelle', 'concepto'],
  causale: ['causale', 'causale abi', 'tipo operazione', 'transaction type', 'type', 'buchungstext'],
  currency: ['divisa', 'currency', 'ccy', 'wahrung', 'devise', 'moneda'],
  counterparty: ['ordinante', 'controparte', 'counterparty', 'payer', 'payer name', 'auftraggeber'],
  counterpartyIban: ['iban ordinante', 'iban controparte', 'counterparty iban', 'payer iban'],
};

const Aliases = lazySchema(() => z.union([z.string().check(z.minLength(1), z.maxLength(200)), z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(50))]));

/** A tenant's override for its bank's export (config data, validated). */
export const BankCsvMapping = lazySchema(() => z.object({
  columns: z.optional(z.partialRecord(z.enum(BANK_CSV_FIELDS), Aliases)),
  decimalMark: z.optional(z.enum([',', '.'])),
  delimiter: z.optional(z.enum([',', ';', '\t'])),
}));
export type BankCsvMapping = z.infer<typeof BankCsvMapping>;

export interface BankCsvOptions {
  /** The tenant's account the export is of; its currency is used when the file has no currency column. */
  account: { iban?: string; otherId?: string; currency?: string };
  mapping?: BankCsvMapping;
}

const HEADER_SEARCH_ROWS = 20;
const BALANCE_ROW = /\bsaldo (iniziale|finale|contabile|disponibile|liquido|al)\b|\b(opening|closing) balance\b/;

type Fields = Partial<Record<BankCsvField, string>>;

const hasHeader = (map: ColumnMap<BankCsvField>): boolean =>
  map.fields.has('bookingDate') && (map.fields.has('amount') || map.fields.has('credit') || map.fields.has('debit'));

/** "BONIFICO … DA Mario Rossi PER Fattura 12 TRN …": the payer after DA, the purpose after PER (best effort). */
export const italianTransfer = (description: string): { payer?: string; purpose?: string } => {
  if (!/\bbonifico\b/i.test(description)) return {};
  const payer = /\bDA\s+(.+?)(?=\s+PER\b|\s+TRN\b|$)/i.exec(description)?.[1];
  const purpose = /\bPER\s+(.+?)(?=\s+TRN\b|$)/i.exec(description)?.[1];
  return stripUndefined({ payer: clean(payer), purpose: clean(purpose) });
};

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** Reads a bank CSV export. StatementRejected when no header is found or no currency is known. */
export const readBankCsv = async (text: string, opts: BankCsvOptions): Promise<StatementRead> => {
  const delimiter: Delimiter = opts.mapping?.delimiter ?? detectDelimiter(text.slice(0, 4096));
  const decimalMark: DecimalMark = opts.mapping?.decimalMark ?? (delimiter === ';' ? ',' : '.');
  const lookup = aliasLookup<BankCsvField>(DEFAULT_BANK_CSV_COLUMNS, opts.mapping?.columns);
  const configured = opts.account.currency;
  if (configured !== undefined && !isCurrencyCode(configured)) throw new StatementRejected(`the account's currency "${configured}" is not an ISO 4217 code`, 'currency');

  const out = new StatementBuilder('csv');
  const account: BankAccountRef = stripUndefined({ iban: opts.account.iban, otherId: opts.account.otherId, currency: configured ?? '' });
  const source: StatementSource = { format: 'csv' };
  let map: ColumnMap<BankCsvField> | undefined;
  let opening: StatementBalance | undefined;
  let closing: StatementBalance | undefined;
  const dates: string[] = [];
  let seenCurrency: string | undefined;

  try {
    for await (const r of csvRows(once(text), delimiter)) {
      if ('error' in r) {
        if (map) out.reject({ entry: r.row, field: 'row', reason: r.error });
        continue;
      }
      if (!map) {
        const candidate = mapHeader(r.values, lookup);
        if (hasHeader(candidate)) {
          if (!candidate.fields.has('currency') && !configured) {
            throw new StatementRejected('the file has no currency column ("Divisa", "Currency") and no currency is configured for the account: set the account currency', 'currency');
          }
          map = candidate;
        } else if (r.row >= HEADER_SEARCH_ROWS) break;
        continue;
      }
      const fields: Fields = {};
      for (const [i, f] of map.byIndex) {
        const v = r.values[i]?.trim();
        if (v) fields[f] = v;
      }
      if (Object.keys(fields).length === 0) continue;
      const row = r.row;
      const currency = fields.currency?.toUpperCase() ?? configured!;
      if (configured && fields.currency && currency !== configured) {
        out.reject({ entry: row, field: 'currency', value: fields.currency, reason: `the row is in ${fields.currency} but the account is kept in ${configured}` });
        continue;
      }
      const description = fields.description ?? '';
      if (BALANCE_ROW.test(normaliseName(description))) {
        const balance = balanceOf(fields, currency, decimalMark);
        if (balance) {
          if (/iniziale|opening/i.test(description)) opening ??= balance;
          else closing = balance;
        }
        continue;
      }
      const signed = signedAmount(fields, currency, decimalMark);
      if (!signed.ok) {
        out.reject({ entry: row, field: signed.field, value: signed.value, reason: signed.reason });
        continue;
      }
      // A debit is not Sollecito's business, unless it takes back an unpaid RiBa item (or is the bank's fee for one).
      const words = [description, fields.causale].filter(Boolean).join(' ');
      const riba = signed.minor < 0 ? ribaReturnReason(words) : undefined;
      const ribaCharge = signed.minor < 0 && !riba && isRibaReturnCharge(words);
      if (signed.minor < 0 && !riba && !ribaCharge) {
        out.debit();
        continue;
      }
      const booking = parseDate(fields.bookingDate);
      if (!booking.ok) {
        out.reject({ entry: row, field: 'bookingDate', value: fields.bookingDate, reason: booking.reason });
        continue;
      }
      const value = fields.valueDate === undefined ? undefined : parseDate(fields.valueDate);
      if (value && !value.ok) {
        out.reject({ entry: row, field: 'valueDate', value: fields.valueDate, reason: value.reason });
        continue;
      }
      if (ribaCharge) {
        out.returnCharge({ entryIndex: row, bookingDate: booking.date, amount: -signed.minor });
        continue;
      }
      dates.push(booking.date);
      seenCurrency ??= currency;
      if (riba) {
        const iban = fields.counterpartyIban?.replace(/\s+/g, '').toUpperCase();
        const name = clean(fields.counterparty);
        out.returned(
          stripUndefined({
            account: { ...account, currency },
            amount: -signed.minor,
            currency,
            bookingDate: booking.date,
            valueDate: value?.ok ? value.date : undefined,
            debtor: name || iban ? stripUndefined({ name, iban }) : undefined,
            remittance: clean(description),
            additionalInfo: clean(fields.causale),
            entryIndex: row,
            source,
            kind: 'return' as const,
            direction: 'debit' as const,
            reason: riba,
            reasonText: clean(description),
          }),
        );
        continue;
      }
      const transfer = italianTransfer(description);
      const name = clean(fields.counterparty) ?? transfer.payer;
      const iban = fields.counterpartyIban?.replace(/\s+/g, '').toUpperCase();
      out.credit(
        stripUndefined({
          account: { ...account, currency },
          amount: signed.minor,
          currency,
          bookingDate: booking.date,
          valueDate: value?.ok ? value.date : undefined,
          debtor: name || iban ? stripUndefined({ name, iban }) : undefined,
          remittance: transfer.purpose ?? clean(description),
          additionalInfo: clean([fields.causale, transfer.purpose ? description : undefined].filter(Boolean).join(' ')),
          entryIndex: row,
          source,
        }),
      );
    }
  } catch (err) {
    if (err instanceof FileRejected) throw new StatementRejected(err.reason, 'csv');
    throw err;
  }
  if (!map) {
    throw new StatementRejected(
      `no header naming a booking date ("Data contabile", "Data", "Booking date") and an amount ("Importo", "Accrediti"/"Addebiti", "Dare"/"Avere", "Amount") was found in the first ${HEADER_SEARCH_ROWS} rows: rename the columns or map them for the account`,
      'header',
    );
  }
  const sorted = [...dates].sort();
  out.statement(stripUndefined({ account: { ...account, currency: configured ?? seenCurrency ?? (opening ?? closing)?.currency ?? '' }, from: sorted[0], to: sorted.at(-1), opening, closing }));
  return out.done();
};

type Signed = { ok: true; minor: number } | { ok: false; field: string; value?: string; reason: string };

/** Credit positive, debit negative, from one signed column or a credit/debit pair. */
const signedAmount = (f: Fields, currency: string, mark: DecimalMark): Signed => {
  if (f.credit !== undefined || f.debit !== undefined) {
    if (f.credit !== undefined && f.debit !== undefined) return { ok: false, field: 'amount', value: `${f.credit} / ${f.debit}`, reason: 'the row has both a credit and a debit amount' };
    const field = f.credit !== undefined ? 'credit' : 'debit';
    const a = csvAmount(f[field]!, currency, mark);
    if (!a.ok) return { ok: false, field, value: f[field], reason: a.reason };
    if (a.minor === 0) return { ok: false, field, value: f[field], reason: 'an amount of zero' };
    return { ok: true, minor: field === 'credit' ? Math.abs(a.minor) : -Math.abs(a.minor) };
  }
  if (f.amount === undefined) return { ok: false, field: 'amount', reason: 'the row has no amount' };
  const a = csvAmount(f.amount, currency, mark);
  if (!a.ok) return { ok: false, field: 'amount', value: f.amount, reason: a.reason };
  if (a.minor === 0) return { ok: false, field: 'amount', value: f.amount, reason: 'an amount of zero' };
  return { ok: true, minor: a.minor };
};

/** A balance row ("SALDO INIZIALE", Accrediti "100,95|"): the stray "|" some exports add is dropped. */
const balanceOf = (f: Fields, currency: string, mark: DecimalMark): StatementBalance | undefined => {
  const strip = (v: string | undefined) => v?.replace(/\|/g, '').trim() || undefined;
  const signed = signedAmount({ credit: strip(f.credit), debit: strip(f.debit), amount: strip(f.amount) }, currency, mark);
  if (!signed.ok) return undefined;
  const date = parseDate(f.bookingDate);
  return stripUndefined({ amount: signed.minor, currency, date: date.ok ? date.date : undefined });
};
