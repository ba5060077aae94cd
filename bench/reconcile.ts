/**
 * The payment matcher (lambdas/domain/money/matching) on a generated tenant: 100,000 open invoices
 * over 20,000 customers and 100,000 bank credits (about 40% with the invoice's RF reference, 30%
 * with invoice numbers in free text, 15% garbled or no reference, 10% partial payments, 5% one
 * transfer for several invoices), from a seeded PRNG, so every run sees the same data. The
 * generator knows which invoices each credit really pays, so the bench counts wrong automatic
 * matches as well as speed.
 *
 * Baseline, measured in the same run: the very same rules over a lookup that scans every open
 * invoice (and every customer) of the tenant for each question instead of the indexes, on a
 * sample of 500 credits, scaled to 100,000. Its decisions are checked equal to the indexed ones.
 * BENCH_RECONCILE_CREDITS=20000 for a quick look (the 10,000 run is always made).
 */
import { composeIBAN } from 'ibantools';
import { creditorReferenceFor } from '../lambdas/domain/money/creditor-reference.js';
import { RunLedger } from '../lambdas/domain/money/matching/ledger.js';
import { creditOrder, decideCredit } from '../lambdas/domain/money/matching/match-credits.js';
import { nameKey, nameTokens } from '../lambdas/domain/money/matching/names.js';
import {
  byDueThenId,
  closestByDue,
  indexOpenInvoices,
  normaliseIban,
  payableInvoices,
  type IndexedInvoice,
  type InvoiceLookup,
} from '../lambdas/domain/money/matching/open-invoices.js';
import type { MatchableCredit, MatchableCustomer, MatchableInvoice, MatchDecision, MatchOptions } from '../lambdas/domain/money/matching/types.js';
import { peakMemory } from './peak-memory.js';
import { prng } from './prng.js';

const SEED = 20_260_315;
const INVOICES = 100_000;
const CUSTOMERS = 20_000;
const CREDITS = Number(process.env.BENCH_RECONCILE_CREDITS ?? 100_000);
const BASELINE_SAMPLE = 500;
const OPTIONS: MatchOptions = { tolerances: [{ currency: 'EUR', shortBy: 200 }] };


const SURNAMES = ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone', 'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti'];
const TRADES = ['Costruzioni', 'Trasporti', 'Impianti', 'Alimentari', 'Meccanica', 'Servizi', 'Logistica', 'Edilizia', 'Elettronica', 'Arredamenti', 'Tessile', 'Consulting', 'Ottica', 'Ceramiche', 'Vini'];
const PLACES = ['Nord', 'Sud', 'Adriatica', 'Lombarda', 'Veneta', 'Toscana', 'Sicula', 'Emiliana', 'Ligure', 'Sarda', 'Italia', 'Europa'];
const FORMS = ['S.r.l.', 'S.p.A.', 'SRL', 'snc', 's.a.s.', ''];

interface Truth {
  /** The invoices the credit really pays (empty: it pays none of the tenant's open invoices). */
  invoiceIds: string[];
  kind: 'rf' | 'numbers' | 'garbled' | 'partial' | 'several';
}

interface Tenant {
  invoices: MatchableInvoice[];
  customers: MatchableCustomer[];
  ibans: Map<string, string>;
  credits: MatchableCredit[];
  truth: Map<string, Truth>;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const generate = (): Tenant => {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

  const customers: MatchableCustomer[] = [];
  const customerIban: string[] = [];
  const ibans = new Map<string, string>();
  for (let c = 0; c < CUSTOMERS; c++) {
    const name = rnd() < 0.5 ? `${pick(SURNAMES)} ${pick(TRADES)} ${pick(FORMS)}` : `${pick(TRADES)} ${pick(PLACES)} ${pick(SURNAMES)} ${pick(FORMS)}`;
    customers.push({ customerId: `C${pad(c, 5)}`, name: name.trim() });
    const iban = composeIBAN({ countryCode: 'DE', bban: `${pad(37_040_044 + (c % 50), 8)}${pad(c * 7 + 1_000_000, 10)}` })!;
    customerIban.push(iban);
    // 80% of customers have paid before from this account (or have it in the directory).
    if (rnd() < 0.8) ibans.set(iban, `C${pad(c, 5)}`);
  }

  // A few customers have many invoices (skewed like real books), most have a handful.
  const invoices: MatchableInvoice[] = [];
  const ofCustomer = new Map<string, MatchableInvoice[]>();
  let numbered2025 = 0;
  let numbered2026 = 0;
  for (let i = 0; i < INVOICES; i++) {
    const c = rnd() < 0.2 ? int(0, 199) : int(0, CUSTOMERS - 1);
    const customerId = `C${pad(c, 5)}`;
    // Two series, 2025/00001… and 2026/00001…: the same digits in both, told apart by the year.
    const series = i % 3 === 0 ? '2025' : '2026';
    const number = `${series}/${pad(series === '2025' ? ++numbered2025 : ++numbered2026, 5)}`;
    const common = rnd() < 0.15;
    const amount = common ? pick([12_200, 24_400, 61_000, 122_000]) : int(50, 500_000) * 100 + (rnd() < 0.5 ? int(0, 99) : 0);
    const inv: MatchableInvoice = {
      invoiceId: `INV-${pad(i, 6)}`,
      number,
      customerId,
      currency: rnd() < 0.97 ? 'EUR' : 'USD',
      amount,
      amountPaid: 0,
      dueDate: `2026-${pad(int(1, 3), 2)}-${pad(int(1, 28), 2)}`,
      status: 'open',
      ...(rnd() < 0.75 ? { paymentReference: creditorReferenceFor(number) } : {}),
    };
    invoices.push(inv);
    const list = ofCustomer.get(customerId);
    if (list) list.push(inv);
    else ofCustomer.set(customerId, [inv]);
  }

  const order = invoices.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const used = new Set<string>();
  // Two cursors over one shuffled order: credits that need an RF skip invoices without one, and
  // those stay available to the others.
  const cursors = { any: 0, rf: 0 };
  const nextInvoice = (withRf = false): MatchableInvoice | undefined => {
    const which = withRf ? 'rf' : 'any';
    while (cursors[which] < order.length) {
      const inv = invoices[order[cursors[which]++]!]!;
      if (used.has(inv.invoiceId) || (withRf && !inv.paymentReference)) continue;
      used.add(inv.invoiceId);
      return inv;
    }
    return undefined;
  };
  const numberText = (inv: MatchableInvoice): string => {
    const [year, seq] = inv.number.split('/') as [string, string];
    return pick([
      `FT ${year}/${Number(seq)}`,
      `fattura ${year}-${seq}`,
      `INV ${year}${seq}`,
      `Saldo fatt. n. ${inv.number} del 12/03/2026`,
      `pagamento fattura nr.${year}/${seq} importo ${(inv.amount / 100).toFixed(2).replace('.', ',')}`,
      `#${inv.number}`,
    ]);
  };
  const noise = () => pick(['BONIFICO SEPA', 'PAGAMENTO', 'SALDO', 'GIROCONTO', 'VS FAVORE', 'ACCONTO MARZO', 'RIF. ORDINE 4471', 'CRO 0306912345678']);

  const credits: MatchableCredit[] = [];
  const truth = new Map<string, Truth>();
  for (let k = 0; k < CREDITS; k++) {
    const creditId = `K${pad(k, 6)}`;
    const r = rnd();
    const kind: Truth['kind'] = r < 0.4 ? 'rf' : r < 0.7 ? 'numbers' : r < 0.85 ? 'garbled' : r < 0.95 ? 'partial' : 'several';
    const base = {
      creditId,
      entryIndex: k + 1,
      account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
      bookingDate: `2026-03-${pad(int(1, 31), 2)}`,
      bankReference: `B${pad(int(0, 9_999_999), 7)}`,
      source: { format: 'camt.053' as const },
    };
    let inv = kind === 'rf' ? nextInvoice(true) : nextInvoice();
    if (!inv) break;
    const debtorOf = (i: MatchableInvoice) => {
      const c = Number(i.customerId.slice(1));
      const name = customers[c]!.name.toUpperCase().replace(/\./g, '').slice(0, 35);
      return rnd() < 0.85 ? { iban: customerIban[c]!, name } : { name };
    };
    const common = { ...base, currency: inv.currency, debtor: debtorOf(inv) };
    if (kind === 'rf') {
      credits.push({ ...common, amount: inv.amount, structuredReference: { scheme: 'SCOR', ref: inv.paymentReference! }, remittance: noise() });
      truth.set(creditId, { kind, invoiceIds: [inv.invoiceId] });
    } else if (kind === 'numbers') {
      credits.push({ ...common, amount: inv.amount, remittance: `${noise()} ${numberText(inv)}` });
      truth.set(creditId, { kind, invoiceIds: [inv.invoiceId] });
    } else if (kind === 'partial') {
      const amount = Math.max(100, Math.floor((inv.amount * int(20, 80)) / 100));
      credits.push({ ...common, amount, ...(inv.paymentReference && rnd() < 0.5 ? { structuredReference: { scheme: 'SCOR', ref: inv.paymentReference } } : { remittance: `acconto ${numberText(inv)}` }) });
      truth.set(creditId, { kind, invoiceIds: [inv.invoiceId] });
    } else if (kind === 'several') {
      const siblings = (ofCustomer.get(inv.customerId) ?? []).filter((s) => !used.has(s.invoiceId) && s.currency === inv!.currency).slice(0, int(1, 2));
      for (const s of siblings) used.add(s.invoiceId);
      const all = [inv, ...siblings];
      const amount = all.reduce((s, i) => s + i.amount, 0);
      const text = rnd() < 0.7 ? `saldo fatture ${all.map((i) => i.number).join(', ')}` : noise();
      credits.push({ ...common, amount, remittance: text });
      truth.set(creditId, { kind, invoiceIds: all.map((i) => i.invoiceId) });
    } else {
      // Garbled: a mistyped RF, or nothing but noise; half of them pay an invoice (amount and IBAN tell), half pay nothing open.
      const paysOne = rnd() < 0.5;
      const badRf = inv.paymentReference ? { structuredReference: { scheme: 'SCOR', ref: `RF00${inv.paymentReference.slice(4)}` } } : {};
      if (!paysOne) {
        used.delete(inv.invoiceId);
        cursors.any--;
        inv = undefined;
      }
      credits.push({
        ...common,
        amount: inv ? inv.amount : int(50, 500_000) * 100 + 37,
        ...(inv && rnd() < 0.5 ? badRf : { remittance: `${noise()} ${pick(['', 'MARZO', 'VEDI ALLEGATO', 'N/RIF 2026 42'])}` }),
      });
      truth.set(creditId, { kind, invoiceIds: inv ? [inv.invoiceId] : [] });
    }
  }
  return { invoices, customers, ibans, credits, truth };
};

/** The same questions as the indexes answer, by scanning every open invoice and customer each time. */
const scanningLookup = (invoices: readonly MatchableInvoice[], customers: readonly MatchableCustomer[], ibans: ReadonlyMap<string, string>): InvoiceLookup => {
  const all = payableInvoices(invoices);
  const people = [...customers].sort((a, b) => (a.customerId < b.customerId ? -1 : 1)).map((c) => ({ c, key: nameKey(c.name), tokens: new Set(nameTokens(c.name)) }));
  const accounts = [...ibans].map(([iban, customerId]) => [normaliseIban(iban), customerId] as const);
  const where = (p: (i: IndexedInvoice) => boolean) => all.filter(p);
  return {
    byReference: (ref) => where((i) => i.reference === ref),
    byReferenceBody: (body) => where((i) => i.referenceBody === body),
    byNumberKey: (key) => where((i) => i.numberKeys?.key === key),
    byCompactNumber: (compact) => where((i) => i.compactComparable && i.numberKeys?.compact === compact),
    ofCustomer: (customerId, currency) => where((i) => i.invoice.customerId === customerId && i.invoice.currency === currency).sort(byDueThenId),
    ofCustomerDueBetween: (customerId, currency, from, to) =>
      where((i) => i.invoice.customerId === customerId && i.invoice.currency === currency && i.due >= from && i.due <= to).sort(byDueThenId),
    nearAmount: (currency, amount, limit) => closestByDue(where((i) => i.invoice.currency === currency).sort(byDueThenId), amount, limit),
    customer: (customerId) => people.find((p) => p.c.customerId === customerId)?.c,
    customersNamed: (key) => people.filter((p) => p.key === key).map((p) => p.c.customerId),
    customersWithNameToken: (token) => people.filter((p) => p.tokens.has(token)).map((p) => p.c.customerId),
    customerOfIban: (iban) => accounts.find(([a]) => a === normaliseIban(iban))?.[1],
  };
};

interface Run {
  decisions: MatchDecision[];
  seconds: number;
  peakRss: number;
  peakHeap: number;
}

const decideAll = (lookup: InvoiceLookup, credits: readonly MatchableCredit[]): Run => {
  const ledger = new RunLedger();
  const sorted = [...credits].sort(creditOrder);
  const decisions: MatchDecision[] = [];
  const { peak, sample } = peakMemory();
  const started = performance.now();
  for (let i = 0; i < sorted.length; i++) {
    decisions.push(decideCredit(lookup, ledger, sorted[i]!, OPTIONS));
    if (i % 2_000 === 0) sample();
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  return { decisions, seconds, peakRss: peak.rss, peakHeap: peak.heap };
};

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-GB');
const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

const quality = (decisions: readonly MatchDecision[], truth: ReadonlyMap<string, Truth>) => {
  let matched = 0;
  let wrong = 0;
  let suggested = 0;
  let suggestedWithTruth = 0;
  let truthInSuggestions = 0;
  const byRule = new Map<string, number>();
  const wrongExamples: string[] = [];
  for (const d of decisions) {
    const t = truth.get(d.creditId)!;
    const expected = [...t.invoiceIds].sort().join(',');
    if (d.decision === 'matched') {
      matched++;
      byRule.set(d.rule!, (byRule.get(d.rule!) ?? 0) + 1);
      const got = d.allocations!.map((a) => a.invoiceId).sort().join(',');
      if (got !== expected) {
        wrong++;
        if (wrongExamples.length < 3) wrongExamples.push(`${d.creditId} (${t.kind}) matched ${got}, truth ${expected || 'none'}: ${d.reasons[0]}`);
      }
    } else if (d.decision === 'suggested') {
      suggested++;
      if (expected !== '') suggestedWithTruth++;
      if (d.suggestions!.some((s) => [...s.invoiceIds].sort().join(',') === expected)) truthInSuggestions++;
    }
  }
  return { matched, wrong, suggested, suggestedWithTruth, truthInSuggestions, byRule, wrongExamples };
};

export const benchReconcile = async (): Promise<string[]> => {
  const t0 = performance.now();
  const tenant = generate();
  const generated = (performance.now() - t0) / 1000;
  const lines: string[] = [];
  const kinds = new Map<string, number>();
  for (const t of tenant.truth.values()) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
  lines.push(
    `tenant: ${tenant.invoices.length.toLocaleString('en-GB')} open invoices, ${tenant.customers.length.toLocaleString('en-GB')} customers, ${tenant.ibans.size.toLocaleString('en-GB')} known IBANs; ${tenant.credits.length.toLocaleString('en-GB')} credits (${[...kinds].map(([k, n]) => `${k} ${pct(n, tenant.credits.length)}`).join(', ')}), generated in ${generated.toFixed(1)} s (seed ${SEED})`,
  );

  const i0 = performance.now();
  const lookup = indexOpenInvoices(tenant.invoices, tenant.customers, tenant.ibans);
  const indexSeconds = (performance.now() - i0) / 1000;
  const before = process.memoryUsage();
  lines.push(`index: built once in ${(indexSeconds * 1000).toFixed(0)} ms; with the generated tenant and credits in memory: rss ${mb(before.rss)}, heapUsed ${mb(before.heapUsed)} (the peaks below include these)`);

  let indexedRate = 0;
  for (const n of [10_000, tenant.credits.length]) {
    const credits = tenant.credits.slice(0, n);
    const run = decideAll(lookup, credits);
    const q = quality(run.decisions, tenant.truth);
    indexedRate = n / run.seconds;
    lines.push(
      `indexed matcher, ${n.toLocaleString('en-GB')} credits: ${rate(n, run.seconds)} credits/s (${run.seconds.toFixed(2)} s); matched automatically ${pct(q.matched, n)} (${[...q.byRule].sort().map(([r, c]) => `${r} ${c}`).join(', ')}), suggested ${pct(q.suggested, n)} (of those that pay an open invoice, ${pct(q.truthInSuggestions, q.suggestedWithTruth)} have it among the top 3), unmatched ${pct(n - q.matched - q.suggested, n)}; wrong automatic matches: ${q.wrong} (target 0); peak rss ${mb(run.peakRss)}, peak heapUsed ${mb(run.peakHeap)}`,
    );
    for (const w of q.wrongExamples) lines.push(`  wrong: ${w}`);
  }

  // Baseline: the first 500 credits in processing order, against the scanning lookup and, for the
  // equality check and a like-for-like rate, against the index.
  const sample = [...tenant.credits].sort(creditOrder).slice(0, BASELINE_SAMPLE);
  const naive = decideAll(scanningLookup(tenant.invoices, tenant.customers, tenant.ibans), sample);
  const indexedSample = decideAll(lookup, sample);
  const naiveRate = BASELINE_SAMPLE / naive.seconds;
  const same = JSON.stringify(naive.decisions) === JSON.stringify(indexedSample.decisions);
  lines.push(
    `naive baseline (same rules, every open invoice and customer scanned per look-up), measured on ${BASELINE_SAMPLE} credits and scaled: ${rate(BASELINE_SAMPLE, naive.seconds)} credits/s (${naive.seconds.toFixed(2)} s for ${BASELINE_SAMPLE}; about ${((tenant.credits.length / naiveRate) / 60).toFixed(1)} min for ${tenant.credits.length.toLocaleString('en-GB')}); decisions identical to the indexed matcher's on the sample: ${same ? 'yes' : 'NO'}`,
  );
  const ratio = indexedRate / naiveRate;
  lines.push(`indexed / naive: ${ratio.toFixed(0)}x (${ratio >= 50 ? 'within' : 'BELOW'} target >= 50x; indexed rate from the full run)`);
  return lines;
};
