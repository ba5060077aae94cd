/** Item keys of the single table (dynamo/schema.ts); docs/data-model.md explains every access pattern. */
import { OPEN_SHARDS } from './schema.js';

const shardOf = (invoiceId: string): number => {
  let h = 0;
  for (let i = 0; i < invoiceId.length; i++) h = (h * 31 + invoiceId.charCodeAt(i)) >>> 0;
  return h % OPEN_SHARDS;
};

export type ItemKey = { pk: string; sk: string };

export const keys = {
  tenant: (t: string) => ({ pk: `T#${t}`, sk: 'TENANT' }),
  invoice: (t: string, invoiceId: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: 'INV' }),
  /** Contact log: same partition as the invoice, so one Query returns the invoice and its whole history. */
  logEvent: (t: string, invoiceId: string, at: string, eventId: string) => ({
    pk: `T#${t}#INV#${invoiceId}`,
    sk: `LOG#${at}#${eventId}`,
  }),
  /** Guard item: exists once a stage (or a one-off message) was claimed for sending. */
  stageDone: (t: string, invoiceId: string, stage: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `STAGE#${stage}` }),
  payment: (t: string, invoiceId: string, paymentId: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `PAY#${paymentId}` }),
  customer: (t: string, customerId: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: 'CUST' }),
  /** Customer-level log (contact changes, sales notes, credit hold released): same partition as the customer. */
  customerLogEvent: (t: string, customerId: string, at: string, eventId: string) => ({
    pk: `T#${t}#CUST#${customerId}`,
    sk: `LOG#${at}#${eventId}`,
  }),
  /**
   * A customer found by its name (domain/ingest/rules.ts nameKey), on the customer item itself in
   * gsi1 (apart from the open-invoice shards): a buyer an e-invoice names only by name.
   */
  customerByName: (t: string, nameKey: string, customerId: string) => ({ gsi1pk: `T#${t}#CUSTNAME#${nameKey}`, gsi1sk: customerId }),
  /**
   * What the customer's reminders may leave unread (adapters/dynamo/marks.ts): the open answer tasks
   * and the open credits of the customer, kept by their writers in the same transactions.
   */
  customerMarks: (t: string, customerId: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: 'MARKS' }),
  /** The company's marks: how many bank credits may be unconfirmed (never fewer than there are), the wording's version. */
  tenantMarks: (t: string) => ({ pk: `T#${t}`, sk: 'MARKS' }),
  /** The customer's voice: who is speaking to the customer right now (adapters/dynamo-voice.ts). */
  customerVoice: (t: string, customerId: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: 'VOICE' }),
  /** The day's one internal notice of a kind about a customer (adapters/dynamo-notice-digests.ts). */
  noticeDay: (t: string, customerId: string, audience: string, kind: string, day: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: `NOTICE#${audience}#${kind}#${day}` }),
  /** The notices of a kind that wait for the next day's digest. */
  noticeDigest: (t: string, customerId: string, audience: string, kind: string, day: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: `DIGEST#${audience}#${kind}#${day}` }),
  /** A sales note (domain/model.ts SalesNote): in the customer's partition, by its id (the hash of its text). */
  salesNote: (t: string, customerId: string, noteId: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: `NOTE#${noteId}` }),
  /** Uniqueness and lookup of a customer by VAT number or codice fiscale. */
  customerByTaxId: (t: string, taxId: string) => ({ pk: `T#${t}#TAXID#${taxId.toUpperCase()}`, sk: 'TAXID' }),
  /** Invoice number -> invoice id, so the same invoice in two files is recognised. */
  invoiceByNumber: (t: string, customerId: string, number: string) => ({
    pk: `T#${t}#NUM#${customerId}#${number}`,
    sk: 'NUM',
  }),
  /** The finance team's call queue for one day: one invoice on a customer's call. */
  callTask: (t: string, day: string, customerId: string, invoiceId: string) => ({
    pk: `T#${t}#CALLS#${day}`,
    sk: `${customerId}#${invoiceId}`,
  }),
  /** The customer's one call of the day (who, when, what to say), sorted just before its invoices. */
  customerCall: (t: string, day: string, customerId: string) => ({
    pk: `T#${t}#CALLS#${day}`,
    sk: `${customerId}#`,
  }),
  /**
   * The tenant's activity feed (domain/reports/activity.ts: issued, collected, promised, broken, closed),
   * one partition per month of the tenant's local dates, sorted by day: what the weekly report
   * and the outcome analytics read once paid invoices have left the open index.
   */
  activity: (t: string, date: string, id: string) => ({ pk: `T#${t}#ACT#${date.slice(0, 7)}`, sk: `${date}#${id}` }),
  /** The ageing histogram: one item per currency and due day, all of a tenant's in one partition (domain/reports/ageing-days.ts). */
  ageingDay: (t: string, currency: string, dueDate: string) => ({ pk: `T#${t}#AGEDAYS`, sk: `DAY#${currency}#${dueDate}` }),
  /**
   * Credit sales of one local issue day and currency: the issued activity items filed under that day
   * added up (domain/reports/sales-days.ts), all of a tenant's in one partition sorted by day, so a
   * period is one range of sort keys.
   */
  salesDay: (t: string, date: string, currency: string) => ({ pk: `T#${t}#SALESDAYS`, sk: `DAY#${date}#${currency}` }),
  /** What one invoice adds to the histogram now, and the last stream record applied: next to the invoice. */
  ageingShare: (t: string, invoiceId: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: 'AGESHARE' }),
  /** A customer link's answer, consumed once (domain/messages/links.ts answerKey): a replayed form finds it taken. */
  linkAnswer: (t: string, invoiceId: string, answerKey: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `ANSWER#${answerKey}` }),
  /** An SMS short link, by its code alone: what GET /s/{code} reads (domain/messages/short-links.ts). */
  shortLink: (t: string, code: string) => ({ pk: `T#${t}#SHORT#${code}`, sk: 'SHORT' }),
  /** The short link of one message (invoice, run, reminder), next to the invoice: a retried send finds the code it drew. */
  messageShortLink: (t: string, invoiceId: string, run: number, ref: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `SHORTLINK#${run}#${ref}` }),
  /** An SMS we sent, by the provider's message id: what an inbound reply (STOP) refers to. */
  smsMessage: (t: string, messageId: string) => ({ pk: `T#${t}#SMS#${messageId}`, sk: 'SMS' }),
  /** The finance team's task list (domain/commands/tasks.ts): plan requests, contact changes, contacts to fix. */
  task: (t: string, taskId: string) => ({ pk: `T#${t}#TASKS`, sk: `TASK#${taskId}` }),
  /**
   * A booked bank credit (domain/bank/credit-records.ts): one partition per tenant, the id the hash
   * of its idempotency key (account + bank entry reference), so a repeated statement lands on it.
   */
  bankCredit: (t: string, creditId: string) => ({ pk: `T#${t}#CREDITS`, sk: `CREDIT#${creditId}` }),
  /** A bank credit applied to an invoice, written once with the payment: in the invoice's partition. */
  creditApplication: (t: string, invoiceId: string, creditId: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `BANKCREDIT#${creditId}` }),
  /** A debtor IBAN learned from a confirmed credit -> its customer: one partition per tenant, read whole by the matcher. */
  debtorIban: (t: string, iban: string) => ({ pk: `T#${t}#DEBTORS`, sk: `IBAN#${iban}` }),
  /** The newest statement seen for one of the company's accounts (adapters/dynamo-statement-feed.ts). */
  statementFeed: (t: string, account: string) => ({ pk: `T#${t}#BANKFEED`, sk: `ACCOUNT#${account}` }),
  /** What reading one statement file did: in the feed's partition, by file key. */
  statementRead: (t: string, key: string) => ({ pk: `T#${t}#BANKFEED`, sk: `FILE#${key}` }),
  /** An overpayment's (or a credit note's) rest, the customer's credit: in the customer's partition, once per bank credit (credit note). */
  customerCredit: (t: string, customerId: string, creditId: string) => ({ pk: `T#${t}#CUST#${customerId}`, sk: `CREDIT#${creditId}` }),
  /** A customer credit applied to an invoice, written once with the offset payment: in the invoice's partition. */
  customerCreditApplication: (t: string, invoiceId: string, creditId: string) => ({ pk: `T#${t}#INV#${invoiceId}`, sk: `CUSTCREDIT#${creditId}` }),
  /** A FatturaPA file by the name the SdI knows it by -> its invoices, and the notifications waiting for it (adapters/dynamo-sdi-files.ts). */
  sdiFile: (t: string, stem: string) => ({ pk: `T#${t}#SDIFILE#${stem}`, sk: 'SDIFILE' }),
  /** IdentificativoSdI -> the file it names. */
  sdiId: (t: string, sdiId: string) => ({ pk: `T#${t}#SDIID#${sdiId}`, sk: 'SDIID' }),
  /** A company policy's latest version, one item per policy in the tenant's policy partition (adapters/dynamo-policies.ts). */
  policyHead: (t: string, policyId: string) => ({ pk: `T#${t}#POLICIES`, sk: `HEAD#${policyId}` }),
  /** Every version of a company policy, kept: an invoice names the version it was planned with. */
  policyVersion: (t: string, policyId: string, version: number) => ({ pk: `T#${t}#POLICIES`, sk: `VER#${policyId}#${String(version).padStart(6, '0')}` }),
  /** The company's own wording of one message (adapters/dynamo-wording.ts): one partition per tenant, read whole by a message's rendering. */
  wording: (t: string, kind: string, tone: string, language: string) => ({ pk: `T#${t}#WORDING`, sk: `${kind}#${tone}#${language}` }),
  /**
   * A timeline run to start at `at` (adapters/dynamo-timeline-wake-ups.ts): one partition per
   * tenant, sorted by instant, so the due ones are one Query. Few: only plans reaching past an
   * execution's year write one.
   */
  wakeUp: (t: string, at: string, invoiceId: string, revision: number, run: number) => ({ pk: `T#${t}#WAKEUPS`, sk: `${at}#${invoiceId}#${revision}#${run}` }),
  wakeUps: (t: string) => `T#${t}#WAKEUPS`,
  openByDue: (t: string, invoiceId: string, dueDate: string) => ({
    gsi1pk: `T#${t}#OPEN#${shardOf(invoiceId)}`,
    gsi1sk: `${dueDate}#${invoiceId}`,
  }),
  openShardKeys: (t: string) => Array.from({ length: OPEN_SHARDS }, (_, i) => `T#${t}#OPEN#${i}`),
  /** gsi1 also holds the bank credits by status, by booking date: the credits to confirm without reading every credit kept. */
  creditsByStatus: (t: string, status: string) => `T#${t}#CREDITS#${status}`,
  creditByStatus: (t: string, status: string, bookingDate: string, creditId: string) => ({
    gsi1pk: `T#${t}#CREDITS#${status}`,
    gsi1sk: `${bookingDate}#${creditId}`,
  }),
  byCustomer: (t: string, customerId: string, invoiceId: string, dueDate: string) => ({
    gsi2pk: `T#${t}#CUST#${customerId}`,
    gsi2sk: `INV#${dueDate}#${invoiceId}`,
  }),
};
