/**
 * domain/timeline/execution-year.ts: a plan whose walk would wait past 360 days from the
 * execution's start ends the execution with the next run's start; plans from the real planner.
 */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, type InvoiceInput, type Policy } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { EXECUTION_HORIZON_DAYS, EXECUTION_MAX_DAYS, RESUME_LEAD_DAYS, keepWithinExecutionYear, waitsOf } from '../../lambdas/domain/timeline/execution-year.js';
import type { TimelinePlan } from '../../lambdas/domain/timeline/plan.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';

const DAY = 86_400_000;
const START = '2026-03-02T08:00:00.000Z';
const days = (n: number, from = START) => new Date(Date.parse(from) + n * DAY).toISOString();

const customer = Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example' });
const invoice = (over: Partial<InvoiceInput>) =>
  Invoice.parse({ tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-02-27', dueDate: '2026-04-30', currency: 'EUR', amount: 100_000, status: 'open', createdAt: START, updatedAt: START, ...over });
const standard = BUILT_IN_POLICIES.standard;
const planned = (over: Partial<InvoiceInput>, now = START, policy: Policy = standard) => planTimeline({ invoice: invoice(over), customer, policy, stagesDone: [], now: new Date(now) });
/** A promise plan checked at `checkAt`, as the planner hands it. */
const promiseAt = (checkAt: string): TimelinePlan => ({ ...planned({}), mode: 'promise', checkAt, reason: 'test promise' });
const decide = (plan: TimelinePlan, now = START, startedAt = START) => keepWithinExecutionYear({ plan, startedAt, now: new Date(now) });

describe('the one-year limit of an execution', () => {
  it('keeps five days of Step Functions\' year for retries and late wake-ups', () => {
    expect(EXECUTION_MAX_DAYS - EXECUTION_HORIZON_DAYS).toBe(5);
  });

  it('lets a wait 359 or 360 days after the start stand, and ends the execution for one at 360 days and a second, and at 365', () => {
    expect(decide(promiseAt(days(359))).kind).toBe('fits');
    expect(decide(promiseAt(days(360))).kind).toBe('fits');
    const justPast = decide(promiseAt(new Date(Date.parse(days(360)) + 1000).toISOString()));
    expect(justPast.kind).toBe('resume');
    const atYear = decide(promiseAt(days(365)));
    expect(atYear).toMatchObject({ kind: 'resume', plan: { mode: 'closed', next: 'none', resumeAt: days(365 - RESUME_LEAD_DAYS) } });
  });

  it('a pause to the last allowed day (365 days) ends the execution; the next run then waits for the pause end within its own year', () => {
    const pauseUntil = '2027-03-02';
    const plan = planned({ status: 'paused', pause: { until: pauseUntil, reason: 'lawyer' } });
    expect(plan.mode).toBe('promise');
    const d = decide(plan);
    expect(d.kind).toBe('resume');
    if (d.kind !== 'resume') return;
    // The closed plan walks no Wait: the state machine routes it to Closed.
    expect(waitsOf(d.plan)).toEqual([]);
    expect(d.plan.skip).toEqual([...STAGE_IDS]);
    expect(Date.parse(plan.checkAt!) - Date.parse(d.plan.resumeAt)).toBe(RESUME_LEAD_DAYS * DAY);
    // The next run, started at the wake-up, plans the same pause and keeps it.
    const next = planned({ status: 'paused', pause: { until: pauseUntil, reason: 'lawyer' } }, d.plan.resumeAt);
    expect(decide(next, d.plan.resumeAt, d.plan.resumeAt)).toEqual({ kind: 'fits', plan: next });
  });

  describe('an instalment plan whose first instalment is 363 days ahead', () => {
    const date = '2027-02-28';
    const promised = { status: 'promised', promise: { date, recordedAt: START }, plan: { instalments: [{ date, amount: 50_000 }, { date: '2027-03-31', amount: 50_000 }], paidBefore: 0, agreedAt: START } } satisfies Partial<InvoiceInput>;

    it('is not checked in this execution (checked the morning after: past the year)', () => {
      const plan = planned(promised, START, { ...standard, plans: { ...standard.plans, reminderDaysBefore: 0 } });
      expect(plan).toMatchObject({ mode: 'promise' });
      expect(Date.parse(plan.checkAt!)).toBeGreaterThan(Date.parse(days(EXECUTION_HORIZON_DAYS)));
      expect(decide(plan)).toMatchObject({ kind: 'resume', plan: { mode: 'closed' } });
    });

    it('its reminder a few days before may still go out in this execution, when that falls within 360 days', () => {
      const plan = planned(promised);
      expect(standard.plans.reminderDaysBefore).toBeGreaterThan(0);
      expect(Date.parse(plan.checkAt!)).toBeLessThanOrEqual(Date.parse(days(EXECUTION_HORIZON_DAYS)));
      expect(decide(plan).kind).toBe('fits');
    });
  });

  it('a pause that ends late in the execution\'s life: the timeline after it would outlive the year, so a new run starts now', () => {
    // CheckPromise at day 350: the pause ended, the planner walks the overdue stages up to escalation weeks later.
    const now = days(350);
    const plan = planned({ dueDate: '2026-04-30' }, now);
    expect(plan.mode).toBe('timeline');
    expect(Date.parse(plan.at.escalation)).toBeGreaterThan(Date.parse(days(EXECUTION_HORIZON_DAYS)));
    const d = decide(plan, now);
    expect(d).toMatchObject({ kind: 'resume', plan: { resumeAt: now } });
  });

  it('a due date more than a year ahead: the whole walk is later than the year, the run starts a week before its first stage', () => {
    const plan = planned({ issueDate: '2026-03-02', dueDate: '2027-04-30' });
    expect(plan.mode).toBe('timeline');
    const first = Math.min(...waitsOf(plan).map((w) => Date.parse(w)));
    const d = decide(plan);
    expect(d).toMatchObject({ kind: 'resume', plan: { resumeAt: new Date(first - RESUME_LEAD_DAYS * DAY).toISOString() } });
    // A run started then keeps the whole walk: the stages lie weeks apart, not a year.
    if (d.kind === 'resume') expect(decide(planned({ issueDate: '2026-03-02', dueDate: '2027-04-30' }, d.plan.resumeAt), d.plan.resumeAt, d.plan.resumeAt).kind).toBe('fits');
  });

  it('measures the last Wait of the walk, not only the first: an early stage does not let the escalation run past the year', () => {
    const plan = planned({});
    const far: TimelinePlan = { ...plan, at: { ...plan.at, escalation: days(361) } };
    expect(decide(plan).kind).toBe('fits');
    expect(decide(far).kind).toBe('resume');
  });

  it('with an extra reminder the walk stops at its branch: stages after it are the re-plan\'s', () => {
    const plan = planned({});
    const withExtra: TimelinePlan = { ...plan, next: 'dueDate', extra: { step: 'extra:call-note', at: days(20), before: 'firstOverdue' }, at: { ...plan.at, escalation: days(400) } };
    expect(waitsOf(withExtra)).toEqual([plan.at.dueDate, days(20)]);
    expect(decide(withExtra).kind).toBe('fits');
    expect(decide({ ...withExtra, extra: { ...withExtra.extra!, at: days(361) } }).kind).toBe('resume');
  });

  it('a walk that alone spans more than an execution may wait cannot be split: it is refused, not left to time out', () => {
    const plan = planned({});
    const spread: TimelinePlan = { ...plan, next: 'preDue', at: { ...plan.at, preDue: days(10), escalation: days(10 + EXECUTION_HORIZON_DAYS) } };
    expect(decide(spread)).toEqual({ kind: 'tooLong', first: days(10), last: days(10 + EXECUTION_HORIZON_DAYS) });
  });

  it('a closed plan waits for nothing and always fits', () => {
    const closed: TimelinePlan = { ...planned({}), mode: 'closed', next: 'none' };
    expect(decide(closed, days(364))).toEqual({ kind: 'fits', plan: closed });
  });
});
