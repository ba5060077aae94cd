import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { Customer, Invoice, POLICY_IDS, type CustomerInput, type InvoiceInput, type PolicyId } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { isBusinessDay } from '../../lambdas/domain/timeline/calendar.js';
import { STAGE_IDS, WRITTEN_STAGES, type Stage } from '../../lambdas/domain/timeline/stages.js';
import type { StageDone, TimelinePlan } from '../../lambdas/domain/timeline/plan.js';

const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', ...over });

const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't',
    invoiceId: 'I',
    number: '1',
    customerId: 'C',
    issueDate: '2026-01-15',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-15T09:00:00Z',
    updatedAt: '2026-01-15T09:00:00Z',
    ...over,
  });

const plan = (o: { policy?: PolicyId; inv?: Partial<InvoiceInput>; cust?: Partial<CustomerInput>; now: string; done?: StageDone[]; last?: string; ignored?: number }) =>
  planTimeline({
    invoice: invoice(o.inv),
    customer: customer(o.cust),
    policy: BUILT_IN_POLICIES[o.policy ?? 'standard'],
    stagesDone: o.done ?? [],
    ...(o.last ? { lastContactAt: o.last } : {}),
    ...(o.ignored !== undefined ? { ignoredEmails: o.ignored } : {}),
    now: new Date(o.now),
  });

/** The stages that will act, with their instants, in order. */
const acting = (p: TimelinePlan): [Stage, string][] => STAGE_IDS.filter((s) => !p.skip.includes(s)).map((s) => [s, p.at[s]]);

describe('the standard timeline from the issue date', () => {
  it('places every stage at 09:00 Rome on its business day', () => {
    const p = plan({ now: '2026-01-15T10:00:00Z' });
    expect(p.mode).toBe('timeline');
    expect(p.next).toBe('preDue');
    expect(acting(p)).toEqual([
      ['preDue', '2026-02-09T08:00:00.000Z'],
      ['dueDate', '2026-02-16T08:00:00.000Z'],
      ['firstOverdue', '2026-02-23T08:00:00.000Z'],
      ['secondOverdue', '2026-03-02T08:00:00.000Z'],
      ['phoneCall', '2026-03-03T08:00:00.000Z'],
      ['creditHold', '2026-03-18T08:00:00.000Z'],
      // +45 is Thursday 2 April, after the spring DST change: 09:00 Rome is 07:00Z.
      ['escalation', '2026-04-02T07:00:00.000Z'],
    ]);
    expect(p.skip).toEqual(['receiptCheck']);
  });

  it('carries the previous instant on skipped stages so every Wait reads a valid, ordered timestamp', () => {
    const p = plan({ now: '2026-01-15T10:00:00Z' });
    expect(p.at.receiptCheck).toBe('2026-01-15T10:00:00.000Z');
    const times = STAGE_IDS.map((s) => Date.parse(p.at[s]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('moves a stage off a public holiday and a weekend', () => {
    // Due on Easter Monday 2026-04-06: the due-date reminder goes on Tuesday.
    const p = plan({ inv: { dueDate: '2026-04-06' }, now: '2026-03-01T10:00:00Z' });
    expect(p.at.dueDate).toBe('2026-04-07T07:00:00.000Z');
    // Due Saturday 7 March: Monday 9.
    expect(plan({ inv: { dueDate: '2026-03-07' }, now: '2026-02-01T10:00:00Z' }).at.dueDate).toBe('2026-03-09T08:00:00.000Z');
  });

  it("uses the customer's country and time zone", () => {
    const p = plan({ cust: { country: 'GB', timeZone: 'Europe/London', language: 'en' }, inv: { dueDate: '2026-08-31' }, now: '2026-08-01T10:00:00Z' });
    // The summer bank holiday in England: Tuesday 1 September, 09:00 BST = 08:00Z.
    expect(p.at.dueDate).toBe('2026-09-01T08:00:00.000Z');
  });

  it('aligns the due-date reminder to the next payment day', () => {
    const p = plan({ cust: { paymentDays: [10, 25] }, now: '2026-01-15T10:00:00Z' });
    expect(p.at.dueDate).toBe('2026-02-25T08:00:00.000Z');
    expect(p.at.firstOverdue).toBe('2026-02-26T08:00:00.000Z');
  });

  it('places the call inside the accounts office days and hours', () => {
    const p = plan({ cust: { officeHours: { days: [2, 4], from: '14:30', to: '16:00' } }, now: '2026-01-15T10:00:00Z' });
    // +15 is Tuesday 3 March: 14:30 Rome = 13:30Z.
    expect(p.at.phoneCall).toBe('2026-03-03T13:30:00.000Z');
    const q = plan({ cust: { officeHours: { days: [4], from: '10:00', to: '12:00' } }, now: '2026-01-15T10:00:00Z' });
    expect(q.at.phoneCall).toBe('2026-03-05T09:00:00.000Z');
  });
});

describe('the default schedule of each policy (issued 15 January, due Monday 16 February 2026, Rome)', () => {
  it('relationship', () => {
    expect(acting(plan({ policy: 'relationship', now: '2026-01-15T10:00:00Z' }))).toEqual([
      ['receiptCheck', '2026-01-19T08:00:00.000Z'], // issue +2 is Saturday 17: Monday
      ['preDue', '2026-02-06T08:00:00.000Z'],
      ['dueDate', '2026-02-16T08:00:00.000Z'],
      ['firstOverdue', '2026-02-26T08:00:00.000Z'],
      ['secondOverdue', '2026-03-09T08:00:00.000Z'],
      ['phoneCall', '2026-03-13T08:00:00.000Z'],
      ['creditHold', '2026-04-02T07:00:00.000Z'], // summer time: 09:00 Rome is 07:00Z
      ['escalation', '2026-04-17T07:00:00.000Z'],
    ]);
  });
  it('firm', () => {
    expect(acting(plan({ policy: 'firm', now: '2026-01-15T10:00:00Z' }))).toEqual([
      ['preDue', '2026-02-11T08:00:00.000Z'],
      ['dueDate', '2026-02-16T08:00:00.000Z'],
      ['firstOverdue', '2026-02-23T08:00:00.000Z'], // +5 is Saturday 21: Monday
      ['secondOverdue', '2026-02-26T08:00:00.000Z'],
      ['phoneCall', '2026-03-02T08:00:00.000Z'], // +12 is Saturday 28: Monday
      ['creditHold', '2026-03-03T08:00:00.000Z'],
      ['escalation', '2026-03-18T08:00:00.000Z'],
    ]);
  });
});

describe('the three policies', () => {
  it('relationship: gentle, no SMS anywhere, a call well before the credit hold', () => {
    const p = BUILT_IN_POLICIES.relationship;
    expect(p.tone).toBe('gentle');
    expect(STAGE_IDS.some((s) => p.stages[s]!.sms)).toBe(false);
    expect(p.stages.phoneCall!.offsetDays).toBeLessThan(p.stages.creditHold!.offsetDays);
    const r = plan({ policy: 'relationship', now: '2026-01-15T10:00:00Z' });
    expect(r.next).toBe('receiptCheck');
    expect(r.at.receiptCheck).toBe('2026-01-19T08:00:00.000Z'); // issue +2 is Saturday 17
  });
  it('firm: SMS from the due date on and a credit hold at +15', () => {
    const p = BUILT_IN_POLICIES.firm;
    expect(STAGE_IDS.filter((s) => p.stages[s]!.sms)).toEqual(['dueDate', 'firstOverdue', 'secondOverdue', 'creditHold']);
    expect(p.stages.creditHold!.offsetDays).toBe(15);
    expect(plan({ policy: 'firm', now: '2026-01-15T10:00:00Z' }).at.creditHold).toBe('2026-03-03T08:00:00.000Z');
  });
  it('standard and firm gaps are shorter than relationship', () => {
    const gap = (id: PolicyId) => BUILT_IN_POLICIES[id].stages.secondOverdue!.offsetDays - BUILT_IN_POLICIES[id].stages.firstOverdue!.offsetDays;
    expect(gap('firm')).toBeLessThan(gap('standard'));
    expect(gap('standard')).toBeLessThan(gap('relationship'));
  });
});

describe('backlog arrivals', () => {
  const ages = [3, 10, 20, 40, 90];
  for (const policy of POLICY_IDS) {
    for (const age of ages) {
      it(`${policy}, ${age} days overdue: starts with the written reminder that fits, then keeps the gap`, () => {
        const now = DateTime.fromISO('2026-02-16T10:00:00', { zone: 'Europe/Rome' }).plus({ days: age }).toUTC().toISO()!;
        const p = plan({ policy, now });
        const pol = BUILT_IN_POLICIES[policy];
        const a = acting(p);
        const first = a[0]![0];
        expect(WRITTEN_STAGES).toContain(first);
        // The latest written stage whose date has passed is the one that fits the age.
        const fits = [...WRITTEN_STAGES].reverse().find((s) => pol.stages[s]!.enabled && s !== 'receiptCheck' && pol.stages[s]!.offsetDays <= age);
        expect(first).toBe(fits);
        expect(p.reason).toMatch(new RegExp(`backlog: ${age} days overdue, starting at ${fits}`));
        // Sent at the next send moment: now is 10:00 Rome on a day that may be a weekend.
        expect(Date.parse(a[0]![1]) - Date.parse(now)).toBeLessThan(4 * 86_400_000);
        for (let i = 1; i < a.length; i++) {
          expect(Date.parse(a[i]![1]) - Date.parse(a[i - 1]![1])).toBeGreaterThanOrEqual(pol.minGapDays * 86_400_000);
        }
        // Nothing before the catch-up is replayed.
        const idx = STAGE_IDS.indexOf(first);
        expect(STAGE_IDS.slice(0, idx).every((s) => p.skip.includes(s))).toBe(true);
        // Later stages are pushed, never dropped.
        expect(a.map(([s]) => s)).toEqual(STAGE_IDS.slice(idx).filter((s) => pol.stages[s]!.enabled));
      });
    }
  }

  it('a pre-due arrival a few days before the due date sends the courtesy note now', () => {
    const p = plan({ now: '2026-02-12T10:00:00Z' });
    expect(p.next).toBe('preDue');
    expect(p.at.preDue).toBe('2026-02-12T10:00:00.000Z');
    // The due-date reminder keeps the 5-day gap: 17 February.
    expect(p.at.dueDate).toBe('2026-02-17T10:00:00.000Z');
  });
});

describe('replanning mid-timeline', () => {
  it('skips stages already done and never replays earlier ones', () => {
    const p = plan({ now: '2026-02-20T10:00:00Z', done: [{ stage: 'dueDate', at: '2026-02-16T08:00:00Z' }] });
    expect(p.skip).toContain('preDue');
    expect(p.next).toBe('firstOverdue');
    expect(p.at.firstOverdue).toBe('2026-02-23T08:00:00.000Z');
  });

  it('keeps the gap after the last contact (a broken-promise reminder sent today)', () => {
    const p = plan({
      now: '2026-03-04T08:05:00Z',
      last: '2026-03-04T08:00:00Z',
      done: ['preDue', 'dueDate', 'firstOverdue'].map((stage) => ({ stage, at: '2026-02-01T08:00:00Z' })),
    });
    expect(p.next).toBe('secondOverdue');
    expect(Date.parse(p.at.secondOverdue)).toBeGreaterThanOrEqual(Date.parse('2026-03-09T08:00:00Z'));
  });

  it('keeps the policy spacing when the last contact was the previous stage, on time', () => {
    const p = plan({
      now: '2026-02-25T10:00:00Z',
      last: '2026-02-23T08:00:00Z',
      done: ['preDue', 'dueDate', 'firstOverdue'].map((stage) => ({ stage, at: '2026-02-23T08:00:00Z' })),
    });
    expect(p.reason).toBe('on schedule: next is secondOverdue');
    expect(p.at.secondOverdue).toBe('2026-03-02T08:00:00.000Z');
    expect(p.at.phoneCall).toBe('2026-03-03T08:00:00.000Z');
  });

  it('pushes the next stages by the gap after a contact outside the timeline (broken-promise reminder)', () => {
    const p = plan({
      now: '2026-02-27T08:05:00Z',
      last: '2026-02-27T08:00:00Z',
      done: [...['preDue', 'dueDate', 'firstOverdue'].map((stage) => ({ stage, at: '2026-02-23T08:00:00Z' })), { stage: 'brokenPromise', at: '2026-02-27T08:00:00Z' }],
    });
    expect(acting(p)).toEqual([
      ['secondOverdue', '2026-03-04T08:00:00.000Z'], // 5 days after Friday's message
      ['phoneCall', '2026-03-09T08:00:00.000Z'], // and 5 more, not the next day as on schedule
      ['creditHold', '2026-03-18T08:00:00.000Z'], // far enough already: on its own date
      ['escalation', '2026-04-02T07:00:00.000Z'],
    ]);
  });

  it('puts the written reminder that fits the age before a credit hold when none was ever sent', () => {
    // Only the call happened (entered by hand); 32 days overdue on Friday 20 March.
    const p = plan({ now: '2026-03-20T10:00:00Z', last: '2026-03-03T08:00:00Z', done: [{ stage: 'phoneCall', at: '2026-03-03T08:00:00Z' }] });
    expect(p.next).toBe('secondOverdue');
    expect(acting(p)).toEqual([
      ['secondOverdue', '2026-03-20T10:00:00.000Z'],
      ['creditHold', '2026-03-25T10:00:00.000Z'],
      ['escalation', '2026-04-02T07:00:00.000Z'],
    ]);
    expect(p.reason).toBe('backlog: 32 days overdue, starting at secondOverdue');
  });

  it('lets the credit hold come next when a broken-promise reminder already put the debt in writing', () => {
    const p = plan({
      now: '2026-03-20T10:00:00Z',
      last: '2026-03-19T08:00:00Z',
      done: [
        { stage: 'phoneCall', at: '2026-03-03T08:00:00Z' },
        { stage: 'brokenPromise', at: '2026-03-19T08:00:00Z' },
      ],
    });
    expect(acting(p)).toEqual([
      ['creditHold', '2026-03-24T08:00:00.000Z'],
      ['escalation', '2026-04-02T07:00:00.000Z'],
    ]);
  });

  it('closes when every stage is done', () => {
    const p = plan({ now: '2026-05-01T10:00:00Z', done: STAGE_IDS.map((stage) => ({ stage, at: '2026-04-01T08:00:00Z' })) });
    expect(p.mode).toBe('closed');
    expect(p.next).toBe('none');
  });
});

describe('the address bounced and no SMS possible: the call fallback', () => {
  // Due Monday 16 February; the pre-due reminder of 9 February bounced.
  const bounced = { done: [{ stage: 'preDue', at: '2026-02-09T08:00:00Z' }], last: '2026-02-09T08:00:00Z', cust: { emailStatus: 'bounced' as const } };

  it('calls the business day after the due date, leaving out the written stages that would only wait for an address', () => {
    const p = plan({ ...bounced, policy: 'relationship', now: '2026-02-16T08:00:00Z' });
    expect(p.next).toBe('phoneCall');
    expect(acting(p).map(([s]) => s)).toEqual(['phoneCall', 'creditHold', 'escalation']);
    expect(p.at.phoneCall).toBe('2026-02-17T08:00:00.000Z');
    expect(p.reason).toContain('the e-mail address bounced and no SMS is possible: the call comes forward');
    // Never before the due date, however early the bounce.
    expect(plan({ ...bounced, policy: 'relationship', now: '2026-02-10T08:00:00Z' }).at.phoneCall).toBe('2026-02-17T08:00:00.000Z');
  });

  it('keeps the written course where an SMS can go instead, or another address works', () => {
    expect(plan({ ...bounced, cust: { ...bounced.cust, phone: '+393470000001' }, now: '2026-02-16T08:00:00Z' }).next).toBe('dueDate');
    expect(plan({ ...bounced, policy: 'relationship', cust: { ...bounced.cust, billingContact: { name: 'Ufficio contabilità', email: 'contabilita@altro.example' } }, now: '2026-02-16T08:00:00Z' }).next).toBe('dueDate');
  });
});

describe('two e-mails ignored in a row and no SMS possible: the call comes forward', () => {
  // Due Monday 16 February; preDue and dueDate sent and ignored. Thursday 26 February, 11:00 Rome.
  const done = [
    { stage: 'preDue', at: '2026-02-06T08:00:00Z' },
    { stage: 'dueDate', at: '2026-02-16T08:00:00Z' },
  ];
  const unheard = { done, last: '2026-02-16T08:00:00Z', now: '2026-02-26T10:00:00Z', ignored: 2 };

  it('relationship (never texts): the call is on the next business day in office hours, the e-mails before it are left out', () => {
    const p = plan({ ...unheard, policy: 'relationship' });
    expect(p.next).toBe('phoneCall');
    expect(acting(p)).toEqual([
      ['phoneCall', '2026-02-27T08:00:00.000Z'], // Friday 09:00 Rome instead of +25 (13 March)
      ['creditHold', '2026-04-02T07:00:00.000Z'],
      ['escalation', '2026-04-17T07:00:00.000Z'],
    ]);
    expect(p.reason).toContain('call comes forward');
  });

  it("uses the accounts office's days and hours, never a weekend", () => {
    // Friday 27 February: the next business day the office works is Monday, from 14:00.
    const p = plan({ ...unheard, now: '2026-02-27T10:00:00Z', policy: 'relationship', cust: { officeHours: { days: [1, 2], from: '14:00', to: '17:00' } } });
    expect(p.at.phoneCall).toBe('2026-03-02T13:00:00.000Z');
  });

  it('a policy that texts, to a customer with no mobile or opted out: the call comes forward too', () => {
    expect(plan({ ...unheard }).at.phoneCall).toBe('2026-02-27T08:00:00.000Z');
    expect(plan({ ...unheard, cust: { phone: '+393470000001', smsOptOut: true } }).at.phoneCall).toBe('2026-02-27T08:00:00.000Z');
  });

  it('keeps the policy course when the customer can be texted (the next reminder adds an SMS), engaged, or after one ignored e-mail', () => {
    const scheduled = plan({ done, last: unheard.last, now: unheard.now, policy: 'relationship' });
    expect(scheduled.next).toBe('firstOverdue');
    expect(plan({ ...unheard, cust: { phone: '+393470000001' } }).next).toBe('firstOverdue');
    expect(plan({ ...unheard, policy: 'relationship', ignored: 1 })).toEqual(scheduled);
    expect(plan({ ...unheard, policy: 'relationship', ignored: 0 })).toEqual(scheduled);
  });

  it('never calls before the due date, and never later than the call would have been', () => {
    // Receipt check and pre-due note ignored: the invoice is not due yet, the timeline stands.
    const early = plan({ policy: 'relationship', done: [{ stage: 'preDue', at: '2026-02-06T08:00:00Z' }], now: '2026-02-10T10:00:00Z', ignored: 2 });
    expect(early.next).toBe('dueDate');
    // Its own call date (3 March) already past when re-planned: the office is open, the call is now, not tomorrow.
    const late = plan({ ...unheard, now: '2026-03-05T10:00:00Z', done: [...done, { stage: 'firstOverdue', at: '2026-02-23T08:00:00Z' }], last: '2026-02-23T08:00:00Z' });
    expect(late.next).toBe('phoneCall');
    expect(late.at.phoneCall).toBe('2026-03-05T10:00:00.000Z');
  });

  it('is not on the same local day as the last contact', () => {
    const p = plan({ ...unheard, policy: 'relationship', last: '2026-02-27T09:00:00Z' });
    expect(p.at.phoneCall).toBe('2026-03-02T08:00:00.000Z');
  });

  it('over arbitrary histories: no written reminder before the call, the call no later than planned without it, in office hours, ordered', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 23 }),
        fc.subarray([...STAGE_IDS]),
        fc.integer({ min: 1, max: 20 * 24 }),
        (dueOffset, arrival, hour, doneStages, hoursSinceContact) => {
          const due = DateTime.fromISO('2026-01-01').plus({ days: dueOffset });
          const now = due.plus({ days: arrival, hours: hour }).toJSDate();
          const last = new Date(now.getTime() - hoursSinceContact * 3_600_000);
          const input = {
            invoice: invoice({ issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()! }),
            customer: customer(),
            policy: BUILT_IN_POLICIES.relationship,
            stagesDone: doneStages.map((stage) => ({ stage, at: last.toISOString() })),
            lastContactAt: last.toISOString(),
            now,
          };
          const forward = planTimeline({ ...input, ignoredEmails: 2 });
          const usual = planTimeline(input);
          const times = STAGE_IDS.map((st) => Date.parse(forward.at[st]));
          expect(times).toEqual([...times].sort((x, y) => x - y));
          const a = acting(forward);
          const written = doneStages.some((st) => (WRITTEN_STAGES as readonly string[]).includes(st));
          // Nothing to bring forward (no call ahead, not overdue, nothing in writing yet): the usual plan.
          if (!a.some(([st]) => st === 'phoneCall') || !written || due.toISODate()! >= DateTime.fromJSDate(now, { zone: 'Europe/Rome' }).toISODate()!) {
            expect(forward).toEqual(usual);
            return;
          }
          expect(a[0]![0]).toBe('phoneCall');
          const call = DateTime.fromISO(forward.at.phoneCall, { zone: 'Europe/Rome' });
          expect(Date.parse(forward.at.phoneCall)).toBeLessThanOrEqual(Date.parse(usual.at.phoneCall));
          expect(Date.parse(forward.at.phoneCall)).toBeGreaterThanOrEqual(now.getTime());
          expect(isBusinessDay(call.toISODate()!, 'IT')).toBe(true);
          expect(call.toFormat('HH:mm') >= '09:00' && call.toFormat('HH:mm') < '17:00').toBe(true);
          expect(call.toISODate()).not.toBe(DateTime.fromJSDate(last, { zone: 'Europe/Rome' }).toISODate());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('promises, pauses, disputes and closed invoices', () => {
  it('checks a promise the morning after its date', () => {
    const p = plan({ inv: { status: 'promised', promise: { date: '2026-03-10', recordedAt: '2026-03-01T10:00:00Z' } }, now: '2026-03-01T10:00:00Z' });
    expect(p).toMatchObject({ mode: 'promise', next: 'none', checkAt: '2026-03-11T08:00:00.000Z' });
  });
  it('checks a promise dated before a weekend on the next business morning', () => {
    const p = plan({ inv: { status: 'promised', promise: { date: '2026-03-13', recordedAt: '2026-03-01T10:00:00Z' } }, now: '2026-03-01T10:00:00Z' });
    expect(p.checkAt).toBe('2026-03-16T08:00:00.000Z');
  });
  it('follows an instalment plan: the next unpaid instalment is announced, then checked the morning after', () => {
    const onPlan = (now: string) => plan({
      inv: {
        status: 'promised',
        amountPaid: 50_000,
        plan: {
          instalments: [
            { date: '2026-03-10', amount: 50_000 },
            { date: '2026-04-10', amount: 50_000 },
          ],
          paidBefore: 0,
          agreedAt: '2026-03-01T10:00:00Z',
        },
      },
      now,
    });
    // The standard policy announces it 3 days ahead: Tuesday 7 April (Easter Monday is the 6th).
    expect(onPlan('2026-03-11T08:00:00Z')).toMatchObject({ mode: 'promise', checkAt: '2026-04-07T07:00:00.000Z' });
    const p = onPlan('2026-04-07T07:00:00Z');
    // 11 April is a Saturday: Monday 13 at 09:00 Rome, summer time.
    expect(p).toMatchObject({ mode: 'promise', checkAt: '2026-04-13T07:00:00.000Z' });
    expect(p.reason).toContain('instalment 2 of 2');
  });
  it('checks a promise whose morning has already passed at once', () => {
    const p = plan({ inv: { status: 'promised', promise: { date: '2026-03-10', recordedAt: '2026-03-01T10:00:00Z' } }, now: '2026-03-20T10:00:00Z' });
    expect(p.checkAt).toBe('2026-03-20T10:00:00.000Z');
  });
  it('waits the tenant grace period after a payment claim, from the customer-local claim day', () => {
    const claimed = (at: string) => ({ status: 'payment_claimed' as const, paymentClaim: { at } });
    expect(plan({ inv: claimed('2026-03-02T15:00:00Z'), now: '2026-03-02T15:00:00Z' }).checkAt).toBe('2026-03-09T08:00:00.000Z');
    // 23:30Z on the 2nd is already the 3rd in Rome.
    expect(plan({ inv: claimed('2026-03-02T23:30:00Z'), now: '2026-03-02T23:30:00Z' }).checkAt).toBe('2026-03-10T08:00:00.000Z');
    const tenDays = planTimeline({
      invoice: invoice(claimed('2026-03-02T15:00:00Z')),
      customer: customer(),
      policy: BUILT_IN_POLICIES.standard,
      stagesDone: [],
      paymentClaimGraceDays: 10,
      now: new Date('2026-03-02T15:00:00Z'),
    });
    expect(tenDays).toMatchObject({ mode: 'promise', next: 'none', checkAt: '2026-03-12T08:00:00.000Z' });
    // Without the claim record, the status change (updatedAt) stands in for it.
    expect(plan({ inv: { status: 'payment_claimed', updatedAt: '2026-03-02T15:00:00Z' }, now: '2026-03-02T15:00:00Z' }).checkAt).toBe(
      '2026-03-09T08:00:00.000Z',
    );
  });
  it('resumes a pause with an end date on that date', () => {
    const p = plan({ inv: { status: 'paused', pause: { until: '2026-04-01', reason: 'holiday' } }, now: '2026-03-01T10:00:00Z' });
    expect(p).toMatchObject({ mode: 'promise', checkAt: '2026-04-01T07:00:00.000Z' });
  });
  it('waits for a person on an open-ended pause and on a dispute', () => {
    expect(plan({ inv: { status: 'paused', pause: { reason: 'x' } }, now: '2026-03-01T10:00:00Z' }).mode).toBe('closed');
    expect(plan({ inv: { status: 'disputed', dispute: { reason: 'goods', openedAt: '2026-03-01T10:00:00Z' } }, now: '2026-03-01T10:00:00Z' }).mode).toBe('closed');
  });
  it.each(['paid', 'escalated', 'written_off', 'not_chased'] as const)('closes a %s invoice', (status) => {
    expect(plan({ inv: { status }, now: '2026-03-01T10:00:00Z' })).toMatchObject({ mode: 'closed', next: 'none' });
  });
});

describe('invariants over arbitrary invoices, customers and arrival times', () => {
  const places = [
    { country: 'IT', timeZone: 'Europe/Rome' },
    { country: 'RO', timeZone: 'Europe/Bucharest' },
    { country: 'GB', timeZone: 'Europe/London' },
    { country: 'US', timeZone: 'America/New_York' },
    { country: 'DE', timeZone: 'Europe/Berlin' },
  ];
  it('acts only inside the window on business days, in order, never twice a day, never a hold first', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICY_IDS),
        fc.constantFrom(...places),
        fc.integer({ min: 0, max: 360 }),
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: -40, max: 120 }),
        fc.integer({ min: 0, max: 23 }),
        fc.subarray([1, 10, 15, 25, 31]),
        (policyId, place, dueOffset, terms, arrival, hour, paymentDays) => {
          const due = DateTime.fromISO('2026-01-01').plus({ days: dueOffset });
          const now = due.plus({ days: arrival, hours: hour }).toJSDate();
          const p = planTimeline({
            invoice: invoice({ issueDate: due.minus({ days: terms }).toISODate()!, dueDate: due.toISODate()! }),
            customer: customer({ ...place, paymentDays }),
            policy: BUILT_IN_POLICIES[policyId],
            stagesDone: [],
            now,
          });
          const times = STAGE_IDS.map((s) => Date.parse(p.at[s]));
          expect(times).toEqual([...times].sort((a, b) => a - b));
          const a = acting(p);
          if (a.length > 0) expect(['creditHold', 'escalation']).not.toContain(a[0]![0]);
          const days = new Set<string>();
          for (const [stage, iso] of a) {
            const local = DateTime.fromISO(iso, { zone: place.timeZone });
            expect(Date.parse(iso)).toBeGreaterThanOrEqual(now.getTime());
            expect(isBusinessDay(local.toISODate()!, place.country)).toBe(true);
            if (stage !== 'phoneCall') {
              const hhmm = local.toFormat('HH:mm');
              expect(hhmm >= '09:00' && hhmm < '18:00').toBe(true);
            }
            expect(days.has(local.toISODate()!)).toBe(false);
            days.add(local.toISODate()!);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('invariants when re-planning with an arbitrary history', () => {
  const written = (s: string) => (WRITTEN_STAGES as readonly string[]).includes(s) || s === 'brokenPromise' || s === 'instalmentMissed';
  it('never repeats, never crowds the last contact, keeps the gap off schedule, never holds credit before writing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICY_IDS),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: -20, max: 100 }),
        fc.integer({ min: 0, max: 23 }),
        fc.subarray([...STAGE_IDS, 'brokenPromise', 'instalmentMissed']),
        fc.option(fc.integer({ min: 1, max: 30 * 24 }), { nil: undefined }),
        (policyId, dueOffset, arrival, hour, doneStages, hoursSinceContact) => {
          const pol = BUILT_IN_POLICIES[policyId];
          const due = DateTime.fromISO('2026-01-01').plus({ days: dueOffset });
          const now = due.plus({ days: arrival, hours: hour }).toJSDate();
          const last = hoursSinceContact === undefined ? undefined : new Date(now.getTime() - hoursSinceContact * 3_600_000);
          const p = planTimeline({
            invoice: invoice({ issueDate: due.minus({ days: 30 }).toISODate()!, dueDate: due.toISODate()! }),
            customer: customer(),
            policy: pol,
            stagesDone: doneStages.map((stage) => ({ stage, at: (last ?? now).toISOString() })),
            ...(last ? { lastContactAt: last.toISOString() } : {}),
            now,
          });
          const a = acting(p);
          const times = STAGE_IDS.map((s) => Date.parse(p.at[s]));
          expect(times).toEqual([...times].sort((x, y) => x - y));
          expect(p.mode === 'timeline').toBe(a.length > 0);
          for (const [s, iso] of a) {
            expect(doneStages).not.toContain(s);
            expect(pol.stages[s]!.enabled).toBe(true);
            expect(Date.parse(iso)).toBeGreaterThanOrEqual(now.getTime());
          }
          if (a.length === 0) return;
          const day = (t: number) => DateTime.fromMillis(t, { zone: 'Europe/Rome' }).toISODate();
          const stamps = [...(last ? [last.getTime()] : []), ...a.map(([, iso]) => Date.parse(iso))];
          expect(new Set(stamps.map(day)).size).toBe(stamps.length);
          const gap = pol.minGapDays * 86_400_000;
          if (last) expect(Date.parse(a[0]![1]) - last.getTime()).toBeGreaterThanOrEqual(gap);
          if (p.reason.startsWith('backlog')) {
            for (let i = 1; i < a.length; i++) expect(Date.parse(a[i]![1]) - Date.parse(a[i - 1]![1])).toBeGreaterThanOrEqual(gap);
          }
          const firstHold = a.findIndex(([s]) => s === 'creditHold' || s === 'escalation');
          if (firstHold >= 0) expect(doneStages.some(written) || a.slice(0, firstHold).some(([s]) => written(s))).toBe(true);
          // Nothing before the last stage done comes back, except the one written reminder a hold needs.
          const lastDone = Math.max(-1, ...doneStages.filter((s): s is Stage => (STAGE_IDS as readonly string[]).includes(s)).map((s) => STAGE_IDS.indexOf(s)));
          const replayed = a.filter(([s]) => STAGE_IDS.indexOf(s) < lastDone).map(([s]) => s);
          expect(replayed.length).toBeLessThanOrEqual(1);
          if (replayed.length === 1) {
            expect(WRITTEN_STAGES).toContain(replayed[0]);
            expect(doneStages.some(written)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
