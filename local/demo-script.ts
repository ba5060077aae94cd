/**
 * The customers' scripted behaviour in `npm run demo`: what each one does, and when (local time,
 * Europe/Rome). Everything else is the product reacting on its own.
 *
 * Two kinds of script:
 * - DEMO_SCRIPT: what the finance team records through the admin API (a promise, a dispute, a
 *   payment taken by hand, a bank credit confirmed);
 * - DEMO_BANK: the money itself. Each transfer (or direct-debit collection, or its return) is booked
 *   by the company's bank on its business day and reaches Sollecito in the next business morning's
 *   camt.053 statement (local/demo-bank.ts), where the matcher finds the invoices it pays.
 */
import { composeIBAN } from 'ibantools';

export type ScriptedAction =
  | { kind: 'payment'; full: true }
  | { kind: 'promise'; promiseDate: string; by: string }
  | { kind: 'dispute'; reason: 'goods' | 'service' | 'amount' | 'invoice_details' | 'other'; text: string }
  /** The finance team confirms the bank credit the matcher suggested for this invoice (POST /v1/bank-credits/{id}/confirm). */
  | { kind: 'confirmCredit' }
  /** The finance team fixes the customer's e-mail address after a bounce (PATCH /v1/customers/{id}). */
  | { kind: 'fixContact'; email: string };

export interface ScriptStep {
  at: string;
  customerId: string;
  number: string;
  action: ScriptedAction;
  story: string;
}

export const DEMO_SCRIPT: ScriptStep[] = [
  { at: '2026-01-21T15:30', customerId: 'C-VERDI', number: '2025/0398', action: { kind: 'promise', promiseDate: '2026-01-30', by: 'Paolo Verdi' }, story: 'promises to pay on 30 January' },
  { at: '2026-01-26T16:00', customerId: 'C-ESPOSITO', number: '2025/0405', action: { kind: 'promise', promiseDate: '2026-02-02', by: 'Anna Esposito' }, story: 'promises to pay on 2 February, then does not' },
  { at: '2026-01-23T10:00', customerId: 'C-TRANSILVANIA', number: '2025/0420', action: { kind: 'dispute', reason: 'goods', text: 'Two pallets arrived damaged (DDT 1187).' }, story: 'disputes the goods' },
  { at: '2026-02-09T10:00', customerId: 'C-CARPATHIA', number: '2025/0433', action: { kind: 'confirmCredit' }, story: "the finance team confirms Monday's suggested credit: it is Carpathia's transfer from a new account" },
  { at: '2026-02-11T11:00', customerId: 'C-SOUTHDOWNS', number: 'SDC-2026-01', action: { kind: 'fixContact', email: 'accounts@southdownscatering.example' }, story: "the finance team works the fix-contact task: the reminders to bounce@… came back, here is the right address" },
];

/** A made-up but valid IBAN (check digits computed) for a demo customer's account. */
const iban = (countryCode: string, bban: string): string => {
  const out = composeIBAN({ countryCode, bban });
  if (!out) throw new Error(`not a valid ${countryCode} BBAN: ${bban}`);
  return out;
};

export interface BankMovement {
  /** When the money leaves the customer's side (local time, Europe/Rome); booked that business day or the next. */
  at: string;
  customerId: string;
  /** The invoices the customer means to pay: the truth the demo checks the matcher against. */
  numbers: string[];
  /** transfer: a credit transfer received; directDebit: a SEPA direct debit collected; directDebitReturn: that collection back unpaid. */
  kind: 'transfer' | 'directDebit' | 'directDebitReturn';
  /** Decimal, as the customer's bank sends it. */
  amount: string;
  currency: 'EUR' | 'GBP' | 'RON';
  debtor: { name: string; iban: string };
  /** The creditor reference typed into the structured field (ISO 11649 RF, valid or not). */
  rf?: string;
  /** The free text (unstructured remittance). */
  text?: string;
  endToEndId?: string;
  mandateId?: string;
  /** ISO 20022 return reason of a directDebitReturn (AM04: insufficient funds). */
  returnReason?: string;
  /** What the demo shows with it. */
  shows: 'rfReference' | 'twoInvoicesInText' | 'severalInvoicesInText' | 'invoiceNumberInText' | 'partial' | 'unknownIbanGarbledReference' | 'overpayment' | 'directDebit' | 'directDebitReturn';
  story: string;
}

const BIANCHI = { name: 'BIANCHI COSTRUZIONI S.P.A.', iban: iban('IT', 'X0306909606100000012345') };
const VERDI = { name: 'FERRAMENTA VERDI SNC', iban: iban('IT', 'A0200802435000104428964') };
const TRANSILVANIA_EUR = { name: 'TRANSILVANIA LOGISTIC SRL', iban: iban('RO', 'BTRL0301205M12345XX1') };
const TRANSILVANIA_RON = { name: 'TRANSILVANIA LOGISTIC SRL', iban: iban('RO', 'BTRL0301205M12345XX2') };
/** Not the account Carpathia's invoices were ever paid from: nothing knows it. */
const CARPATHIA_NEW_ACCOUNT = { name: 'CARPATHIA TRADE SRL', iban: iban('RO', 'RNCB0082004530120001') };
const THAMES = { name: 'THAMES VALLEY ENGINEERING LTD', iban: iban('GB', 'NWBK60161331926819') };
const BRIGHTON = { name: 'BRIGHTON HOME GOODS LTD', iban: iban('GB', 'BARC20035370123456') };

export const DEMO_BANK: BankMovement[] = [
  { at: '2026-01-19T11:00', customerId: 'C-BIANCHI', numbers: ['2025/0412'], kind: 'transfer', amount: '12480.00', currency: 'EUR', debtor: BIANCHI, rf: 'RF41 2025 0412', shows: 'rfReference', story: 'pays the day before the due date, with the RF reference of the invoice' },
  { at: '2026-01-30T12:00', customerId: 'C-VERDI', numbers: ['2025/0398'], kind: 'transfer', amount: '2150.00', currency: 'EUR', debtor: VERDI, rf: 'RF31 2025 0398', endToEndId: 'VERDI-20260130-1', shows: 'rfReference', story: 'keeps the promise' },
  { at: '2026-02-04T10:00', customerId: 'C-TRANSILVANIA', numbers: ['2025/0420'], kind: 'transfer', amount: '6100.00', currency: 'EUR', debtor: TRANSILVANIA_EUR, rf: 'RF19 2025 0420', text: 'PLATA PARTIALA, 2 PALETI DETERIORATI', shows: 'partial', story: 'pays the undisputed part of the disputed invoice' },
  { at: '2026-02-05T15:00', customerId: 'C-CARPATHIA', numbers: ['2025/0433'], kind: 'transfer', amount: '8900.00', currency: 'RON', debtor: CARPATHIA_NEW_ACCOUNT, rf: 'RF65 2025 0433', shows: 'unknownIbanGarbledReference', story: 'pays from a new account and mistypes the RF reference: a suggestion for the finance team, who confirm it' },
  { at: '2026-02-09T06:00', customerId: 'C-BIANCHI', numbers: ['2026/0007'], kind: 'directDebit', amount: '5320.50', currency: 'EUR', debtor: BIANCHI, rf: 'RF63 2026 0007', endToEndId: 'OR-SDD-2026-0007', mandateId: 'OR-MNDT-0042', shows: 'directDebit', story: 'is collected by SEPA direct debit the day before the due date' },
  { at: '2026-02-12T06:00', customerId: 'C-BIANCHI', numbers: ['2026/0007'], kind: 'directDebitReturn', amount: '5320.50', currency: 'EUR', debtor: BIANCHI, endToEndId: 'OR-SDD-2026-0007', mandateId: 'OR-MNDT-0042', returnReason: 'AM04', text: 'Insufficient funds', shows: 'directDebitReturn', story: "the collection comes back unpaid: insufficient funds (AM04)" },
  { at: '2026-02-12T14:00', customerId: 'C-THAMES', numbers: ['TVE-2025-118'], kind: 'transfer', amount: '18400.00', currency: 'GBP', debtor: THAMES, text: 'TVE-2025-118', shows: 'invoiceNumberInText', story: 'key account, pays after the first overdue reminder, the invoice number as the reference' },
  { at: '2026-02-13T09:30', customerId: 'C-TRANSILVANIA', numbers: ['2026/0003'], kind: 'transfer', amount: '15000.00', currency: 'RON', debtor: TRANSILVANIA_RON, rf: 'RF74 2026 0003', shows: 'rfReference', story: 'pays after the first overdue reminder' },
  { at: '2026-03-09T11:00', customerId: 'C-BRIGHTON', numbers: ['BHG-2026-01', 'BHG-2026-02'], kind: 'transfer', amount: '1592.50', currency: 'GBP', debtor: BRIGHTON, text: 'BHG-2026-01 BHG-2026-02', shows: 'twoInvoicesInText', story: 'pays the batch once its credit line is suspended: two invoices in a first transfer' },
  {
    at: '2026-03-09T11:05',
    customerId: 'C-BRIGHTON',
    numbers: ['BHG-2026-03', 'BHG-2026-04', 'BHG-2026-05', 'BHG-2026-06', 'BHG-2026-07', 'BHG-2026-08'],
    kind: 'transfer',
    amount: '3618.74',
    currency: 'GBP',
    debtor: BRIGHTON,
    text: 'BHG-2026-03 BHG-2026-04 BHG-2026-05 BHG-2026-06 BHG-2026-07 BHG-2026-08',
    shows: 'severalInvoicesInText',
    story: '… and the six others in a second one',
  },
  { at: '2026-02-26T10:00', customerId: 'C-THAMES', numbers: ['TVE-2026-004'], kind: 'transfer', amount: '6300.00', currency: 'GBP', debtor: THAMES, text: 'TVE-2026-004', shows: 'overpayment', story: 'pays on time, 50.00 too much: the rest is kept as their credit' },
];
