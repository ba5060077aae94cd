/**
 * ISO 20022 bank-to-customer messages: camt.053 (statement, BkToCstmrStmt/Stmt) and camt.054
 * (debit/credit notification, BkToCstmrDbtCdtNtfctn/Ntfctn), versions 001.02 to 001.13. The
 * version is read off the namespace; the elements Sollecito needs kept their names across these
 * versions except `Sts` (a code up to 001.07, `Sts/Cd` from 001.08) and the parties (`Dbtr/Nm`
 * up to 001.07, `Dbtr/Pty/Nm` from 001.08), so one reader reads them all.
 *
 * XML goes through parsers/xml.ts (DOCTYPE refused, well-formedness first, prefixes dropped).
 */
import { FileRejected } from '../parsers/types.js';
import { parseDate } from '../parsers/dates.js';
import { child, list, parseXml, rootOf, textOf, attrOf, type XmlNode } from '../parsers/xml.js';
import { isValidCreditorReference } from '../money/creditor-reference.js';
import { camtAmount, isCurrencyCode } from './amounts.js';
import { isRibaReturnCharge, ribaReturnReason } from './riba.js';
import { clean, StatementBuilder, stripUndefined } from './statement-builder.js';
import {
  StatementRejected,
  type BankAccountRef,
  type BankCredit,
  type BankParty,
  type BankReturn,
  type StatementBalance,
  type StatementRead,
  type StatementSource,
  type StructuredReference,
} from './types.js';

export const CAMT_MESSAGES = {
  'camt.053': { document: 'BkToCstmrStmt', report: 'Stmt' },
  'camt.054': { document: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn' },
} as const;
type CamtMessage = keyof typeof CAMT_MESSAGES;

/** The versions read: 001.02 (2009) to 001.13 (2023). */
export const CAMT_VERSIONS = Array.from({ length: 12 }, (_, i) => `001.${String(i + 2).padStart(2, '0')}`);

const NAMESPACE = /\bxmlns(?::[\w.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.(\d{3}\.\d{2})["']/;

/** The ISO 20022 message the document declares, e.g. { message: 'camt.053', version: '001.08' }. */
export const camtNamespaceOf = (text: string): { message: string; version: string } | undefined => {
  const m = NAMESPACE.exec(text.slice(0, 16_384));
  return m ? { message: m[1]!, version: m[2]! } : undefined;
};

const checkMessage = (text: string): { message: CamtMessage; version: string } => {
  const ns = camtNamespaceOf(text);
  if (!ns) {
    throw new StatementRejected(
      'the XML has no ISO 20022 namespace (urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN), so its message and version cannot be told: export the statement as camt.053 or camt.054 from the bank',
      'xmlns',
    );
  }
  const name = `${ns.message}.${ns.version}`;
  if (!(ns.message in CAMT_MESSAGES)) {
    throw new StatementRejected(`${name} is not a statement Sollecito reads: export the account statement (camt.053) or the debit/credit notification (camt.054)`, 'xmlns');
  }
  if (!CAMT_VERSIONS.includes(ns.version)) {
    throw new StatementRejected(
      `${name} is a version of ${ns.message} Sollecito does not read: it reads ${ns.message}.${CAMT_VERSIONS[0]} to ${ns.message}.${CAMT_VERSIONS.at(-1)}; ask the bank for one of those`,
      'xmlns',
    );
  }
  return { message: ns.message as CamtMessage, version: ns.version };
};

/** Reads a camt.053 or camt.054 document. StatementRejected when the document cannot be read at all. */
export const readCamt = (xml: string): StatementRead => {
  const text = xml.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new StatementRejected('the XML declares a DOCTYPE or entities, which bank statements never do: refused (protection against entity-expansion attacks)', 'DOCTYPE');
  }
  const { message, version } = checkMessage(text);
  let doc: XmlNode;
  try {
    doc = parseXml(text);
  } catch (err) {
    if (err instanceof FileRejected) throw new StatementRejected(err.reason, 'xml');
    throw new StatementRejected(`the XML cannot be read: ${String((err as Error)?.message ?? err).slice(0, 200)}`, 'xml');
  }
  const names = CAMT_MESSAGES[message];
  const body = child(rootOf(doc)?.node, names.document);
  if (!body || typeof body !== 'object') {
    throw new StatementRejected(`the namespace says ${message}.${version} but the document holds no <${names.document}>: the file is not a complete ${message}`, names.document);
  }
  const reports = list(child(body, names.report));
  if (reports.length === 0) throw new StatementRejected(`the ${message} holds no <${names.report}>: there is nothing to read`, names.report);

  const out = new StatementBuilder(message);
  let entryIndex = 0;
  reports.forEach((report, r) => {
    const entries = list(child(report, 'Ntry'));
    const account = accountOf(report, entries);
    const statementId = textOf(child(report, 'Id'));
    if (!account) {
      out.reject({ statement: r + 1, field: 'Acct/Ccy', reason: 'the account currency cannot be told (no Acct/Ccy, no balance, no entry amount): the statement was not read' });
      entryIndex += entries.length;
      return;
    }
    const source: StatementSource = stripUndefined({ format: message, version, statementId });
    out.statement(
      stripUndefined({
        account,
        statementId,
        from: dayOf(child(report, 'FrToDt/FrDtTm')),
        to: dayOf(child(report, 'FrToDt/ToDtTm')),
        opening: balanceOf(report, ['OPBD', 'PRCD']),
        closing: balanceOf(report, ['CLBD']),
      }),
    );
    for (const entry of entries) readEntry(entry, ++entryIndex, account, source, out);
  });
  return out.done();
};

const accountOf = (report: unknown, entries: unknown[]): BankAccountRef | undefined => {
  const iban = textOf(child(report, 'Acct/Id/IBAN'))?.replace(/\s+/g, '');
  const otherId = textOf(child(report, 'Acct/Id/Othr/Id'));
  const currency = [textOf(child(report, 'Acct/Ccy')), ...list(child(report, 'Bal')).map((b) => attrOf(child(b, 'Amt'), 'Ccy')), ...entries.map((e) => attrOf(child(e, 'Amt'), 'Ccy'))].find(
    isCurrencyCode,
  );
  if (!currency) return undefined;
  return stripUndefined({ iban, otherId: iban ? undefined : otherId, currency });
};

/** The calendar day as written: "2010-10-18T13:15:00+01:00" is 2010-10-18 whatever the reader's zone. */
const dayOf = (node: unknown): string | undefined => {
  const raw = textOf(node);
  if (!raw) return undefined;
  const d = parseDate(raw.slice(0, 10));
  return d.ok && /^\d{4}-\d{2}-\d{2}/.test(raw) ? d.date : undefined;
};

const dateOf = (node: unknown): string | undefined => dayOf(child(node, 'Dt')) ?? dayOf(child(node, 'DtTm'));

const balanceOf = (report: unknown, codes: string[]): StatementBalance | undefined => {
  const balances = list(child(report, 'Bal'));
  for (const code of codes) {
    const bal = balances.find((b) => textOf(child(b, 'Tp/CdOrPrtry/Cd')) === code);
    if (!bal) continue;
    const currency = attrOf(child(bal, 'Amt'), 'Ccy');
    const amt = camtAmount(textOf(child(bal, 'Amt')), currency);
    if (!amt.ok || !currency) return undefined;
    const sign = textOf(child(bal, 'CdtDbtInd')) === 'DBIT' ? -1 : 1;
    return stripUndefined({ amount: sign * amt.minor || 0, currency, date: dateOf(child(bal, 'Dt')) });
  }
  return undefined;
};

const statusOf = (entry: unknown): string | undefined => textOf(child(entry, 'Sts/Cd')) ?? textOf(child(entry, 'Sts/Prtry')) ?? textOf(child(entry, 'Sts'));

const isTrue = (node: unknown): boolean => {
  const v = textOf(node);
  return v === 'true' || v === '1';
};

/** One movement to record: the entry itself, or one transaction of a batch entry. */
interface Part {
  tx: unknown;
  transactionIndex?: number;
  amount: number;
  direction: 'CRDT' | 'DBIT';
}

const readEntry = (entry: unknown, entryIndex: number, account: BankAccountRef, source: StatementSource, out: StatementBuilder): void => {
  const status = statusOf(entry);
  if (status === undefined) {
    out.reject({ entry: entryIndex, field: 'Sts', reason: 'the entry has no status: it cannot be told whether it is booked' });
    return;
  }
  if (status !== 'BOOK') {
    out.pending();
    return;
  }
  const direction = textOf(child(entry, 'CdtDbtInd'));
  if (direction !== 'CRDT' && direction !== 'DBIT') {
    out.reject({ entry: entryIndex, field: 'CdtDbtInd', value: direction, reason: 'expected CRDT or DBIT' });
    return;
  }
  const reversal = isTrue(child(entry, 'RvslInd'));
  const txs = list(child(entry, 'NtryDtls')).flatMap((d) => list(child(d, 'TxDtls')));
  const returned = txs.some((tx) => child(tx, 'RtrInf') !== undefined);
  // An Italian bank books an unpaid RiBa item as a plain debit; only its words (or its proprietary code) tell.
  const plainDebit = direction === 'DBIT' && !reversal && !returned;
  const words = plainDebit ? ribaWords(entry, txs) : '';
  const riba = plainDebit ? ribaReturnReason(words) : undefined;
  const ribaCharge = plainDebit && !riba && isRibaReturnCharge(words);
  if (plainDebit && !riba && !ribaCharge) {
    out.debit();
    return;
  }

  const currency = attrOf(child(entry, 'Amt'), 'Ccy');
  const rawAmount = textOf(child(entry, 'Amt'));
  const amount = camtAmount(rawAmount, currency);
  if (!amount.ok) {
    out.reject({ entry: entryIndex, field: 'Amt', value: rawAmount, reason: amount.reason });
    return;
  }
  if (currency !== account.currency) {
    out.reject({
      entry: entryIndex,
      field: 'Amt/@Ccy',
      value: currency,
      reason: `the entry is in ${currency} but the account ${account.iban ?? account.otherId ?? 'of the statement'} is kept in ${account.currency}`,
    });
    return;
  }
  const bookingDate = dateOf(child(entry, 'BookgDt')) ?? dateOf(child(entry, 'ValDt'));
  if (!bookingDate) {
    out.reject({ entry: entryIndex, field: 'BookgDt', value: textOf(child(entry, 'BookgDt/Dt')) ?? textOf(child(entry, 'BookgDt/DtTm')), reason: 'no booking or value date as YYYY-MM-DD' });
    return;
  }

  if (ribaCharge) {
    out.returnCharge({ entryIndex, bookingDate, amount: amount.minor });
    return;
  }

  const common = stripUndefined({
    account,
    currency: currency!,
    bookingDate,
    valueDate: dateOf(child(entry, 'ValDt')),
    entryIndex,
    source,
  });
  const entryRef = textOf(child(entry, 'AcctSvcrRef')) ?? textOf(child(entry, 'NtryRef'));
  const entryInfo = clean(textOf(child(entry, 'AddtlNtryInf')));

  const parts = partsOf(txs, amount.minor, direction, currency!);
  for (const part of parts) {
    const details = detailsOf(part.tx);
    const movement = stripUndefined({
      ...common,
      transactionIndex: part.transactionIndex,
      amount: part.amount,
      ...details,
      bankReference: textOf(child(part.tx, 'Refs/AcctSvcrRef')) ?? entryRef,
      additionalInfo: clean(textOf(child(part.tx, 'AddtlTxInf'))) ?? entryInfo,
      transactionCode: transactionCodeOf(part.tx) ?? transactionCodeOf(entry),
    });
    const rtr = child(part.tx, 'RtrInf');
    if (rtr !== undefined || reversal || riba) {
      const ret: BankReturn = stripUndefined({
        ...movement,
        kind: reversal ? ('reversal' as const) : ('return' as const),
        direction: part.direction === 'CRDT' ? ('credit' as const) : ('debit' as const),
        reason: textOf(child(rtr, 'Rsn/Cd')) ?? textOf(child(rtr, 'Rsn/Prtry')) ?? riba,
        reasonText: clean(list(child(rtr, 'AddtlInf')).map(textOf).filter(Boolean).join(' ')) ?? (riba ? movement.additionalInfo ?? movement.remittance : undefined),
        originalEndToEndId: details.endToEndId,
        creditor: partyOf(part.tx, 'Cdtr'),
        // The entry's own charges belong to its one movement; a batch's are not shared out.
        charge: chargesOf(part.tx, currency!) ?? (parts.length === 1 ? chargesOf(entry, currency!) : undefined),
      });
      out.returned(ret);
    } else if (part.direction === 'DBIT') {
      out.debit();
    } else if (part.amount === 0) {
      out.reject({ entry: entryIndex, transaction: part.transactionIndex, field: 'Amt', value: '0', reason: 'a credit of zero pays nothing' });
    } else {
      out.credit(movement as BankCredit);
    }
  }
};

/**
 * A batch entry with several transactions that each carry an amount in the entry's currency is
 * read one credit per transaction; otherwise the entry is one movement for the amount booked
 * (a lone transaction's own amount may be 0 or in another currency: the booked amount wins).
 */
const partsOf = (txs: unknown[], entryAmount: number, direction: 'CRDT' | 'DBIT', currency: string): Part[] => {
  if (txs.length > 1) {
    const amounts = txs.map((tx) => txAmount(tx, currency));
    if (amounts.every((a) => a !== undefined)) {
      return txs.map((tx, i) => {
        const d = textOf(child(tx, 'CdtDbtInd'));
        return { tx, transactionIndex: i + 1, amount: amounts[i]!, direction: d === 'CRDT' || d === 'DBIT' ? d : direction };
      });
    }
  }
  return [{ tx: txs.length === 1 ? txs[0] : undefined, amount: entryAmount, direction }];
};

const txAmount = (tx: unknown, currency: string): number | undefined => {
  for (const path of ['Amt', 'AmtDtls/TxAmt/Amt', 'AmtDtls/CntrValAmt/Amt']) {
    const node = child(tx, path);
    if (node === undefined || attrOf(node, 'Ccy') !== currency) continue;
    const a = camtAmount(textOf(node), currency);
    if (a.ok) return a.minor;
  }
  return undefined;
};

const partyOf = (tx: unknown, role: 'Dbtr' | 'Cdtr'): BankParty | undefined => {
  const name = clean(textOf(child(tx, `RltdPties/${role}/Nm`)) ?? textOf(child(tx, `RltdPties/${role}/Pty/Nm`)));
  const iban = textOf(child(tx, `RltdPties/${role}Acct/Id/IBAN`))?.replace(/\s+/g, '');
  const otherAccountId = textOf(child(tx, `RltdPties/${role}Acct/Id/Othr/Id`))?.trim();
  if (!name && !iban && !otherAccountId) return undefined;
  return stripUndefined({ name, iban, otherAccountId: iban ? undefined : otherAccountId });
};

/** The texts that may call a debit a RiBa insoluto: the proprietary code, the entry's and transactions' additional information, the remittance. */
const ribaWords = (entry: unknown, txs: unknown[]): string =>
  [
    textOf(child(entry, 'BkTxCd/Prtry/Cd')),
    textOf(child(entry, 'AddtlNtryInf')),
    ...txs.flatMap((tx) => [textOf(child(tx, 'BkTxCd/Prtry/Cd')), textOf(child(tx, 'AddtlTxInf')), ...list(child(tx, 'RmtInf/Ustrd')).map(textOf)]),
  ]
    .filter(Boolean)
    .join(' ');

/**
 * What the bank charged, in the account's currency: per `Chrgs` (one from 001.03, repeated in
 * 001.02) its `TtlChrgsAndTaxAmt`, else its records' `Rcrd/Amt` (charges refunded, CdtDbtInd
 * CRDT, count against), else its own `Amt` (001.02). Undefined when there are none.
 */
const chargesOf = (node: unknown, currency: string): number | undefined => {
  const amountIn = (n: unknown): number | undefined => {
    if (n === undefined || attrOf(n, 'Ccy') !== currency) return undefined;
    const a = camtAmount(textOf(n), currency);
    return a.ok ? a.minor : undefined;
  };
  let total = 0;
  for (const c of list(child(node, 'Chrgs'))) {
    const all = amountIn(child(c, 'TtlChrgsAndTaxAmt'));
    if (all !== undefined) {
      total += all;
      continue;
    }
    const records = list(child(c, 'Rcrd'));
    if (records.length > 0) {
      for (const r of records) total += (amountIn(child(r, 'Amt')) ?? 0) * (textOf(child(r, 'CdtDbtInd')) === 'CRDT' ? -1 : 1);
      continue;
    }
    total += amountIn(child(c, 'Amt')) ?? 0;
  }
  return total > 0 ? total : undefined;
};

/** BkTxCd as Domain/Family/SubFamily (PMNT/RCDT/ESCT), else the proprietary code (NMSC+051). */
const transactionCodeOf = (node: unknown): string | undefined => {
  const domain = [textOf(child(node, 'BkTxCd/Domn/Cd')), textOf(child(node, 'BkTxCd/Domn/Fmly/Cd')), textOf(child(node, 'BkTxCd/Domn/Fmly/SubFmlyCd'))];
  if (domain.every(Boolean)) return domain.join('/');
  return textOf(child(node, 'BkTxCd/Prtry/Cd'));
};

const SCHEMES: Record<string, string> = { 'ISR Reference': 'ISR', ESR: 'ISR' };

const referenceOf = (tx: unknown): StructuredReference | undefined => {
  for (const strd of list(child(tx, 'RmtInf/Strd'))) {
    const ref = textOf(child(strd, 'CdtrRefInf/Ref'))?.replace(/\s+/g, '');
    if (!ref) continue;
    const written = textOf(child(strd, 'CdtrRefInf/Tp/CdOrPrtry/Cd')) ?? textOf(child(strd, 'CdtrRefInf/Tp/CdOrPrtry/Prtry'));
    const scheme = written ? (SCHEMES[written] ?? written) : isValidCreditorReference(ref) ? 'SCOR' : 'UNSPECIFIED';
    return { scheme, ref };
  }
  return undefined;
};

const detailsOf = (tx: unknown) => {
  const e2e = textOf(child(tx, 'Refs/EndToEndId'));
  return {
    debtor: partyOf(tx, 'Dbtr'),
    structuredReference: referenceOf(tx),
    remittance: clean(
      list(child(tx, 'RmtInf/Ustrd'))
        .map(textOf)
        .filter(Boolean)
        .join(' '),
    ),
    endToEndId: e2e && e2e !== 'NOTPROVIDED' ? e2e : undefined,
  };
};
