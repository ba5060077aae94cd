import { describe, expect, it } from 'vitest';
import { Closure, Customer, Invoice, Policy, type CustomerInput, type InvoiceInput } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { nextMoment, officeContext, openingOn, sendContext } from '../../lambdas/domain/timeline/calendar.js';
import { closureOn } from '../../lambdas/domain/timeline/closures.js';
import { channelVerdict } from '../../lambdas/domain/timeline/contact-limits.js';
import { localHolidays, regionProblem } from '../../lambdas/domain/timeline/local-holidays.js';
import { validateCompanyPolicy, asCompanyPolicy, compilePolicy } from '../../lambdas/domain/timeline/company-policy.js';

const standard = BUILT_IN_POLICIES.standard;

const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', ...over });

const invoice = (over: Partial<InvoiceInput>) =>
  Invoice.parse({
    tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16',
    currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z', ...over,
  });

const plan = (o: { due: string; issue?: string; now: string; cust?: Partial<CustomerInput>; policy?: Policy; company?: Closure[] }) =>
  planTimeline({
    invoice: invoice({ issueDate: o.issue ?? '2026-01-15', dueDate: o.due, createdAt: `${o.issue ?? '2026-01-15'}T09:00:00Z`, updatedAt: `${o.issue ?? '2026-01-15'}T09:00:00Z` }),
    customer: customer(o.cust),
    policy: o.policy ?? standard,
    stagesDone: [],
    ...(o.company ? { companyClosures: o.company } : {}),
    now: new Date(o.now),
  });

describe("a city's patron saint's day", () => {
  it('gives a Milan customer no reminder on Monday 7 December 2026: Sant\'Ambrogio, then the Immacolata, so Wednesday 9th', () => {
    const milan = plan({ due: '2026-12-07', issue: '2026-11-06', now: '2026-11-06T10:00:00Z', cust: { city: 'Milano' } });
    expect(milan.at.dueDate).toBe('2026-12-09T08:00:00.000Z');
    expect(milan.warnings).toBeUndefined();
    // The same invoice elsewhere in Italy is reminded on the day.
    expect(plan({ due: '2026-12-07', issue: '2026-11-06', now: '2026-11-06T10:00:00Z' }).at.dueDate).toBe('2026-12-07T08:00:00.000Z');
  });

  it('keeps a Rome customer (Roma or Rome) quiet on 29 June, Saints Peter and Paul', () => {
    for (const city of ['Roma', 'Rome']) {
      expect(plan({ due: '2026-06-29', issue: '2026-05-29', now: '2026-05-29T10:00:00Z', cust: { city } }).at.dueDate, city).toBe('2026-06-30T07:00:00.000Z');
    }
  });

  it('knows the patron days date-holidays does not: Genoa 24 June, Naples 19 September, Bologna 4 October', () => {
    const ctx = (city: string) => sendContext(customer({ city }), standard);
    expect(openingOn('2026-06-24', ctx('Genova')).toISOString()).toBe('2026-06-25T07:00:00.000Z');
    expect(openingOn('2025-09-19', ctx('Napoli')).toISOString()).toBe('2025-09-22T07:00:00.000Z'); // a Friday: to Monday
    expect(openingOn('2026-10-05', ctx('Bologna')).toISOString()).toBe('2026-10-05T07:00:00.000Z'); // 4 October 2026 is a Sunday
    expect(localHolidays({ country: 'IT', city: 'Bologna' }, 2027).has('2027-10-04')).toBe(true);
    // A city without a patron holiday on record changes nothing.
    expect(openingOn('2026-06-24', ctx('Lecco')).toISOString()).toBe('2026-06-24T07:00:00.000Z');
  });

  it('also keeps the customer\'s accounts office closed on it: no call either', () => {
    expect(openingOn('2026-12-07', officeContext(customer({ city: 'Milano' }))).toISOString()).toBe('2026-12-09T08:00:00.000Z');
  });
});

describe("a region's holidays (date-holidays' own states)", () => {
  const bavarian = (region?: string) => sendContext(customer({ country: 'DE', timeZone: 'Europe/Berlin', language: 'en', ...(region ? { region } : {}) }), standard);

  it('keeps a Bavarian customer quiet on Epiphany, not a German national holiday', () => {
    expect(openingOn('2026-01-06', bavarian('BY')).toISOString()).toBe('2026-01-07T08:00:00.000Z');
    expect(openingOn('2026-01-06', bavarian()).toISOString()).toBe('2026-01-06T08:00:00.000Z');
  });

  it('refuses a region date-holidays does not know for the country, naming those it does', () => {
    expect(regionProblem('DE', 'BY')).toBeUndefined();
    expect(regionProblem('IT', 'LM')).toMatch(/25 Lombardy/);
    expect(regionProblem('IT', 'BY')).toMatch(/not a region of IT/);
    expect(() => openingOn('2026-01-06', bavarian('XX'))).toThrow(/region "XX": not a region of DE/);
  });
});

describe('closures', () => {
  const august: Closure = { from: '08-08', to: '08-23', label: 'August break' };

  it('holds a recurring closure every year and one across the new year on both sides of it', () => {
    const winter: Closure = { from: '12-24', to: '01-06' };
    expect(closureOn('2026-08-08', [august])).toEqual(august);
    expect(closureOn('2031-08-23', [august])).toEqual(august);
    expect(closureOn('2026-08-24', [august])).toBeUndefined();
    expect(closureOn('2026-12-31', [winter])).toEqual(winter);
    expect(closureOn('2027-01-06', [winter])).toEqual(winter);
    expect(closureOn('2027-01-07', [winter])).toBeUndefined();
    expect(closureOn('2026-12-23', [winter])).toBeUndefined();
    expect(closureOn('2026-06-15', [winter])).toBeUndefined();
    expect(closureOn('2026-10-02', [{ from: '2026-10-01', to: '2026-10-02' }])).toBeDefined();
    expect(closureOn('2027-10-02', [{ from: '2026-10-01', to: '2026-10-02' }])).toBeUndefined();
  });

  it("moves a stage in the company's August break to the first open day after it, at the window's opening", () => {
    // Due Monday 10 August 2026; the break ends Sunday 23rd.
    const p = plan({ due: '2026-08-10', issue: '2026-07-10', now: '2026-07-10T10:00:00Z', company: [august] });
    expect(p.at.preDue).toBe('2026-08-03T07:00:00.000Z');
    expect(p.at.dueDate).toBe('2026-08-24T07:00:00.000Z');
    // Its +7 reminder also fell in the break: the day after, never two on one day.
    expect(p.at.firstOverdue).toBe('2026-08-25T07:00:00.000Z');
  });

  it("moves a stage in the customer's own closure across the new year to 7 January", () => {
    const p = plan({ due: '2026-12-28', issue: '2026-11-27', now: '2026-11-27T10:00:00Z', cust: { closures: [{ from: '12-24', to: '01-06', label: 'Natale' }] } });
    expect(p.at.preDue).toBe('2026-12-21T08:00:00.000Z');
    expect(p.at.dueDate).toBe('2027-01-07T08:00:00.000Z');
  });

  it('closes the accounts office too: no call in a company closure', () => {
    expect(nextMoment(new Date('2026-08-12T08:00:00Z'), officeContext(customer(), [august])).toISOString()).toBe('2026-08-24T07:00:00.000Z');
  });

  it('is refused when its two ends are not of one kind, not real days, or a one-off ends before it starts', () => {
    expect(Closure.safeParse({ from: '08-08', to: '2026-08-23' }).success).toBe(false);
    expect(Closure.safeParse({ from: '02-30', to: '03-02' }).success).toBe(false);
    expect(Closure.safeParse({ from: '02-29', to: '03-02' }).success).toBe(true);
    expect(Closure.safeParse({ from: '2026-08-10', to: '2026-08-01' }).success).toBe(false);
  });
});

describe("a customer's send window and the policy's quiet days", () => {
  it('sends from 14:00 Rome, 13:00Z in winter, where the customer wants 14:00-17:00', () => {
    const p = plan({ due: '2026-12-10', issue: '2026-11-10', now: '2026-11-10T10:00:00Z', cust: { sendWindow: { from: '14:00', to: '17:00' } } });
    expect(p.at.dueDate).toBe('2026-12-10T13:00:00.000Z');
    // After 17:00 Rome (16:00Z) it waits for the next day's 14:00.
    expect(nextMoment(new Date('2026-12-10T16:30:00Z'), sendContext(customer({ sendWindow: { from: '14:00', to: '17:00' } }), standard)).toISOString()).toBe('2026-12-11T13:00:00.000Z');
    expect(Customer.safeParse({ ...customer(), sendWindow: { from: '17:00', to: '14:00' } }).success).toBe(false);
  });

  it('moves a stage off a quiet Monday to Tuesday, and leaves the office hours for calls alone', () => {
    const quietMondays = { ...standard, quietDays: [1] };
    const p = plan({ due: '2026-03-09', issue: '2026-02-06', now: '2026-02-06T10:00:00Z', policy: quietMondays });
    expect(p.at.preDue).toBe('2026-03-03T08:00:00.000Z'); // Monday 2 March -> Tuesday
    expect(p.at.dueDate).toBe('2026-03-10T08:00:00.000Z');
    expect(openingOn('2026-03-09', officeContext(customer())).toISOString()).toBe('2026-03-09T08:00:00.000Z');
  });

  it('is refused, with its path, when the quiet days cover every weekday; kept through compile and back', () => {
    const base = asCompanyPolicy(standard, 'quiet', 'Quiet');
    const refused = validateCompanyPolicy({ ...base, quietDays: [1, 2, 3, 4, 5] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problems).toContainEqual({ path: 'quietDays', message: expect.stringMatching(/every weekday/) });
    const ok = validateCompanyPolicy({ ...base, quietDays: [5, 6, 7] });
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(compilePolicy(ok.policy, 1).quietDays).toEqual([5, 6, 7]);
      expect(asCompanyPolicy(compilePolicy(ok.policy, 1), 'quiet', 'Quiet').quietDays).toEqual([5, 6, 7]);
    }
    expect(standard.quietDays).toEqual([]);
  });
});

describe('past the holiday table', () => {
  it('plans a 2046 due date on weekdays, with a warning, instead of failing', () => {
    // Christmas 2046 is a Tuesday: not known as a holiday past 2045, so the reminder comes that day.
    const p = plan({ due: '2046-12-25', issue: '2046-11-20', now: '2046-11-21T10:00:00Z' });
    expect(p.mode).toBe('timeline');
    expect(p.at.preDue).toBe('2046-12-18T08:00:00.000Z');
    expect(p.at.dueDate).toBe('2046-12-25T08:00:00.000Z');
    expect(p.warnings).toEqual([expect.stringMatching(/known until 2045: 2046, 2047 planned on weekdays/)]);
  });
});

describe('the send guard reads the same calendar as the planner', () => {
  it("defers an e-mail due in the company's closure, or on the customer's patron day, to the moment the planner chose", () => {
    const august: Closure = { from: '08-08', to: '08-23' };
    const planned = plan({ due: '2026-08-10', issue: '2026-07-10', now: '2026-07-10T10:00:00Z', company: [august] });
    const inBreak = channelVerdict({ channel: 'email', recent: [], policy: standard, customer: customer(), companyClosures: [august], now: new Date('2026-08-10T07:00:00Z') });
    expect(inBreak).toEqual({ allowed: false, notBefore: new Date(planned.at.dueDate), reason: 'outside the send window' });
    const milan = channelVerdict({ channel: 'sms', recent: [], policy: standard, customer: customer({ city: 'Milano' }), now: new Date('2026-12-07T09:00:00Z') });
    expect(milan).toMatchObject({ allowed: false, notBefore: new Date('2026-12-09T08:00:00.000Z') });
    // Inside the customer's own 14:00-17:00 window, on an open day: it goes.
    expect(channelVerdict({ channel: 'email', recent: [], policy: standard, customer: customer({ sendWindow: { from: '14:00', to: '17:00' } }), now: new Date('2026-12-10T13:30:00Z') })).toEqual({ allowed: true });
  });
});
