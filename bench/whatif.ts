/**
 * `npm run bench -- whatif`: the what-if of two playbooks (relationship vs firm) over the sample
 * company's 10,000 open invoices (local/seed/tenant.json; 600 generated customers, Italian, German
 * and French, 30,000 invoices closed in the year as history), generated pure from a seeded PRNG so every
 * run sees the same data. Measured in the same run, after a warm-up of both:
 * - the planner alone: planTimeline once per invoice per policy, the same inputs;
 * - the what-if: the use case (app/simulations/run-simulation.ts) over the portfolio in memory:
 *   fit the response model, plan and price every invoice under both policies, compare.
 * Target: under 10 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Customer, Invoice, Tenant, type Policy } from '../lambdas/domain/model.js';
import type { ActivityItem } from '../lambdas/domain/reports/activity.js';
import { runSimulation } from '../lambdas/app/simulations/run-simulation.js';
import { planTimeline } from '../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../lambdas/domain/timeline/policies.js';
import { STAGE_IDS } from '../lambdas/domain/timeline/stages.js';
import { addDays } from '../lambdas/domain/shared/days.js';
import { portfolioDeps, type Portfolio } from '../scripts/what-if-file.js';
import { prng } from './prng.js';

const ROOT = join(import.meta.dirname, '..');
const SEED = 20_261_117;
/** Monday 9 March 2026, 08:00 in Rome. */
export const WHATIF_NOW = new Date('2026-03-09T07:00:00Z');
const TARGET_S = 10;


const COUNTRIES = [
  { country: 'IT', timeZone: 'Europe/Rome', language: 'it' },
  { country: 'DE', timeZone: 'Europe/Berlin', language: 'en' },
  { country: 'FR', timeZone: 'Europe/Paris', language: 'en' },
] as const;

/** The sample company with `invoices` open invoices and a year of closed ones, the same for a given seed. */
export const sampleWhatIfPortfolio = (opts: { invoices: number; customers: number; closed: number; seed?: number }): Portfolio => {
  const rnd = prng(opts.seed ?? SEED);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const tenant = Tenant.parse(JSON.parse(readFileSync(join(ROOT, 'local/seed/tenant.json'), 'utf8')));
  const today = WHATIF_NOW.toISOString().slice(0, 10);
  const customers = Array.from({ length: opts.customers }, (_, i) => {
    const r = rnd();
    const where = COUNTRIES[r < 0.75 ? 0 : r < 0.9 ? 1 : 2];
    return Customer.parse({
      tenantId: tenant.tenantId, customerId: `C-${String(i).padStart(4, '0')}`, name: `Cliente ${i}`, ...where,
      email: `ap${i}@cliente.example`, ...(rnd() < 0.7 ? { phone: `+39347${String(1_000_000 + i).slice(-7)}` } : {}),
      paymentTermsDays: rnd() < 0.6 ? 30 : 60, ...(rnd() < 0.2 ? { paymentDays: [10, 25] } : {}),
    });
  });
  const invoices = Array.from({ length: opts.invoices }, (_, i) => {
    const c = customers[int(0, customers.length - 1)]!;
    const issueDate = addDays(today, -int(0, 100));
    return Invoice.parse({
      tenantId: tenant.tenantId, invoiceId: `INV-${i}`, number: `2026/${i}`, customerId: c.customerId, issueDate, dueDate: addDays(issueDate, c.paymentTermsDays),
      currency: 'EUR', amount: int(200, 25_000) * 100, status: 'open', createdAt: `${issueDate}T08:00:00Z`, updatedAt: `${issueDate}T08:00:00Z`,
    });
  });
  // A year of closings under the standard policy: each stage pays a share of what is left.
  const stages = (['none', ...STAGE_IDS.filter((s) => s !== 'receiptCheck')] as const);
  const share = { none: 0.35, preDue: 0.2, dueDate: 0.2, firstOverdue: 0.12, secondOverdue: 0.1, phoneCall: 0.2, creditHold: 0.15, escalation: 0 } as const;
  const activity: ActivityItem[] = [];
  for (let i = 0; i < opts.closed; i++) {
    const c = customers[int(0, customers.length - 1)]!;
    const dueDate = addDays(today, -int(60, 330));
    let last: (typeof stages)[number] = 'escalation';
    for (const s of stages) if (rnd() < share[s]) { last = s; break; }
    const offset = last === 'none' ? 0 : BUILT_IN_POLICIES.standard.stages[last]!.offsetDays;
    const lastStageDate = addDays(dueDate, offset);
    const paid = last !== 'escalation';
    const paidOn = addDays(last === 'none' ? dueDate : lastStageDate, last === 'none' ? int(-3, 3) : int(1, 6));
    activity.push({
      kind: 'closed', tenantId: tenant.tenantId, invoiceId: `OLD-${i}`, number: `2025/${i}`, customerId: c.customerId, dueDate, date: paid ? paidOn : lastStageDate,
      currency: 'EUR', amount: int(200, 25_000) * 100, outcome: paid ? 'paid' : 'escalated', policy: 'standard', lastStage: last,
      ...(last !== 'none' ? { lastStageDate } : {}), ...(paid ? { paidOn } : {}),
    });
  }
  return { tenant, customers, invoices, activity, policies: [] };
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const plannerAlone = (p: Portfolio, policies: readonly Policy[]): number => {
  const customers = new Map(p.customers.map((c) => [c.customerId, c]));
  const started = performance.now();
  for (const policy of policies) {
    for (const invoice of p.invoices) {
      planTimeline({ invoice, customer: customers.get(invoice.customerId)!, policy, stagesDone: [], now: WHATIF_NOW });
    }
  }
  return performance.now() - started;
};

export const benchWhatIf = async (): Promise<string[]> => {
  const t0 = performance.now();
  const portfolio = sampleWhatIfPortfolio({ invoices: 10_000, customers: 600, closed: 30_000 });
  const generated = performance.now() - t0;
  const deps = portfolioDeps(portfolio);
  const request = { policies: [{ id: 'relationship' }, { id: 'firm' }] as const };
  const both = [BUILT_IN_POLICIES.relationship, BUILT_IN_POLICIES.firm];

  // Warm-up: the holiday table, the time-zone formatters, the JIT.
  plannerAlone({ ...portfolio, invoices: portfolio.invoices.slice(0, 500) }, both);
  await runSimulation(portfolioDeps({ ...portfolio, invoices: portfolio.invoices.slice(0, 500) }), portfolio.tenant, request, WHATIF_NOW);

  const planner = plannerAlone(portfolio, both);
  const started = performance.now();
  const out = await runSimulation(deps, portfolio.tenant, request, WHATIF_NOW);
  const whatIfMs = performance.now() - started;
  if (out.kind !== 'done') throw new Error(`the what-if was refused: ${JSON.stringify(out.problems)}`);
  const [a, b] = out.result.policies;
  const fitted = out.result.model.filter((s) => s.source === 'fitted').length;
  const eur = (p: typeof a) => p.recovery.find((r) => r.currency === 'EUR')!;
  return [
    `portfolio: ${portfolio.invoices.length.toLocaleString('en-GB')} open invoices, ${portfolio.customers.length} customers, ${portfolio.activity.length.toLocaleString('en-GB')} closed invoices of history (seed ${SEED}), generated in ${seconds(generated)}`,
    `what-if relationship vs firm (fit, ${(2 * portfolio.invoices.length).toLocaleString('en-GB')} plans, pricing, comparison): ${seconds(whatIfMs)} (target < ${TARGET_S} s: ${whatIfMs < TARGET_S * 1000 ? 'met' : 'MISSED'})`,
    `planner alone, same run (planTimeline once per invoice per policy, ${(2 * portfolio.invoices.length).toLocaleString('en-GB')} plans): ${seconds(planner)}; the what-if costs ${(whatIfMs / planner).toFixed(2)}× the planner`,
    `model: ${fitted} of ${out.result.model.length} stages fitted from the history, the rest default`,
    `relationship: ${Math.round(a.messages.email)} e-mails, ${Math.round(a.messages.sms)} SMS, ${Math.round(a.messages.call)} calls; credit hold median +${a.creditHold.medianDaysLate} days; ${(eur(a).within[2]!.share * 100).toFixed(1)}% recovered in 90 days; DSO ${eur(a).dsoDays.toFixed(1)}`,
    `firm:         ${Math.round(b.messages.email)} e-mails, ${Math.round(b.messages.sms)} SMS, ${Math.round(b.messages.call)} calls; credit hold median +${b.creditHold.medianDaysLate} days; ${(eur(b).within[2]!.share * 100).toFixed(1)}% recovered in 90 days; DSO ${eur(b).dsoDays.toFixed(1)}`,
  ];
};
