/**
 * `npm run bench -- portfolio`: 90 virtual days of a generated portfolio of 2,000 invoices (about
 * 400 customers, Italian, German and French, the three built-in policies), from a seeded PRNG, so
 * every run sees the same data. The customers pay by bank transfer: about 40% with the invoice's
 * valid RF creditor reference, 30% with invoice numbers in free text, 15% with a garbled RF or no
 * reference, 10% in two parts (a partial payment, the rest 1 to 3 weeks later), 5% several invoices
 * in one transfer; some never pay; a few unrelated credits (refunds) land on the account too. The
 * generator knows what each credit really pays.
 *
 * Every business morning (Italian calendar) the bank's camt.053.001.08 statement of the previous
 * business day is written (local/demo-camt.ts) and read back by the product's reader
 * (lambdas/domain/bank/read-statement.ts). Two ways of running the same books on the same statements:
 *
 * - Sollecito: each statement is matched at 07:30 Rome by the real matcher
 *   (lambdas/domain/money/matching/match-credits.ts) against the invoices open at that moment;
 *   matches are applied at once; suggested and unmatched credits wait for the finance team, who
 *   settle them by hand the NEXT business day at 10:00 Rome (always rightly: they read the truth),
 *   and the debtor IBAN is learned; meanwhile the bank-truth hold (lambdas/domain/timeline/
 *   stage-holds.ts unconfirmedCredit) is asked before every stage and holds it, as the product
 *   does (app/timeline/bank-truth.ts); the stale-statements wait of the firm stages never applies
 *   (a statement every business morning, no `bankStatements` configured).
 * - Baseline, measured in the same run: a team that records payments by hand twice a week,
 *   Tuesday and Friday at 11:00 Rome, from the statements received by then, always rightly.
 *
 * Both run the same timelines: each invoice's plan comes from the real planner
 * (lambdas/domain/timeline/planner.ts, policies and business calendars) when it is loaded (the book
 * on day 0 at 08:00 Rome, later invoices on their issue day), each stage leaves at the instant of the
 * plan (as the state machine's Wait states read it), a held stage is re-planned as PlanTimeline
 * does; an invoice paid in full in the scenario's books stops its timeline.
 *
 * What is simulated, and so what the figures mean:
 * - the send instant is the planner's instant; nothing is actually sent, and there is no
 *   consolidation across a customer's invoices, no contact limits, no promises, disputes or bounces;
 * - a stage action (written reminder, call, credit hold, escalation) counts as "after the money" when
 *   the money that settles the invoice (all of it, by the generator's truth) was booked on the account
 *   on a day before the send's day (both days in Europe/Rome);
 * - transfers made on a weekend or an Italian holiday are booked on the next business day; a
 *   statement arrives the next business morning at 07:30 Rome, before any 09:00 send;
 * - escalated invoices leave the matcher's candidates (the open-by-due index does not hold them);
 * - the finance team's confirmations (next business day) and the manual team's Tuesday/Friday are
 *   assumptions, printed with the figures.
 * BENCH_PORTFOLIO_INVOICES=500 for a quick look; BENCH_PORTFOLIO_CONFIRM_LAG=0 (or 2, 3) for a finance team
 * that settles the credits left to it the same morning (or later).
 */
import { composeIBAN } from 'ibantools';
import { DateTime } from 'luxon';
import { readStatement } from '../lambdas/domain/bank/read-statement.js';
import type { BankCreditStatus } from '../lambdas/domain/bank/credit-records.js';
import { Customer, Invoice, type Policy } from '../lambdas/domain/model.js';
import { creditorReferenceFor } from '../lambdas/domain/money/creditor-reference.js';
import { decideCredits } from '../lambdas/domain/money/matching/match-credits.js';
import { indexOpenInvoices, normaliseIban } from '../lambdas/domain/money/matching/open-invoices.js';
import type { MatchableCredit, MatchableCustomer, MatchableInvoice, MatchDecision } from '../lambdas/domain/money/matching/types.js';
import { addDays, localDay } from '../lambdas/domain/shared/days.js';
import { isBusinessDay, nextBusinessDay } from '../lambdas/domain/timeline/calendar.js';
import { planTimeline } from '../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../lambdas/domain/timeline/policies.js';
import { unconfirmedCredit, type CreditForCheck } from '../lambdas/domain/timeline/stage-holds.js';
import { STAGE_IDS, WRITTEN_STAGES, type Stage } from '../lambdas/domain/timeline/stages.js';
import { SEPA_TRANSFER_IN, writeCamt053, type CamtEntry } from '../local/demo-camt.js';
import { prng } from './prng.js';

const SEED = 20_260_105;
const INVOICES = Number(process.env.BENCH_PORTFOLIO_INVOICES ?? 2_000);
const CUSTOMERS = Math.max(20, Math.round(INVOICES / 5));
const DAYS = 90;
/** Day 0, a Monday. */
const START = '2026-01-05';
const TENANT = 'bench';
const ZONE = 'Europe/Rome';
const COUNTRY = 'IT';
const COMPANY = { iban: 'IT60X0542811101000000123456', name: 'Officine Rossi S.r.l.' };
const STATEMENT_AT = '07:30';
const LOAD_AT = '08:00';
const CONFIRM_AT = '10:00';
/** The finance team settles the credits left to it this many business days after they arrived (0: the same morning). */
const CONFIRM_LAG_BUSINESS_DAYS = Number(process.env.BENCH_PORTFOLIO_CONFIRM_LAG ?? 1);
const MANUAL_AT = '11:00';
/** ISO weekdays the manual team records payments on. */
const MANUAL_WEEKDAYS = [2, 5];


const FAMILY = ['Galli', 'Neri', 'Fabbri', 'Monti', 'Sala', 'Pellegrini', 'Villa', 'Benedetti', 'Farina', 'Cattaneo', 'Morelli', 'Grassi', 'Bassi', 'Valentini', 'Riva', 'Donati', 'Orlando', 'Piras', 'Sartori', 'Testa', 'Bernardi', 'Messina', 'Palumbo', 'Sanna', 'Ferri', 'Guidi', 'Mazza', 'Negri', 'Pace', 'Zanetti'];
const GERMAN = ['Becker', 'Hoffmann', 'Schulz', 'Koch', 'Richter', 'Wolf', 'Neumann', 'Braun', 'Krüger', 'Zimmermann', 'Hartmann', 'Lange'];
const FRENCH = ['Lefèvre', 'Moreau', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Chevalier'];
const ACTIVITY = ['Carpenterie', 'Autotrasporti', 'Idraulica', 'Forniture Edili', 'Officina', 'Torneria', 'Imballaggi', 'Serramenti', 'Verniciature', 'Elettroforniture', 'Stampaggio', 'Minuterie'];
const ACTIVITY_DE = ['Metallbau', 'Spedition', 'Maschinenbau', 'Haustechnik', 'Werkzeuge'];
const ACTIVITY_FR = ['Menuiserie', 'Transports', 'Chaudronnerie', 'Outillage', 'Emballages'];
const NOISE = ['BONIFICO SEPA', 'PAGAMENTO FORNITORE', 'SALDO', 'VS FAVORE', 'ORDINE 5521', 'GIROCONTO', 'CRO 0412398877', 'PAGAMENTO'];

type Kind = 'rf' | 'numbers' | 'garbled' | 'partial' | 'several' | 'unrelated';

interface BenchCustomer {
  customer: Customer;
  policy: Policy;
  iban: string;
  /** Pay days relative to the due date: [from, to]; undefined: never pays. */
  habit?: [number, number];
}

interface Transfer {
  id: string;
  /** When the payer's bank sends it (ms). */
  at: number;
  bookingDay: string;
  amount: number;
  debtor: { name: string; iban: string };
  rf?: string;
  text?: string;
  kind: Kind;
  /** What it really pays. */
  pays: { invoiceId: string; amount: number }[];
}

interface BenchInvoice {
  invoice: Invoice;
  /** When it is loaded and its timeline starts (ms). */
  loadAt: number;
  /** The booking day of the transfer that completes its payment (truth); undefined: not paid in the window. */
  settledOn?: string;
  /** That transfer. */
  settledBy?: string;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const at = (day: string, time: string): number => DateTime.fromISO(`${day}T${time}`, { zone: ZONE }).toMillis();
const bookingDayOf = (ms: number): string => nextBusinessDay(localDay(new Date(ms), ZONE), COUNTRY);

const generate = () => {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const lastDay = addDays(START, DAYS - 1);
  const dayStart = at(START, '00:00');

  const customers: BenchCustomer[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const r = rnd();
    const country = r < 0.75 ? 'IT' : r < 0.9 ? 'DE' : 'FR';
    const name =
      country === 'IT'
        ? `${pick(ACTIVITY)} ${pick(FAMILY)}${rnd() < 0.4 ? ` & ${pick(FAMILY)}` : ''} ${pick(['S.r.l.', 'S.p.A.', 'S.n.c.', 's.a.s.'])}`
        : country === 'DE'
          ? `${pick(GERMAN)} ${pick(ACTIVITY_DE)} GmbH`
          : `${pick(ACTIVITY_FR)} ${pick(FRENCH)} SARL`;
    const timeZone = country === 'IT' ? 'Europe/Rome' : country === 'DE' ? 'Europe/Berlin' : 'Europe/Paris';
    const p = rnd();
    const policyId = p < 0.6 ? 'standard' : p < 0.85 ? 'firm' : 'relationship';
    const customer = Customer.parse({
      tenantId: TENANT,
      customerId: `C${pad(c, 4)}`,
      name,
      country,
      language: country === 'IT' ? 'it' : 'en',
      timeZone,
      email: `ap${c}@customer${c}.example`,
      policy: policyId,
      ...(country === 'IT' && rnd() < 0.1 ? { paymentDays: [10, 25] } : {}),
    });
    const bban = country === 'DE' ? `${pad(37_040_044 + (c % 40), 8)}${pad(5_320_130_000 + c * 17, 10)}` : `X${pad(3_069 + (c % 30), 5)}${pad(11_101 + (c % 7), 5)}${pad(100_000_000 + c * 31, 12)}`;
    const iban = composeIBAN({ countryCode: country === 'DE' ? 'DE' : 'IT', bban })!;
    const h = rnd();
    const habit: [number, number] | undefined = h < 0.2 ? [-8, -1] : h < 0.55 ? [0, 3] : h < 0.85 ? [5, 25] : h < 0.95 ? [20, 50] : undefined;
    customers.push({ customer, policy: BUILT_IN_POLICIES[policyId], iban, ...(habit ? { habit } : {}) });
  }

  const invoices: BenchInvoice[] = [];
  const ofCustomer = new Map<string, BenchInvoice[]>();
  const numbered = new Map<string, number>();
  for (let i = 0; i < INVOICES; i++) {
    const c = rnd() < 0.25 ? customers[int(0, Math.min(39, CUSTOMERS - 1))]! : pick(customers);
    const issueDate = addDays(START, int(-50, 60));
    const series = issueDate.slice(0, 4);
    const seq = (numbered.get(series) ?? 0) + 1;
    numbered.set(series, seq);
    const number = `${series}/${pad(seq, 4)}`;
    const dueDate = addDays(issueDate, rnd() < 0.7 ? 30 : 60);
    const loadDay = issueDate < START ? START : issueDate;
    const loadAt = at(loadDay, LOAD_AT);
    const invoice = Invoice.parse({
      tenantId: TENANT,
      invoiceId: `INV-${pad(i, 5)}`,
      number,
      customerId: c.customer.customerId,
      issueDate,
      dueDate,
      currency: 'EUR',
      amount: int(80, 25_000) * 100 + (rnd() < 0.6 ? int(1, 99) : 0),
      status: 'open',
      ...(rnd() < 0.9 ? { paymentReference: creditorReferenceFor(number) } : {}),
      createdAt: new Date(loadAt).toISOString(),
      updatedAt: new Date(loadAt).toISOString(),
    });
    const b: BenchInvoice = { invoice, loadAt };
    invoices.push(b);
    const list = ofCustomer.get(invoice.customerId);
    if (list) list.push(b);
    else ofCustomer.set(invoice.customerId, [b]);
  }
  const customerOf = new Map(customers.map((c) => [c.customer.customerId, c]));

  const numberText = (inv: Invoice): string => {
    const [year, seq] = inv.number.split('/') as [string, string];
    return pick([`FATTURA ${inv.number}`, `FT ${year}/${Number(seq)}`, `Saldo fatt. n. ${inv.number}`, `INV ${year}-${seq}`, `pagamento ft.${inv.number} del ${inv.issueDate.split('-').reverse().join('/')}`, `Rechnung ${inv.number}`]);
  };
  const sendTime = (day: string): number => at(day, `${pad(int(8, 18), 2)}:${pad(int(0, 59), 2)}`);
  const debtorOf = (c: BenchCustomer): Transfer['debtor'] => {
    const name = c.customer.name.toUpperCase().replace(/\./g, '').slice(0, 35);
    // Now and then from another account (a group company, a new bank): the name is still theirs.
    return rnd() < 0.85 ? { name, iban: c.iban } : { name, iban: composeIBAN({ countryCode: 'IT', bban: `X${pad(int(1_000, 9_999), 5)}${pad(int(10_000, 99_999), 5)}${pad(int(1, 999_999_999), 12)}` })! };
  };

  const transfers: Transfer[] = [];
  /** How each invoice (or group of invoices) is paid: one count per payment made within the window. */
  const payments = new Map<Kind, number>();
  let t = 0;
  /** Adds a transfer booked within the window; the first of a payment counts the payment's kind. */
  const add = (tr: Omit<Transfer, 'id' | 'bookingDay'>, first = true) => {
    const bookingDay = bookingDayOf(tr.at);
    if (bookingDay > lastDay) return;
    transfers.push({ ...tr, id: `T${pad(++t, 5)}`, bookingDay });
    if (first && tr.kind !== 'unrelated') payments.set(tr.kind, (payments.get(tr.kind) ?? 0) + 1);
  };
  const assigned = new Set<string>();
  for (const b of [...invoices].sort((x, y) => (x.invoice.dueDate < y.invoice.dueDate ? -1 : x.invoice.dueDate > y.invoice.dueDate ? 1 : 0))) {
    const inv = b.invoice;
    if (assigned.has(inv.invoiceId)) continue;
    const c = customerOf.get(inv.customerId)!;
    if (!c.habit || rnd() < 0.05) continue;
    assigned.add(inv.invoiceId);
    let payDay = addDays(inv.dueDate, int(c.habit[0], c.habit[1]));
    const loadDay = localDay(new Date(b.loadAt), ZONE);
    if (payDay < loadDay) payDay = addDays(loadDay, int(0, 6));
    // Payment runs are made on the payer's business days: a weekend or holiday moves to the business day before.
    while (!isBusinessDay(payDay, c.customer.country)) payDay = addDays(payDay, -1);
    if (payDay < loadDay) payDay = nextBusinessDay(loadDay, c.customer.country);
    const payAt = sendTime(payDay);
    if (payAt < dayStart) continue;
    const r = rnd();
    // 44% asked for the RF, 90% of the invoices have one: about 40% pay with it, the others with the number.
    let kind: Kind = r < 0.44 ? 'rf' : r < 0.7 ? 'numbers' : r < 0.85 ? 'garbled' : r < 0.95 ? 'partial' : 'several';
    if (kind === 'rf' && !inv.paymentReference) kind = 'numbers';
    const debtor = debtorOf(c);
    if (kind === 'rf') add({ at: payAt, amount: inv.amount, debtor, rf: inv.paymentReference!, kind, pays: [{ invoiceId: inv.invoiceId, amount: inv.amount }] });
    else if (kind === 'numbers') add({ at: payAt, amount: inv.amount, debtor, text: `${pick(NOISE)} ${numberText(inv)}`, kind, pays: [{ invoiceId: inv.invoiceId, amount: inv.amount }] });
    else if (kind === 'garbled') {
      const mistyped = inv.paymentReference && rnd() < 0.5 ? { rf: `RF${pad((Number(inv.paymentReference.slice(2, 4)) + int(1, 50)) % 100, 2)}${inv.paymentReference.slice(4)}` } : {};
      add({ at: payAt, amount: inv.amount, debtor, ...mistyped, text: pick(NOISE), kind, pays: [{ invoiceId: inv.invoiceId, amount: inv.amount }] });
    } else if (kind === 'partial') {
      const first = Math.max(100, Math.floor((inv.amount * int(20, 80)) / 100));
      const ref = inv.paymentReference ? { rf: inv.paymentReference } : { text: `acconto ${numberText(inv)}` };
      add({ at: payAt, amount: first, debtor, ...ref, kind, pays: [{ invoiceId: inv.invoiceId, amount: first }] });
      const restAt = sendTime(nextBusinessDay(addDays(payDay, int(7, 21)), c.customer.country));
      add({ at: restAt, amount: inv.amount - first, debtor, ...(inv.paymentReference ? { rf: inv.paymentReference } : { text: `saldo ${numberText(inv)}` }), kind, pays: [{ invoiceId: inv.invoiceId, amount: inv.amount - first }] }, false);
    } else {
      const siblings = (ofCustomer.get(inv.customerId) ?? [])
        .filter((s) => !assigned.has(s.invoice.invoiceId) && Math.abs(Date.parse(s.invoice.dueDate) - Date.parse(inv.dueDate)) <= 20 * 86_400_000 && s.loadAt <= payAt)
        .slice(0, int(1, 2));
      for (const s of siblings) assigned.add(s.invoice.invoiceId);
      const all = [inv, ...siblings.map((s) => s.invoice)];
      const amount = all.reduce((sum, i) => sum + i.amount, 0);
      const text = rnd() < 0.75 ? `saldo fatture ${all.map((i) => i.number).join(' ')}` : pick(NOISE);
      add({ at: payAt, amount, debtor, text, kind, pays: all.map((i) => ({ invoiceId: i.invoiceId, amount: i.amount })) });
    }
  }
  // Money that pays no invoice: a supplier's refund, an insurance payout.
  for (let k = 0; k < Math.round(INVOICES / 100); k++) {
    add({ at: sendTime(addDays(START, int(0, DAYS - 2))), amount: int(50, 3_000) * 100 + 45, debtor: { name: pick(['ASSICURAZIONI UNIONE SPA', 'FORNITURE TECNICHE SRL', 'AGENZIA ENTRATE RIMBORSI']), iban: 'IT02L1234512345123456789012' }, text: pick(['RIMBORSO NOTA CREDITO 88', 'LIQUIDAZIONE SINISTRO 2025/77', 'RIMBORSO IVA']), kind: 'unrelated', pays: [] });
  }
  transfers.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));

  // The truth behind "after the money": the booking day of the transfer that completes each invoice.
  const paidSoFar = new Map<string, number>();
  const byId = new Map(invoices.map((b) => [b.invoice.invoiceId, b]));
  for (const tr of transfers) {
    for (const p of tr.pays) {
      const b = byId.get(p.invoiceId)!;
      const total = (paidSoFar.get(p.invoiceId) ?? 0) + p.amount;
      paidSoFar.set(p.invoiceId, total);
      if (total >= b.invoice.amount && b.settledOn === undefined) {
        b.settledOn = tr.bookingDay;
        b.settledBy = tr.id;
      }
    }
  }
  return { customers, customerOf, invoices, ofCustomer, byId, transfers, payments, lastDay };
};

type World = ReturnType<typeof generate>;

interface StatementDay {
  /** When it reaches the company (ms). */
  at: number;
  /** The credits as the product's reader read them, with the transfer's id as credit id. */
  credits: MatchableCredit[];
}

/** One camt.053 per business morning, written and read back through the product's reader. */
const statements = async (w: World): Promise<{ days: StatementDay[]; bytes: number; writeMs: number; readMs: number }> => {
  const days: StatementDay[] = [];
  let bytes = 0;
  let writeMs = 0;
  let readMs = 0;
  let balance = 10_000_000;
  let sentUpTo = addDays(START, -1);
  let sequence = 0;
  for (let day = START; day <= addDays(w.lastDay, 1); day = addDays(day, 1)) {
    if (!isBusinessDay(day, COUNTRY)) continue;
    let upTo = addDays(day, -1);
    while (!isBusinessDay(upTo, COUNTRY)) upTo = addDays(upTo, -1);
    const from = addDays(sentUpTo, 1);
    sentUpTo = upTo;
    const booked = w.transfers.filter((t) => t.bookingDay >= from && t.bookingDay <= upTo);
    const t0 = performance.now();
    const entries = booked.map(
      (t, i): CamtEntry => ({
        amount: t.amount,
        direction: 'CRDT',
        bookingDate: t.bookingDay,
        bankReference: `${t.id}-${t.bookingDay.replace(/-/g, '')}-${pad(i + 1, 4)}`,
        txCode: SEPA_TRANSFER_IN,
        debtor: t.debtor,
        creditor: { name: COMPANY.name, iban: COMPANY.iban },
        ...(t.text ? { remittance: [t.text] } : {}),
        ...(t.rf ? { creditorReference: { ref: t.rf } } : {}),
      }),
    );
    const xml = writeCamt053({
      messageId: `BENCH-${upTo}`,
      createdAt: DateTime.fromMillis(at(day, STATEMENT_AT), { zone: ZONE }).toISO({ suppressMilliseconds: true })!,
      statements: [{ id: `S-${upTo}`, sequence: ++sequence, account: { iban: COMPANY.iban, currency: 'EUR', ownerName: COMPANY.name }, from, to: upTo, opening: balance, entries }],
    });
    balance += booked.reduce((s, t) => s + t.amount, 0);
    const file = new TextEncoder().encode(xml);
    bytes += file.byteLength;
    const t1 = performance.now();
    const read = await readStatement({ name: `camt053_${upTo}.xml`, bytes: file });
    readMs += performance.now() - t1;
    writeMs += t1 - t0;
    if (read.rejections.length > 0) throw new Error(`the reader rejected the statement of ${upTo}: ${JSON.stringify(read.rejections[0])}`);
    if (read.credits.length !== booked.length) throw new Error(`statement of ${upTo}: ${booked.length} entries written, ${read.credits.length} read`);
    days.push({ at: at(day, STATEMENT_AT), credits: read.credits.map((c) => ({ ...c, creditId: c.bankReference!.split('-')[0]! })) });
  }
  return { days, bytes, writeMs, readMs };
};

/** A tiny binary heap of timed events (instant, then insertion order). */
class Agenda<T> {
  private readonly heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;
  push(at: number, item: T): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, item });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p]!.at < h[i]!.at || (h[p]!.at === h[i]!.at && h[p]!.seq < h[i]!.seq)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): { at: number; item: T } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const less = (a: number, b: number) => h[a]!.at < h[b]!.at || (h[a]!.at === h[b]!.at && h[a]!.seq < h[b]!.seq);
        if (l < h.length && less(l, m)) m = l;
        if (r < h.length && less(r, m)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return { at: top.at, item: top.item };
  }
}

interface Execution {
  stages: { stage: Stage; at: number }[];
  next: number;
  stagesDone: { stage: string; at: string }[];
  lastContactAt?: string;
  deferral?: Invoice['deferral'];
  /** Bumped on every re-plan: a queued send of an older plan is dropped. */
  version: number;
  escalated: boolean;
}

interface Pending {
  credit: MatchableCredit;
  status: BankCreditStatus;
  /** The matcher's ranked guesses, kept on the stored credit as the product does. */
  suggestions: NonNullable<CreditForCheck['suggestions']>;
  receivedAt: string;
  settleAt: number;
}

type Event =
  | { kind: 'load'; invoiceId: string }
  | { kind: 'send'; invoiceId: string; version: number }
  | { kind: 'statement'; day: StatementDay }
  | { kind: 'confirm' }
  | { kind: 'manual' };

interface Figures {
  sent: Record<'written' | 'call' | 'creditHold' | 'escalation', number>;
  afterMoney: Record<'written' | 'call' | 'creditHold' | 'escalation', number>;
  afterMoneyInvoices: Set<string>;
  /** Why each of those went out: the money waiting for the finance team, not on a statement yet, matched elsewhere, … */
  afterMoneyWhy: Map<string, number>;
  /** Bank-truth checks that held a stage, and the distinct invoice stages they held. */
  held: number;
  heldStages: Set<string>;
  /** Of those, held only by credits of other customers (a like name, by the generator's truth). */
  heldForOthers: Set<string>;
  credits: number;
  matched: number;
  wrong: number;
  wrongExamples: string[];
  suggested: number;
  unmatched: number;
  /** Days from booking to the payment being in the books (settling payments only). */
  lagDays: number[];
  matchMs: number;
  planMs: number;
  plans: number;
}

const actionOf = (s: Stage): keyof Figures['sent'] => (WRITTEN_STAGES.includes(s) ? 'written' : s === 'phoneCall' ? 'call' : s === 'creditHold' ? 'creditHold' : 'escalation');

const businessDaysAfter = (day: string, n: number): string => {
  let d = day;
  for (let k = 0; k < n; k++) d = nextBusinessDay(addDays(d, 1), COUNTRY);
  return d;
};

const simulate = (w: World, days: readonly StatementDay[], mode: 'sollecito' | 'manual'): Figures => {
  const f: Figures = {
    sent: { written: 0, call: 0, creditHold: 0, escalation: 0 },
    afterMoney: { written: 0, call: 0, creditHold: 0, escalation: 0 },
    afterMoneyInvoices: new Set(),
    afterMoneyWhy: new Map(),
    held: 0,
    heldStages: new Set(),
    heldForOthers: new Set(),
    credits: 0,
    matched: 0,
    wrong: 0,
    wrongExamples: [],
    suggested: 0,
    unmatched: 0,
    lagDays: [],
    matchMs: 0,
    planMs: 0,
    plans: 0,
  };
  const end = at(addDays(START, DAYS), '00:00');
  const agenda = new Agenda<Event>();
  const paid = new Map<string, number>();
  const loaded = new Set<string>();
  const exec = new Map<string, Execution>();
  const known = new Map<string, string>();
  // 70% of the customers' accounts are known from the start (paid before, or in the directory).
  const r = prng(SEED + 1);
  for (const c of w.customers) if (r() < 0.7) known.set(normaliseIban(c.iban), c.customer.customerId);
  const pending: Pending[] = [];
  const transferOf = new Map(w.transfers.map((t) => [t.id, t]));
  const received: MatchableCredit[] = [];
  /** Credits on a statement read so far, and those the matcher applied elsewhere than the truth. */
  const onStatement = new Set<string>();
  const misapplied = new Set<string>();

  const due = (id: string) => w.byId.get(id)!.invoice.amount - (paid.get(id) ?? 0);
  const isSettled = (id: string) => due(id) <= 0;
  const pay = (id: string, amount: number, now: number) => {
    const wasOpen = !isSettled(id);
    paid.set(id, (paid.get(id) ?? 0) + amount);
    const settledOn = w.byId.get(id)!.settledOn;
    if (wasOpen && isSettled(id) && settledOn) f.lagDays.push((now - at(settledOn, '00:00')) / 86_400_000);
  };

  const plan = (id: string, now: number) => {
    const b = w.byId.get(id)!;
    const c = w.customerOf.get(b.invoice.customerId)!;
    const e = exec.get(id) ?? { stages: [], next: 0, stagesDone: [], version: 0, escalated: false };
    const t0 = performance.now();
    const p = planTimeline({
      invoice: { ...b.invoice, amountPaid: Math.min(paid.get(id) ?? 0, b.invoice.amount), ...(e.deferral ? { deferral: e.deferral } : {}), ...(e.lastContactAt ? { lastContactAt: e.lastContactAt } : {}) },
      customer: c.customer,
      policy: c.policy,
      stagesDone: e.stagesDone,
      ...(e.lastContactAt ? { lastContactAt: e.lastContactAt } : {}),
      now: new Date(now),
    });
    f.planMs += performance.now() - t0;
    f.plans++;
    e.version++;
    e.stages = p.mode === 'timeline' ? STAGE_IDS.filter((s) => !p.skip.includes(s)).map((s) => ({ stage: s, at: Date.parse(p.at[s]) })) : [];
    e.next = 0;
    exec.set(id, e);
    const first = e.stages[0];
    if (first) agenda.push(Math.max(first.at, now), { kind: 'send', invoiceId: id, version: e.version });
  };

  const openInvoices = (): MatchableInvoice[] => {
    const out: MatchableInvoice[] = [];
    for (const id of loaded) {
      if (isSettled(id) || exec.get(id)?.escalated) continue;
      const inv = w.byId.get(id)!.invoice;
      out.push({ ...inv, amountPaid: paid.get(id) ?? 0 });
    }
    return out;
  };
  const matchable = (): MatchableCustomer[] => w.customers.map((c) => ({ customerId: c.customer.customerId, name: c.customer.name }));

  const settleByHand = (credit: MatchableCredit, now: number) => {
    const tr = transferOf.get(credit.creditId)!;
    let left = credit.amount;
    for (const p of tr.pays) {
      const take = Math.min(p.amount, due(p.invoiceId), left);
      if (take > 0) pay(p.invoiceId, take, now);
      left -= take;
    }
    if (tr.pays[0] && credit.debtor?.iban) known.set(normaliseIban(credit.debtor.iban), w.byId.get(tr.pays[0].invoiceId)!.invoice.customerId);
  };

  for (const b of w.invoices) agenda.push(b.loadAt, { kind: 'load', invoiceId: b.invoice.invoiceId });
  for (const d of days) if (d.at < end) agenda.push(d.at, { kind: 'statement', day: d });
  for (let day = START; day < addDays(START, DAYS); day = addDays(day, 1)) {
    if (!isBusinessDay(day, COUNTRY)) continue;
    if (mode === 'sollecito') agenda.push(at(day, CONFIRM_AT), { kind: 'confirm' });
    else if (MANUAL_WEEKDAYS.includes(DateTime.fromISO(day).weekday)) agenda.push(at(day, MANUAL_AT), { kind: 'manual' });
  }

  for (let ev = agenda.pop(); ev && ev.at < end; ev = agenda.pop()) {
    const now = ev.at;
    const e = ev.item;
    if (e.kind === 'load') {
      loaded.add(e.invoiceId);
      if (!isSettled(e.invoiceId)) plan(e.invoiceId, now);
    } else if (e.kind === 'statement') {
      for (const c of e.day.credits) onStatement.add(c.creditId);
      if (mode === 'manual') {
        received.push(...e.day.credits);
        continue;
      }
      f.credits += e.day.credits.length;
      const t0 = performance.now();
      const decisions: MatchDecision[] = decideCredits(indexOpenInvoices(openInvoices(), matchable(), known), e.day.credits);
      f.matchMs += performance.now() - t0;
      const byId = new Map(e.day.credits.map((c) => [c.creditId, c]));
      for (const d of decisions) {
        const credit = byId.get(d.creditId)!;
        const tr = transferOf.get(d.creditId)!;
        if (d.decision === 'matched') {
          f.matched++;
          const got = d.allocations!.map((a) => a.invoiceId).sort().join(',');
          const truth = tr.pays.map((p) => p.invoiceId).sort().join(',');
          if (got !== truth) {
            f.wrong++;
            misapplied.add(tr.id);
            const outside = tr.pays.filter((p) => exec.get(p.invoiceId)?.escalated).map((p) => w.byId.get(p.invoiceId)!.invoice.number);
            if (f.wrongExamples.length < 3) {
              f.wrongExamples.push(
                `${tr.id} (${tr.kind}, "${tr.text ?? tr.rf}") matched ${got}, truth ${truth || 'none'}${outside.length ? ` (${outside.join(', ')} escalated: not among the matcher's candidates, the open-by-due index holds no escalated invoice)` : ''}: ${d.reasons.slice(0, 2).join('; ')}`,
              );
            }
          }
          for (const a of d.allocations!) pay(a.invoiceId, a.amount, now);
        } else {
          f[d.decision === 'suggested' ? 'suggested' : 'unmatched']++;
          const day = localDay(new Date(now), ZONE);
          pending.push({ credit, status: d.decision, suggestions: d.suggestions ?? [], receivedAt: new Date(now).toISOString(), settleAt: at(businessDaysAfter(day, CONFIRM_LAG_BUSINESS_DAYS), CONFIRM_AT) });
        }
      }
    } else if (e.kind === 'confirm') {
      for (const p of pending.filter((x) => x.settleAt <= now)) {
        settleByHand(p.credit, now);
        pending.splice(pending.indexOf(p), 1);
      }
    } else if (e.kind === 'manual') {
      for (const credit of received.splice(0)) settleByHand(credit, now);
    } else {
      const x = exec.get(e.invoiceId)!;
      if (e.version !== x.version || isSettled(e.invoiceId)) continue;
      const step = x.stages[x.next];
      if (!step) continue;
      const b = w.byId.get(e.invoiceId)!;
      const c = w.customerOf.get(b.invoice.customerId)!;
      // The bank truth is asked before every stage (app/timeline/bank-truth.ts); stale statements never
      // hold here: they come every business morning, and the bench company does not configure bankStatements.
      if (mode === 'sollecito' && pending.length > 0) {
        const openDue = (w.ofCustomer.get(b.invoice.customerId) ?? [])
          .filter((o) => loaded.has(o.invoice.invoiceId) && !exec.get(o.invoice.invoiceId)?.escalated)
          .reduce((s, o) => s + Math.max(0, due(o.invoice.invoiceId)), 0);
        const check = unconfirmedCredit({
          credits: pending.map((p): CreditForCheck => ({ creditId: p.credit.creditId, status: p.status, amount: p.credit.amount, currency: p.credit.currency, ...(p.credit.debtor ? { debtor: p.credit.debtor } : {}), receivedAt: p.receivedAt, bookingDate: p.credit.bookingDate, suggestions: p.suggestions })),
          customer: c.customer,
          knownDebtorIbans: known,
          invoice: { currency: b.invoice.currency, issueDate: b.invoice.issueDate, ...(x.lastContactAt ? { lastContactAt: x.lastContactAt } : {}) },
          openAmountDue: openDue,
          finance: { timeZone: ZONE, country: COUNTRY },
          policy: c.policy,
          now: new Date(now),
        });
        if (check.hold) {
          f.held++;
          f.heldStages.add(`${e.invoiceId}|${step.stage}`);
          const owners = check.hold.creditIds.map((id) => transferOf.get(id)!.pays[0]?.invoiceId).map((id) => (id ? w.byId.get(id)!.invoice.customerId : undefined));
          if (!owners.includes(b.invoice.customerId)) f.heldForOthers.add(`${e.invoiceId}|${step.stage}`);
          x.deferral = { stage: step.stage, until: check.hold.until.toISOString(), reason: check.hold.reason };
          plan(e.invoiceId, now);
          continue;
        }
      }
      const action = actionOf(step.stage);
      f.sent[action]++;
      const settledOn = b.settledOn;
      if (settledOn !== undefined && settledOn < localDay(new Date(now), ZONE)) {
        f.afterMoney[action]++;
        f.afterMoneyInvoices.add(e.invoiceId);
        const by = b.settledBy!;
        const why = !onStatement.has(by)
          ? 'not on a statement yet (booked on an Italian bank holiday or after the last statement)'
          : mode === 'manual'
            ? 'not recorded by hand yet'
            : pending.some((p) => p.credit.creditId === by)
              ? 'waiting for the finance team, the payer not recognised by the bank-truth hold (an account not known for the customer, a name unlike theirs)'
              : misapplied.has(by)
                ? 'the matcher applied the money elsewhere'
                : 'other';
        f.afterMoneyWhy.set(why, (f.afterMoneyWhy.get(why) ?? 0) + 1);
      }
      x.stagesDone.push({ stage: step.stage, at: new Date(now).toISOString() });
      x.lastContactAt = new Date(now).toISOString();
      x.deferral = undefined;
      if (step.stage === 'escalation') x.escalated = true;
      x.next++;
      const following = x.stages[x.next];
      if (following) agenda.push(Math.max(following.at, now), { kind: 'send', invoiceId: e.invoiceId, version: x.version });
    }
  }
  return f;
};

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;
const total = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);
const split = (r: Figures['afterMoney']) => `written ${r.written}, calls ${r.call}, credit holds ${r.creditHold}, escalations ${r.escalation}`;
const why = (f: Figures) => [...f.afterMoneyWhy].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${n} ${w}`).join('; ');
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export const benchPortfolio = async (): Promise<string[]> => {
  const t0 = performance.now();
  const world = generate();
  const generated = (performance.now() - t0) / 1000;
  const decided = [...world.payments.values()].reduce((s, n) => s + n, 0);
  const order: Kind[] = ['rf', 'numbers', 'garbled', 'partial', 'several'];
  const unrelated = world.transfers.filter((t) => t.kind === 'unrelated').length;
  const settled = world.invoices.filter((b) => b.settledOn !== undefined).length;
  const lines: string[] = [];
  lines.push(
    `portfolio: ${world.invoices.length.toLocaleString('en-GB')} invoices, ${world.customers.length} customers, ${DAYS} virtual days from ${START}; ${decided.toLocaleString('en-GB')} payments (${order.map((k) => `${k} ${pct(world.payments.get(k) ?? 0, decided)}`).join(', ')}) booked within the window as ${world.transfers.length.toLocaleString('en-GB')} transfers (the rest of a partial payment is a second one, when booked in time; ${unrelated} unrelated credits); ${settled.toLocaleString('en-GB')} invoices paid in full within the window; generated in ${generated.toFixed(1)} s (seed ${SEED})`,
  );
  const s0 = performance.now();
  const st = await statements(world);
  lines.push(
    `statements: ${st.days.length} camt.053.001.08 files (${(st.bytes / 1_048_576).toFixed(1)} MB), one per business morning at ${STATEMENT_AT} Rome, written in ${(st.writeMs / 1000).toFixed(2)} s and read back by the product's reader in ${(st.readMs / 1000).toFixed(2)} s (${((performance.now() - s0) / 1000).toFixed(1)} s in all); every entry read, none rejected`,
  );

  const r0 = performance.now();
  const sol = simulate(world, st.days, 'sollecito');
  const solSeconds = (performance.now() - r0) / 1000;
  const m0 = performance.now();
  const man = simulate(world, st.days, 'manual');
  const manSeconds = (performance.now() - m0) / 1000;

  const solAfter = total(sol.afterMoney);
  const manAfter = total(man.afterMoney);
  lines.push(
    `Sollecito (daily statement, automatic matching, bank-truth hold on suggestions, the rest settled by the finance team ${CONFIRM_LAG_BUSINESS_DAYS === 0 ? 'the same business day' : `${CONFIRM_LAG_BUSINESS_DAYS} business day${CONFIRM_LAG_BUSINESS_DAYS === 1 ? '' : 's'} later`} at ${CONFIRM_AT}): reminders sent after the money arrived: ${solAfter} (target 0; ${split(sol.afterMoney)}; ${sol.afterMoneyInvoices.size} invoices) of ${total(sol.sent).toLocaleString('en-GB')} stage actions; stages held by the bank truth: ${sol.heldStages.size} (${sol.held} checks, one per morning held; ${sol.heldForOthers.size} held only by another customer's credit with a like name); days from the booking day (00:00) to the invoice settled in the books: mean ${mean(sol.lagDays).toFixed(2)}`,
  );
  if (solAfter > 0) lines.push(`  why (Sollecito): ${why(sol)}`);
  lines.push(
    `manual baseline (same statements, payments recorded by hand on Tuesday and Friday at ${MANUAL_AT}): reminders sent after the money arrived: ${manAfter} (${split(man.afterMoney)}; ${man.afterMoneyInvoices.size} invoices) of ${total(man.sent).toLocaleString('en-GB')} stage actions; days from the booking day to settled in the books: mean ${mean(man.lagDays).toFixed(2)}`,
  );
  if (manAfter > 0) lines.push(`  why (manual): ${why(man)}`);
  lines.push(
    `matcher on the statements: ${sol.credits.toLocaleString('en-GB')} credits; matched automatically ${pct(sol.matched, sol.credits)}; wrong automatic matches: ${sol.wrong} (target 0, against the generator's truth); left to confirm: ${sol.suggested + sol.unmatched} (suggested ${pct(sol.suggested, sol.credits)}, unmatched ${pct(sol.unmatched, sol.credits)})`,
  );
  for (const x of sol.wrongExamples) lines.push(`  wrong: ${x}`);
  lines.push(
    `runtime: Sollecito run ${solSeconds.toFixed(1)} s (matcher ${(sol.matchMs / 1000).toFixed(2)} s, planner ${(sol.planMs / 1000).toFixed(2)} s for ${sol.plans.toLocaleString('en-GB')} plans), manual run ${manSeconds.toFixed(1)} s (planner ${(man.planMs / 1000).toFixed(2)} s); reminders after the money, Sollecito / manual: ${solAfter} / ${manAfter}${manAfter > 0 ? ` (${pct(manAfter - solAfter, manAfter)} fewer)` : ''}`,
  );
  return lines;
};
