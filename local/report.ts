/**
 * What `npm run demo` prints: every invoice with its contacts and final status, the rejected
 * files, the totals, and what the bank statements did (the credits read, how each was decided,
 * and the check that no reminder left after the money was on the account). Read straight from the
 * local table and bucket (local tooling: a Scan is fine here; the product itself never scans).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import type { BankCreditRecord } from '../lambdas/domain/bank/credit-records.js';
import { amountDue } from '../lambdas/domain/model.js';
import { localDay } from '../lambdas/domain/shared/days.js';
import { s3Client } from './seed.js';

export interface DemoContact {
  at: string;
  stage: string;
  channel: string;
  to?: string;
  type: string;
  messageId?: string;
  outcome?: string;
}

export interface DemoInvoice {
  id: string;
  number: string;
  customerId: string;
  currency: string;
  amount: number;
  amountDue: number;
  dueDate: string;
  status: string;
  needsContact: boolean;
  /** The day the SdI delivered it (its RicevutaConsegna, or an attestation): no "did it reach you?" check is sent. */
  sdiDelivered?: string;
  contacts: DemoContact[];
}

/** One booked entry of the statements as Sollecito stored and decided it. */
export interface DemoCredit {
  creditId: string;
  bookingDate: string;
  amount: number;
  currency: string;
  debtor?: string;
  debtorIban?: string;
  endToEndId?: string;
  /** matched, suggested, unmatched, returned, rejected (domain/bank/credit-records.ts). */
  status: string;
  rule?: string;
  /** 'bank' (the matcher, or the return that took it back) or the finance user who confirmed or rejected it. */
  decidedBy?: string;
  /** Who applied it: the matcher on its own, or the finance team (a confirmed suggestion, a manual split). */
  appliedBy?: 'matcher' | 'finance';
  /** The matcher left it as a suggestion for a person (whether confirmed since or not). */
  suggested: boolean;
  /** Numbers of the invoices it was applied to, in order. */
  invoices: string[];
  settlement?: 'exact' | 'partial' | 'overpaid';
  /** A return or reversal entry (an R-transaction): its kind and reason. */
  returned?: { kind: string; reason?: string };
  /** A credit the bank took back afterwards: the return entry that did. */
  returnedBy?: { creditId: string; reason?: string };
}

/** An invoice paid from a statement, and the reminders that left after the money was booked. */
export interface DemoPaidFromBank {
  customerId: string;
  number: string;
  /** Whether the statement credits cover the whole invoice (false: a partial payment, the rest is still chased). */
  settled: boolean;
  /** The booking day of the credit that paid it (in full, or the last part). */
  bookingDate: string;
  creditIds: string[];
  /** The booking day of a return of that money (a direct debit back unpaid): from the day after, chasing is right again. */
  returnedOn?: string;
  /** Customer reminders (written stages, calls, holds, escalations; not the thank-you) on a day after bookingDate, up to returnedOn. */
  remindersAfter: DemoContact[];
}

export interface DemoBank {
  /** Statement files received under bank/. */
  statements: number;
  credits: DemoCredit[];
  counts: {
    /** Credits and returns stored. */
    entries: number;
    /** Applied by the matcher on its own (those the bank took back since included). */
    matched: number;
    /** Left by the matcher as suggestions (those confirmed since included). */
    suggested: number;
    /** Of the suggested, confirmed by the finance team. */
    confirmed: number;
    unmatched: number;
    /** Return and reversal entries (R-transactions) stored. */
    returned: number;
    /** Credits applied earlier that a return took back (when returns are acted on). */
    takenBack: number;
    rejected: number;
    partial: number;
    overpaid: number;
  };
  /** The proof: for every invoice paid from a statement, the reminders sent after the money arrived (expected: none). */
  afterMoney: { invoices: DemoPaidFromBank[]; reminders: number };
}

export interface DemoReport {
  invoices: DemoInvoice[];
  rejected: { file: string; errors: unknown[] }[];
  totals: { emails: number; sms: number; calls: number; creditHolds: number; escalations: number };
  bank: DemoBank;
}

/** The bank's calendar: booking days are its local days. */
const BANK_ZONE = 'Europe/Rome';
/** Messages that are not reminders: a reply to the customer's own payment or claim. */
const NOT_REMINDERS = new Set(['thankYou', 'paymentClaimAck']);
const isReminder = (c: DemoContact): boolean => (c.type === 'message' ? !NOT_REMINDERS.has(c.stage) : c.type !== 'message');

const demoCredit = (c: BankCreditRecord, byId: ReadonlyMap<string, DemoInvoice>, partial: boolean): DemoCredit => {
  const invoices = c.applied.map((a) => byId.get(a.invoiceId)?.number ?? a.invoiceId);
  // Only the matcher writes a rule; a person's confirmation applies without one.
  const appliedBy = c.applied.length === 0 ? undefined : c.rule ? ('matcher' as const) : ('finance' as const);
  const applied = c.status === 'matched' || c.returnedBy !== undefined;
  return {
    creditId: c.creditId,
    bookingDate: c.bookingDate,
    amount: c.amount,
    currency: c.currency,
    ...(c.debtor?.name ? { debtor: c.debtor.name } : {}),
    ...(c.debtor?.iban ? { debtorIban: c.debtor.iban } : {}),
    ...(c.endToEndId ? { endToEndId: c.endToEndId } : {}),
    status: c.status,
    ...(c.rule ? { rule: c.rule } : {}),
    ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}),
    ...(appliedBy ? { appliedBy } : {}),
    suggested: c.status === 'suggested' || (appliedBy === 'finance' && c.suggestions.length > 0),
    invoices,
    ...(applied && appliedBy ? { settlement: c.customerCredit ? ('overpaid' as const) : partial ? ('partial' as const) : ('exact' as const) } : {}),
    ...(c.returned ? { returned: { kind: c.returned.kind, ...(c.returned.reason ? { reason: c.returned.reason } : {}) } } : {}),
    ...(c.returnedBy ? { returnedBy: { creditId: c.returnedBy.creditId, ...(c.returnedBy.reason ? { reason: c.returnedBy.reason } : {}) } } : {}),
  };
};

/** What the statements did, and the reminders after the money (see DemoPaidFromBank). */
export const bankSection = (records: readonly BankCreditRecord[], invoices: readonly DemoInvoice[], statements: number): DemoBank => {
  const byId = new Map(invoices.map((i) => [i.id, i]));
  // Partial: after this credit (and those booked before it) the invoice still has something due.
  const paidSoFar = new Map<string, number>();
  const partial = new Set<string>();
  // Money that was on the account: credits applied (and those taken back later, up to their return).
  const wasApplied = (r: BankCreditRecord) => r.applied.length > 0 && (r.status === 'matched' || r.returnedBy !== undefined);
  for (const r of [...records].sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.creditId < b.creditId ? -1 : 1))) {
    if (!wasApplied(r)) continue;
    for (const a of r.applied) {
      const paidNow = (paidSoFar.get(a.invoiceId) ?? 0) + a.amount;
      paidSoFar.set(a.invoiceId, paidNow);
      const inv = byId.get(a.invoiceId);
      if (inv && paidNow < inv.amount) partial.add(r.creditId);
    }
  }
  const credits = records.map((r) => demoCredit(r, byId, partial.has(r.creditId)));
  const returns = records.filter((r) => r.returned !== undefined);
  const paid: DemoPaidFromBank[] = [];
  for (const inv of invoices) {
    const paying = records
      .filter((r) => wasApplied(r) && r.applied.some((a) => a.invoiceId === inv.id))
      .sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0));
    if (paying.length === 0) continue;
    let total = 0;
    let last = paying[0]!;
    for (const r of paying) {
      total += r.applied.filter((a) => a.invoiceId === inv.id).reduce((s, a) => s + a.amount, 0);
      last = r;
      if (total >= inv.amount) break;
    }
    const settled = total >= inv.amount;
    // A return of that very money (the one that took it back, else same end-to-end id and amount, booked later): the money left again.
    const back =
      returns.find((r) => r.creditId === last.returnedBy?.creditId) ??
      returns.find((r) => last.endToEndId !== undefined && r.endToEndId === last.endToEndId && r.amount === last.amount && r.bookingDate >= last.bookingDate);
    const after = (c: DemoContact) => {
      const day = localDay(new Date(c.at), BANK_ZONE);
      return day > last.bookingDate && (back === undefined || day <= back.bookingDate);
    };
    paid.push({
      customerId: inv.customerId,
      number: inv.number,
      settled,
      bookingDate: last.bookingDate,
      creditIds: paying.map((r) => r.creditId),
      ...(back ? { returnedOn: back.bookingDate } : {}),
      remindersAfter: inv.contacts.filter((c) => isReminder(c) && after(c)),
    });
  }
  const count = (p: (c: DemoCredit) => boolean) => credits.filter(p).length;
  return {
    statements,
    credits,
    counts: {
      entries: credits.length,
      matched: count((c) => c.appliedBy === 'matcher'),
      suggested: count((c) => c.suggested),
      confirmed: count((c) => c.suggested && c.appliedBy === 'finance'),
      unmatched: count((c) => c.status === 'unmatched'),
      returned: count((c) => c.returned !== undefined),
      takenBack: count((c) => c.returnedBy !== undefined),
      rejected: count((c) => c.status === 'rejected'),
      partial: count((c) => c.settlement === 'partial'),
      overpaid: count((c) => c.settlement === 'overpaid'),
    },
    afterMoney: { invoices: paid, reminders: paid.filter((p) => p.settled).reduce((n, p) => n + p.remindersAfter.length, 0) },
  };
};

const CONTACT_TYPES = new Set(['message', 'call_task', 'credit_hold', 'escalation']);

export const collectReport = async (tableName: string, tenantId: string, bucket: string): Promise<DemoReport> => {
  const store = dynamoRepositories();
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :e AND tenantId = :t',
        ExpressionAttributeValues: { ':e': 'invoice', ':t': tenantId },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) ids.push(String(i.invoiceId));
    start = out.LastEvaluatedKey;
  } while (start);

  const invoices: DemoInvoice[] = [];
  for (const id of ids) {
    const view = await store.invoices.getInvoiceView(tenantId, id);
    if (!view) continue;
    const inv = view.invoice;
    invoices.push({
      id: inv.invoiceId,
      number: inv.number,
      customerId: inv.customerId,
      currency: inv.currency,
      amount: inv.amount,
      amountDue: amountDue(inv),
      dueDate: inv.dueDate,
      status: inv.status,
      needsContact: inv.needsContact,
      ...(inv.sdi?.delivered ? { sdiDelivered: inv.sdi.delivered.at.slice(0, 10) } : {}),
      contacts: view.events
        .filter((e) => CONTACT_TYPES.has(e.type) && e.outcome !== 'skipped')
        .map((e) => ({
          at: e.at,
          stage: e.stage ?? e.type,
          channel: e.channel,
          type: e.type,
          ...(e.to ? { to: e.to } : {}),
          ...(e.messageId ? { messageId: e.messageId } : {}),
          ...(e.outcome ? { outcome: e.outcome } : {}),
        }))
        .sort((a, b) => a.at.localeCompare(b.at) || a.stage.localeCompare(b.stage) || a.channel.localeCompare(b.channel)),
    });
  }
  invoices.sort((a, b) => a.customerId.localeCompare(b.customerId) || a.number.localeCompare(b.number));

  const s3 = s3Client();
  const rejected: DemoReport['rejected'] = [];
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'rejected/' }));
  for (const o of listed.Contents ?? []) {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
    const doc = JSON.parse(await body.Body!.transformToString()) as { file?: string; errors?: unknown[] };
    rejected.push({ file: doc.file ?? o.Key!, errors: doc.errors ?? [] });
  }
  let statements = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'bank/', ContinuationToken: token }));
    statements += page.KeyCount ?? page.Contents?.length ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  s3.destroy();
  const bank = bankSection(await store.bankCredits.list(tenantId), invoices, statements);

  const all = invoices.flatMap((i) => i.contacts);
  const uniqueMessages = (channel: string) =>
    new Set(all.filter((c) => c.type === 'message' && c.channel === channel).map((c) => c.messageId ?? `${c.at}|${c.stage}|${c.to}`)).size;
  return {
    invoices,
    rejected,
    bank,
    totals: {
      emails: uniqueMessages('email'),
      sms: uniqueMessages('sms'),
      // One call per customer and day covers several invoices: count the calls, not their log entries.
      calls: new Set(all.filter((c) => c.type === 'call_task').map((c) => c.messageId ?? `${c.at}|${c.to}`)).size,
      creditHolds: all.filter((c) => c.type === 'credit_hold').length,
      escalations: all.filter((c) => c.type === 'escalation').length,
    },
  };
};

/** The readable summary: one block per invoice. */
export const formatReport = (r: DemoReport): string => {
  const lines: string[] = [];
  for (const inv of r.invoices) {
    const amount = (inv.amountDue / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency: inv.currency }).resolvedOptions().maximumFractionDigits ?? 2)).toFixed(2);
    lines.push(`${inv.customerId.padEnd(15)} ${inv.number.padEnd(13)} due ${inv.dueDate}  ${inv.currency} ${amount.padStart(10)} due  -> ${inv.status}${inv.needsContact ? ' (needs a contact)' : ''}`);
    if (inv.sdiDelivered) lines.push(`    delivered through the SdI on ${inv.sdiDelivered}: no receipt check sent`);
    for (const c of inv.contacts) lines.push(`    ${c.at.slice(0, 16).replace('T', ' ')}  ${c.stage.padEnd(16)} ${c.channel.padEnd(6)} ${c.to ?? ''}`);
  }
  for (const rej of r.rejected) lines.push(`REJECTED ${rej.file}: ${rej.errors.length} error(s)`);
  const t = r.totals;
  lines.push('', `Totals: ${t.emails} e-mails, ${t.sms} SMS, ${t.calls} call tasks, ${t.creditHolds} credit holds, ${t.escalations} escalations`);
  lines.push(...formatBank(r.bank));
  return lines.join('\n');
};

const decimal = (minor: number, currency: string) =>
  (minor / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2)).toFixed(2);

/** The bank lines of the summary: the counts, each credit, and the reminders after the money. */
export const formatBank = (b: DemoBank): string[] => {
  const c = b.counts;
  const rules = new Map<string, number>();
  for (const x of b.credits) if (x.appliedBy === 'matcher' && x.rule) rules.set(x.rule, (rules.get(x.rule) ?? 0) + 1);
  const lines = [
    '',
    `Bank: ${b.statements} camt.053 statements read, ${c.entries} entries stored: ${c.matched} matched automatically (${[...rules].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}; ${c.partial} partial, ${c.overpaid} overpaid), ${c.suggested} suggested (${c.confirmed} confirmed by the finance team), ${c.unmatched} unmatched, ${c.returned} returned (${c.takenBack} earlier credit${c.takenBack === 1 ? '' : 's'} taken back), ${c.rejected} rejected`,
  ];
  for (const x of b.credits) {
    const how = x.returned
      ? `${x.returned.kind}${x.returned.reason ? ` (${x.returned.reason})` : ''}`
      : x.appliedBy
        ? `${x.appliedBy === 'matcher' ? `matched by ${x.rule}` : `confirmed by ${x.decidedBy}`}${x.settlement && x.settlement !== 'exact' ? ` (${x.settlement})` : ''}${x.returnedBy ? ', taken back by the bank' : ''}`
        : x.status;
    lines.push(`    ${x.bookingDate}  ${x.currency} ${decimal(x.amount, x.currency).padStart(10)}  ${(x.debtor ?? '').slice(0, 30).padEnd(30)} ${how}${x.invoices.length ? ` -> ${x.invoices.join(', ')}` : ''}`);
  }
  const settled = b.afterMoney.invoices.filter((i) => i.settled);
  lines.push(
    b.afterMoney.reminders === 0
      ? `Reminders after the money arrived: none (${settled.length} invoices paid from a statement checked)`
      : `Reminders after the money arrived: ${b.afterMoney.reminders} (of ${settled.length} invoices paid from a statement)`,
  );
  for (const i of settled) for (const r of i.remindersAfter) lines.push(`    ${i.customerId} ${i.number} booked ${i.bookingDate}: ${r.stage} ${r.channel} at ${r.at}`);
  return lines;
};
