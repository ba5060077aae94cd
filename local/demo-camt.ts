/**
 * A small ISO 20022 camt.053.001.08 writer (bank-to-customer statement) for the demo's bank and the
 * portfolio bench: what a bank's export would hold for the movements it is given, one `Stmt` per
 * account and currency, balances, a transaction summary, and per entry the booking and value dates,
 * the bank's reference, the bank transaction code, the related parties, the remittance (unstructured
 * `Ustrd` and/or a structured creditor reference `Strd/CdtrRefInf`) and, for an R-transaction, the
 * return information (`RtrInf`). Element order follows the camt.053.001.08 schema
 * (BankToCustomerStatementV08); only the elements used here are written.
 *
 * Pure: no I/O, no clock. Amounts come in as integer minor units. Read back by
 * lambdas/domain/bank/camt.ts (the product's reader), which the demo and the bench both go through.
 */

export const CAMT_053_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';

export interface CamtParty {
  name?: string;
  iban?: string;
}

/** ISO 20022 bank transaction code, Domain/Family/SubFamily (e.g. PMNT/RCDT/ESCT). */
export interface CamtTxCode {
  domain: string;
  family: string;
  subFamily: string;
}

/** SEPA credit transfer received. */
export const SEPA_TRANSFER_IN: CamtTxCode = { domain: 'PMNT', family: 'RCDT', subFamily: 'ESCT' };
/** Domestic (non-SEPA) credit transfer received: a Faster Payment in the UK, a RON transfer in Romania. */
export const DOMESTIC_TRANSFER_IN: CamtTxCode = { domain: 'PMNT', family: 'RCDT', subFamily: 'DMCT' };
/** SEPA core direct debit collected (the creditor's side). */
export const SEPA_DIRECT_DEBIT_COLLECTED: CamtTxCode = { domain: 'PMNT', family: 'IDDT', subFamily: 'ESDD' };
/** A direct debit that came back unpaid (the creditor's side). */
export const DIRECT_DEBIT_UNPAID: CamtTxCode = { domain: 'PMNT', family: 'IDDT', subFamily: 'UPDD' };

export interface CamtEntry {
  /** Minor units, positive. */
  amount: number;
  direction: 'CRDT' | 'DBIT';
  bookingDate: string;
  valueDate?: string;
  /** The bank's own reference for the entry (AcctSvcrRef): what makes a re-sent entry the same one. */
  bankReference: string;
  txCode: CamtTxCode;
  endToEndId?: string;
  mandateId?: string;
  debtor?: CamtParty;
  creditor?: CamtParty;
  /** Unstructured remittance lines (each at most 140 characters, as the schema allows). */
  remittance?: string[];
  /** A structured creditor reference, written as typed by the payer (SCOR: ISO 11649 RF). */
  creditorReference?: { ref: string; scheme?: 'SCOR' };
  /** An R-transaction: the reason code (AM04, MD06, AC04 …) and its text. */
  returnInfo?: { reason: string; text?: string };
  additionalInfo?: string;
}

export interface CamtStatement {
  id: string;
  /** Electronic sequence number: one more each statement of the account. */
  sequence: number;
  account: { iban: string; currency: string; ownerName?: string; servicerBic?: string };
  /** The day the statement covers (the entries' booking days fall in [from, to]). */
  from: string;
  to: string;
  /** Opening booked balance, minor units (negative: debit balance). */
  opening: number;
  entries: CamtEntry[];
}

export interface Camt053Document {
  messageId: string;
  /** ISO date-time with offset, e.g. 2026-01-20T07:30:00+01:00. */
  createdAt: string;
  statements: CamtStatement[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const digitsOf = (currency: string): number => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** Minor units -> the schema's decimal ("12480.00"). */
export const camtDecimal = (minor: number, currency: string): string => {
  const digits = digitsOf(currency);
  const abs = Math.abs(minor);
  if (digits === 0) return String(abs);
  const s = String(abs).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
};

const amt = (minor: number, currency: string) => `<Amt Ccy="${esc(currency)}">${camtDecimal(minor, currency)}</Amt>`;
const opt = (cond: unknown, xml: () => string) => (cond ? xml() : '');
const txCode = (c: CamtTxCode) => `<BkTxCd><Domn><Cd>${c.domain}</Cd><Fmly><Cd>${c.family}</Cd><SubFmlyCd>${c.subFamily}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
const party = (role: 'Dbtr' | 'Cdtr', p: CamtParty | undefined) =>
  !p ? '' : `${opt(p.name, () => `<${role}><Pty><Nm>${esc(p.name!.slice(0, 140))}</Nm></Pty></${role}>`)}${opt(p.iban, () => `<${role}Acct><Id><IBAN>${esc(p.iban!)}</IBAN></Id></${role}Acct>`)}`;

const balance = (code: 'OPBD' | 'CLBD', minor: number, currency: string, day: string) =>
  `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amt(minor, currency)}<CdtDbtInd>${minor < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>`;

const entry = (e: CamtEntry, currency: string): string => {
  const remittance =
    e.remittance?.length || e.creditorReference
      ? `<RmtInf>${(e.remittance ?? []).map((u) => `<Ustrd>${esc(u.slice(0, 140))}</Ustrd>`).join('')}${opt(
          e.creditorReference,
          () => `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>${e.creditorReference!.scheme ?? 'SCOR'}</Cd></CdOrPrtry></Tp><Ref>${esc(e.creditorReference!.ref)}</Ref></CdtrRefInf></Strd>`,
        )}</RmtInf>`
      : '';
  const refs = `<Refs><AcctSvcrRef>${esc(e.bankReference)}</AcctSvcrRef><EndToEndId>${esc(e.endToEndId ?? 'NOTPROVIDED')}</EndToEndId>${opt(e.mandateId, () => `<MndtId>${esc(e.mandateId!)}</MndtId>`)}</Refs>`;
  const ret = e.returnInfo ? `<RtrInf><Rsn><Cd>${esc(e.returnInfo.reason)}</Cd></Rsn>${opt(e.returnInfo.text, () => `<AddtlInf>${esc(e.returnInfo!.text!.slice(0, 105))}</AddtlInf>`)}</RtrInf>` : '';
  return (
    `<Ntry>${amt(e.amount, currency)}<CdtDbtInd>${e.direction}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
    `<BookgDt><Dt>${e.bookingDate}</Dt></BookgDt><ValDt><Dt>${e.valueDate ?? e.bookingDate}</Dt></ValDt>` +
    `<AcctSvcrRef>${esc(e.bankReference)}</AcctSvcrRef>${txCode(e.txCode)}` +
    `<NtryDtls><TxDtls>${refs}${amt(e.amount, currency)}<CdtDbtInd>${e.direction}</CdtDbtInd>${txCode(e.txCode)}` +
    `${opt(e.debtor || e.creditor, () => `<RltdPties>${party('Dbtr', e.debtor)}${party('Cdtr', e.creditor)}</RltdPties>`)}${remittance}${ret}` +
    `${opt(e.additionalInfo, () => `<AddtlTxInf>${esc(e.additionalInfo!.slice(0, 500))}</AddtlTxInf>`)}</TxDtls></NtryDtls></Ntry>`
  );
};

const statement = (s: CamtStatement, createdAt: string): string => {
  const { currency } = s.account;
  const credits = s.entries.filter((e) => e.direction === 'CRDT');
  const debits = s.entries.filter((e) => e.direction === 'DBIT');
  const sum = (list: CamtEntry[]) => list.reduce((t, e) => t + e.amount, 0);
  const net = sum(credits) - sum(debits);
  const closing = s.opening + net;
  const count = (n: number, total: number) => `<NbOfNtries>${n}</NbOfNtries><Sum>${camtDecimal(total, currency)}</Sum>`;
  const summary =
    `<TxsSummry><TtlNtries>${count(s.entries.length, sum(s.entries))}<TtlNetNtry><Amt>${camtDecimal(net, currency)}</Amt><CdtDbtInd>${net < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd></TtlNetNtry></TtlNtries>` +
    `<TtlCdtNtries>${count(credits.length, sum(credits))}</TtlCdtNtries><TtlDbtNtries>${count(debits.length, sum(debits))}</TtlDbtNtries></TxsSummry>`;
  return (
    `<Stmt><Id>${esc(s.id)}</Id><ElctrncSeqNb>${s.sequence}</ElctrncSeqNb><CreDtTm>${createdAt}</CreDtTm>` +
    `<FrToDt><FrDtTm>${s.from}T00:00:00</FrDtTm><ToDtTm>${s.to}T23:59:59</ToDtTm></FrToDt>` +
    `<Acct><Id><IBAN>${esc(s.account.iban)}</IBAN></Id><Ccy>${esc(currency)}</Ccy>${opt(s.account.ownerName, () => `<Ownr><Nm>${esc(s.account.ownerName!)}</Nm></Ownr>`)}${opt(
      s.account.servicerBic,
      () => `<Svcr><FinInstnId><BICFI>${esc(s.account.servicerBic!)}</BICFI></FinInstnId></Svcr>`,
    )}</Acct>` +
    `${balance('OPBD', s.opening, currency, s.from)}${balance('CLBD', closing, currency, s.to)}${summary}` +
    `${s.entries.map((e) => entry(e, currency)).join('')}</Stmt>`
  );
};

/** The closing booked balance of a statement: opening + credits − debits. */
export const closingBalance = (s: Pick<CamtStatement, 'opening' | 'entries'>): number =>
  s.entries.reduce((t, e) => t + (e.direction === 'CRDT' ? e.amount : -e.amount), s.opening);

/** The document as UTF-8 XML text, one line per entry (for a person reading the file). */
export const writeCamt053 = (doc: Camt053Document): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${CAMT_053_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<BkToCstmrStmt>\n` +
  `<GrpHdr><MsgId>${esc(doc.messageId)}</MsgId><CreDtTm>${doc.createdAt}</CreDtTm><MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>\n` +
  `${doc.statements.map((s) => statement(s, doc.createdAt).replace(/<Ntry>/g, '\n<Ntry>')).join('\n')}\n</BkToCstmrStmt>\n</Document>\n`;
