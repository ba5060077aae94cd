/**
 * The policy preview and the what-if place sends where PlanTimeline does: with the deployment's
 * send spread (domain/timeline/send-spread.ts), a written stage planned at 09:00 shows the second
 * it leaves at (the planner's own instant, by the same function and settings), and the what-if's
 * plan memo never hands one invoice's slot to another.
 */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { previewPolicy } from '../../lambdas/domain/timeline/policy-preview.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { memoPlanner } from '../../lambdas/domain/simulation/plan-memo.js';
import { defaultResponseModel } from '../../lambdas/domain/simulation/response-model.js';
import { simulateInvoice } from '../../lambdas/domain/simulation/simulate.js';
import { openingOn, sendContext } from '../../lambdas/domain/timeline/calendar.js';

const spread = { ratePerSecond: 14, morningVolume: 10_000 };
const tenant = { tenantId: 'preview-co', country: 'IT', timeZone: 'Europe/Rome', language: 'it' } as const;
/** The customer's local date and time of an instant, as the preview writes it. */
const local = (iso: string) => new Date(iso).toLocaleString('sv-SE', { timeZone: 'Europe/Rome' }).replace(' ', 'T');

describe('the policy preview with the send spread', () => {
  const sample = { issueDate: '2026-03-02', dueDate: '2026-04-01', amountMinor: 100_000, currency: 'EUR' } as const;

  it('shows each written stage at the instant the planner gives the same invoice, not at 09:00', () => {
    const out = previewPolicy(BUILT_IN_POLICIES.standard, tenant, sample, spread);
    // The preview's sample, planned by the planner itself with the same settings.
    const customer = Customer.parse({ tenantId: tenant.tenantId, customerId: 'SAMPLE', name: 'Sample customer', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'sample@example.invalid', phone: '+390212345678' });
    const invoice = Invoice.parse({ tenantId: tenant.tenantId, invoiceId: 'SAMPLE', number: 'SAMPLE-1', customerId: 'SAMPLE', issueDate: sample.issueDate, dueDate: sample.dueDate, currency: 'EUR', amount: sample.amountMinor, status: 'open', createdAt: `${sample.issueDate}T00:00:00.000Z`, updatedAt: `${sample.issueDate}T00:00:00.000Z` });
    const now = new Date(openingOn(sample.issueDate, sendContext(customer, BUILT_IN_POLICIES.standard)).getTime() - 3_600_000);
    const plan = planTimeline({ invoice, customer, policy: BUILT_IN_POLICIES.standard, stagesDone: [], now, sendSpread: spread });
    const written = out.stages.filter((s) => ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue'].includes(s.stage));
    expect(written.length).toBeGreaterThan(0);
    for (const s of written) {
      expect(s.at, s.stage).toBe(local(plan.at[s.stage as 'preDue']));
      expect(s.at, s.stage).not.toMatch(/T09:00:00$/);
    }
    // The call keeps the office's opening: the spread is for e-mail.
    expect(out.stages.find((s) => s.stage === 'phoneCall')?.at).toMatch(/T09:00:00$/);
  });

  it('without the settings, says 09:00 as before', () => {
    const out = previewPolicy(BUILT_IN_POLICIES.standard, tenant, sample);
    expect(out.stages.find((s) => s.stage === 'dueDate')?.at).toBe('2026-04-01T09:00:00');
  });
});

describe('the what-if with the send spread', () => {
  const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'C', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example' });
  const invoiceOf = (invoiceId: string) =>
    Invoice.parse({ tenantId: 't', invoiceId, number: invoiceId, customerId: 'C-1', issueDate: '2026-03-02', dueDate: '2026-04-01', currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-03-02T08:00:00Z', updatedAt: '2026-03-02T08:00:00Z' });
  const start = new Date('2026-03-02T10:00:00Z');

  it('replays each contact at the planner’s instant for that invoice', () => {
    const policy = BUILT_IN_POLICIES.standard;
    const run = simulateInvoice({ invoice: invoiceOf('A'), customer, start }, policy, defaultResponseModel(), memoPlanner(policy), { sendSpread: spread })!;
    const plan = planTimeline({ invoice: invoiceOf('A'), customer, policy, stagesDone: [], now: start, sendSpread: spread });
    const dueDate = run.contacts.find((c) => c.stage === 'dueDate')!;
    expect(dueDate.at).toBe(plan.at.dueDate);
    expect(local(dueDate.at)).not.toMatch(/T09:00:00$/);
  });

  it('plans two invoices that differ only in their id at their own slots: the memo keeps them apart', () => {
    const policy = BUILT_IN_POLICIES.standard;
    const memo = memoPlanner(policy);
    const inputs = ['A', 'B', 'C', 'D'].map((id) => ({ invoice: invoiceOf(id), customer, policy, stagesDone: [], now: start, sendSpread: spread }));
    for (const input of inputs) expect(memo(input)).toEqual(planTimeline(input));
    expect(new Set(inputs.map((i) => memo(i).at.dueDate)).size).toBeGreaterThan(1);
  });
});
