/**
 * SWIFT MT940 customer statements through mt940js. What mt940js cannot take as banks send it is
 * fixed first, minimally (see `prepare`), and each statement (from one `:20:` to the next) is handed
 * to it on its own: mt940js checks a statement as a whole (mandatory tags, one currency, opening +
 * lines = closing), so a broken tag rejects its statement and the others still go through.
 *
 * mt940js gives amounts as floats rounded to two decimals; the exact digits are re-read from the
 * tag text it keeps (`parse(text, true)`), so amounts stay integer minor units of the statement's
 * currency and a JPY or BHD statement is not rounded to cents.
 */
import mt940js, { type Mt940Statement, type Mt940Tag, type Mt940Transaction } from 'mt940js';
import { countrySpecs } from 'ibantools';
import { parseDate } from '../parsers/dates.js';
import { isCurrencyCode, swiftAmount } from './amounts.js';
import { readDetails } from './mt940-details.js';
import { clean, StatementBuilder, stripUndefined } from './statement-builder.js';
import { StatementRejected, type BankAccountRef, type StatementBalance, type StatementRead, type StatementSource } from './types.js';

/**
 * The pre-processing mt940js needs, each step for a file it otherwise misreads:
 * 1. Control bytes around the text (mBank: 0x01 before, 0x03 after the final "-"): mt940js fails
 *    with "Cannot read properties of null" when the first line is not a tag.
 * 2. Line ends to "\n" (a lone CR would otherwise stay inside values).
 * 3. The `{1:…}{2:…}{3:…}{4:` header and `-}` / `{5:…}` trailer of a SWIFT envelope are removed:
 *    with them mt940js groups statements by envelope instead of by `:20:`, and a "}" on its own
 *    line after the final "-" (ING) ends up inside the last `:86:`.
 * 4. A line holding only "-" inside a value (ING wraps "MND-EV01" as "MND", "-", "EV01") is joined
 *    to the next line: mt940js drops every "-" line as an end-of-message mark.
 */
export const prepare = (raw: string): string =>
  raw
    .replace(/^[\uFEFF\s\x00-\x1f]+|[\s\x00-\x1f]+$/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\{1:[^}]*\}(?:\{2:[^}]*\})?(?:\{3:(?:\{[^}]*\})*\})?\{4:[ \t]*\n?/g, '')
    .replace(/(^|\n)-[ \t]*\n?\}(?:\{5:(?:\{[^}]*\})*\})?/g, '$1-')
    .replace(/\n-\n(?![:{-]|$)/g, '\n-');

/** The statements of a prepared file: each from a `:20:` line to the next. */
const splitStatements = (text: string): string[] => {
  const starts = [...text.matchAll(/^:20:/gm)].map((m) => m.index!);
  return starts.map((at, i) => text.slice(at, starts[i + 1] ?? text.length));
};

const TAG_NAMES: Record<string, string> = {
  '20': 'transaction reference',
  '25': 'account identification',
  '28': 'statement number',
  '60': 'opening balance',
  '62': 'closing balance',
  '61': 'statement line',
  '86': 'information to account owner',
};

/** mt940js's error message -> a rejection a person can act on. */
const explain = (message: string, statement: number): { field: string; value?: string; reason: string } => {
  let m = /^Cannot parse tag (\w+): ?([\s\S]*)$/.exec(message);
  if (m) {
    const tag = m[1]!;
    const what = tag === '61' ? ' (expected value date YYMMDD, optional entry date MMDD, C/D/RC/RD, amount with decimal comma, 4-character transaction type)' : '';
    return { field: `:${tag}:`, value: m[2]!.split('\n')[0]!.slice(0, 80), reason: `the :${tag}: ${TAG_NAMES[tag] ?? 'tag'} cannot be read${what}: statement ${statement} was not read` };
  }
  if ((m = /^Mandatory tag (\w+) is missing/.exec(message))) {
    return { field: `:${m[1]}:`, reason: `the statement has no :${m[1]}: ${TAG_NAMES[m[1]!] ?? 'tag'}: statement ${statement} was not read` };
  }
  if ((m = /^Currency markers are differ \[(\w*), (\w*)\]/.exec(message))) {
    return { field: ':60:/:62:', value: `${m[1]}/${m[2]}`, reason: `the balances are in different currencies (${m[1]}, ${m[2]}): statement ${statement} was not read` };
  }
  if (/^Sum of lines/.test(message)) {
    return { field: ':62:', reason: `the lines do not add up from the opening to the closing balance (is the statement complete?): statement ${statement} was not read` };
  }
  if ((m = /^Unknown tag (\w+)/.exec(message))) {
    return { field: `:${m[1]}:`, reason: `:${m[1]}: is not an MT940 tag (is this an MT942 or another message?): statement ${statement} was not read` };
  }
  return { field: 'statement', reason: `statement ${statement} cannot be read: ${message.slice(0, 160)}` };
};

/** Reads an MT940 file (one or more statements). StatementRejected when no statement is found. */
export const readMt940 = (raw: string): StatementRead => {
  const chunks = splitStatements(prepare(raw));
  if (chunks.length === 0) throw new StatementRejected('no ":20:" statement found: this is not an MT940 file', ':20:');
  const out = new StatementBuilder('mt940');
  let entryIndex = 0;
  chunks.forEach((chunk, i) => {
    const lines = (chunk.match(/^:61:/gm) ?? []).length;
    let parsed: Mt940Statement[];
    try {
      parsed = new mt940js.Parser().parse(chunk, true);
    } catch (err) {
      const why = explain(String((err as Error)?.message ?? err), i + 1);
      out.reject(stripUndefined({ statement: i + 1, entry: brokenLine(chunk, why.value, entryIndex), ...why }));
      entryIndex += lines;
      return;
    }
    for (const st of parsed) entryIndex = readStatement(st, i + 1, entryIndex, out);
  });
  return out.done();
};

/** The file-wide index of the `:61:` line mt940js could not read, when it was one. */
const brokenLine = (chunk: string, value: string | undefined, before: number): number | undefined => {
  if (value === undefined) return undefined;
  const lines = [...chunk.matchAll(/^:61:(.*)$/gm)];
  const at = lines.findIndex((l) => l[1]!.startsWith(value));
  return at < 0 ? undefined : before + at + 1;
};

/** `:25:` as an IBAN (its country's length), an IBAN followed by the currency (ING), or as written (bank code/account). */
const accountOf = (identification: string, currency: string): { account: BankAccountRef; written?: string } => {
  const s = identification.replace(/\s+/g, '');
  const length = /^[A-Z]{2}\d{2}/.test(s) ? countrySpecs[s.slice(0, 2)]?.chars : undefined;
  if (length && s.length === length && /^[A-Z0-9]+$/.test(s)) return { account: { iban: s, currency } };
  if (length && s.length === length + 3 && /^[A-Z0-9]+[A-Z]{3}$/.test(s)) return { account: { iban: s.slice(0, length), currency }, written: s.slice(length) };
  return { account: { otherId: identification.trim(), currency } };
};

const BALANCE = /^([DC])(\d{2})(\d{2})(\d{2})([A-Z]{3})([0-9,]{0,16})/;
const LINE = /^(\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?(R?[DC])[A-Z]?([0-9,]{0,16})/;

const swiftDate = (yy: string, mm: string, dd: string): string | undefined => {
  const d = parseDate(`20${yy}-${mm}-${dd}`);
  return d.ok ? d.date : undefined;
};

/** The entry date has no year: the one that puts it nearest the value date. */
const entryDate = (valueDate: string, mm: string, dd: string): string | undefined => {
  const year = Number(valueDate.slice(0, 4));
  const month = Number(valueDate.slice(5, 7));
  const shift = Number(mm) - month > 6 ? -1 : month - Number(mm) > 6 ? 1 : 0;
  const d = parseDate(`${year + shift}-${mm}-${dd}`);
  return d.ok ? d.date : undefined;
};

const balanceOf = (tag: Mt940Tag | undefined): StatementBalance | undefined => {
  const m = tag && BALANCE.exec(tag.data);
  if (!m) return undefined;
  const amt = swiftAmount(m[6]!, m[5]!);
  if (!amt.ok) return undefined;
  return stripUndefined({ amount: m[1] === 'D' ? -amt.minor || 0 : amt.minor, currency: m[5]!, date: swiftDate(m[2]!, m[3]!, m[4]!) });
};

const readStatement = (st: Mt940Statement, statement: number, before: number, out: StatementBuilder): number => {
  const tags = st.tags ?? [];
  const lines = tags.filter((t) => t.id === 61);
  let entryIndex = before;
  const currency = st.currency;
  if (!isCurrencyCode(currency)) {
    out.reject({ statement, field: ':60:', value: currency, reason: `"${currency}" is not an ISO 4217 currency code: statement ${statement} was not read` });
    return entryIndex + lines.length;
  }
  const { account, written } = accountOf(st.accountIdentification, currency);
  const statementId = clean([st.number.statement, st.number.sequence].filter(Boolean).join('/'));
  out.statement(
    stripUndefined({
      account,
      statementId,
      from: balanceOf(tags.find((t) => t.id === 60))?.date,
      to: balanceOf(tags.find((t) => t.id === 62))?.date,
      opening: balanceOf(tags.find((t) => t.id === 60)),
      closing: balanceOf(tags.find((t) => t.id === 62)),
    }),
  );
  if (written && written !== currency) {
    out.reject({ statement, field: ':25:', value: st.accountIdentification, reason: `the account is named in ${written} but the balances are in ${currency}: statement ${statement} was not read` });
    return entryIndex + lines.length;
  }
  const source: StatementSource = stripUndefined({ format: 'mt940' as const, statementId });
  st.transactions.forEach((tx, i) => {
    entryIndex++;
    readLine(tx, lines[i]?.data ?? '', entryIndex, account, source, out);
  });
  return entryIndex;
};

const readLine = (tx: Mt940Transaction, data: string, entryIndex: number, account: BankAccountRef, source: StatementSource, out: StatementBuilder): void => {
  const m = LINE.exec(data);
  if (!m) {
    out.reject({ entry: entryIndex, field: ':61:', value: data.split('\n')[0], reason: 'the statement line cannot be read' });
    return;
  }
  const mark = m[6]!;
  const details = readDetails(tx.details, tx.structuredDetails);
  const returned = mark === 'RC' || mark === 'RD' || details.returned !== undefined;
  if (mark === 'D' && !returned) {
    out.debit();
    return;
  }
  const amount = swiftAmount(m[7]!, account.currency);
  if (!amount.ok) {
    out.reject({ entry: entryIndex, field: ':61:', value: m[7], reason: amount.reason });
    return;
  }
  const valueDate = swiftDate(m[1]!, m[2]!, m[3]!);
  if (!valueDate) {
    out.reject({ entry: entryIndex, field: ':61:', value: `${m[1]}${m[2]}${m[3]}`, reason: 'the value date is not a calendar date (YYMMDD)' });
    return;
  }
  const customerRef = clean(tx.reference);
  const movement = stripUndefined({
    account,
    amount: amount.minor,
    currency: account.currency,
    bookingDate: (m[4] && entryDate(valueDate, m[4], m[5]!)) || valueDate,
    valueDate,
    debtor: details.debtor,
    structuredReference: details.structuredReference,
    remittance: details.remittance,
    additionalInfo: clean([details.additionalInfo, tx.extraDetails].filter(Boolean).join(' ')),
    endToEndId: details.endToEndId,
    transactionCode: details.gvc ?? clean(tx.transactionType),
    bankReference: clean(tx.bankReference) ?? (customerRef && customerRef !== 'NONREF' ? customerRef : undefined),
    entryIndex,
    source,
  });
  if (!returned) {
    if (amount.minor === 0) out.reject({ entry: entryIndex, field: ':61:', value: m[7], reason: 'a credit of zero pays nothing' });
    else out.credit(movement);
    return;
  }
  // RC: a credit reversed (booked as a debit); RD: a debit reversed (booked as a credit).
  const reversal = mark === 'RC' || mark === 'RD';
  out.returned(
    stripUndefined({
      ...movement,
      kind: reversal ? ('reversal' as const) : ('return' as const),
      direction: mark === 'C' || mark === 'RD' ? ('credit' as const) : ('debit' as const),
      reason: details.returned?.reason,
      reasonText: details.returned?.reasonText,
      originalEndToEndId: details.endToEndId,
    }),
  );
};
