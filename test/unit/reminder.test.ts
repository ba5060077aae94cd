import { describe, expect, it } from 'vitest';
import { Customer, Invoice, Tenant, type CustomerInput, type PolicyId } from '../../lambdas/domain/model.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { daysLate, decideReminder, guardKeyFor, type ReminderKind } from '../../lambdas/domain/messages/reminder.js';

const tenant = Tenant.parse({
  tenantId: 't1',
  name: 'Officine Rossi S.r.l.',
  email: 'amministrazione@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['finance@officinerossi.example'],
});

const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({
    tenantId: 't1',
    customerId: 'C-1',
    name: 'Cliente S.p.A.',
    country: 'IT',
    language: 'it',
    timeZone: 'Europe/Rome',
    email: 'ap@cliente.example',
    phone: '+393470000001',
    ...over,
  });

const invoice = Invoice.parse({
  tenantId: 't1',
  invoiceId: 'INV-1',
  number: '2026/0001',
  customerId: 'C-1',
  issueDate: '2026-01-15',
  dueDate: '2026-02-16',
  currency: 'EUR',
  amount: 245_000,
  amountPaid: 45_000,
  status: 'open',
  createdAt: '2026-01-15T09:00:00Z',
  updatedAt: '2026-01-15T09:00:00Z',
});

const decide = (policy: PolicyId, kind: ReminderKind, over: Partial<CustomerInput> = {}, now = new Date('2026-03-20T09:00:00Z')) => {
  const c = customer({ policy, ...over });
  return decideReminder({ invoice, customer: c, tenant, policy: policyFor(c, tenant), kind, now });
};

describe('decideReminder: channels', () => {
  it('writes to a relationship customer by e-mail only, on every stage', () => {
    for (const stage of ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'creditHold'] as const) {
      const d = decide('relationship', stage);
      expect(d.email, stage).toEqual({ to: 'ap@cliente.example' });
      expect(d.sms, stage).toBeUndefined();
      expect(d.unreachable, stage).toEqual([]);
    }
  });

  it('texts a firm customer from the due date on, never before', () => {
    expect(decide('firm', 'preDue').sms).toBeUndefined();
    expect(decide('firm', 'dueDate').sms).toEqual({ to: '+393470000001' });
    expect(decide('firm', 'dueDate').email).toEqual({ to: 'ap@cliente.example' });
  });

  it('follows the policy stage by stage for SMS', () => {
    for (const policy of ['relationship', 'standard', 'firm'] as const) {
      const rules = policyFor(customer({ policy }), tenant).stages;
      for (const stage of ['receiptCheck', 'preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'creditHold', 'escalation'] as const) {
        expect(decide(policy, stage).sms !== undefined, `${policy} ${stage}`).toBe(rules[stage]?.sms === true);
      }
    }
  });

  it('does not text a customer who opted out, or who has no number, and says why', () => {
    const optedOut = decide('firm', 'dueDate', { smsOptOut: true });
    expect(optedOut.sms).toBeUndefined();
    expect(optedOut.unreachable).toEqual([{ channel: 'sms', reason: 'opted out of SMS' }]);
    const noPhone = decide('firm', 'dueDate', { phone: undefined });
    expect(noPhone.sms).toBeUndefined();
    expect(noPhone.unreachable).toEqual([{ channel: 'sms', reason: 'no mobile number' }]);
  });

  it('does not e-mail an address that bounced or complained, or a customer without one', () => {
    const bounced = decide('firm', 'dueDate', { emailStatus: 'bounced' });
    expect(bounced.email).toBeUndefined();
    expect(bounced.sms).toEqual({ to: '+393470000001' });
    expect(bounced.unreachable).toEqual([{ channel: 'email', reason: 'e-mail address bounced' }]);
    expect(decide('standard', 'dueDate', { emailStatus: 'complained' }).email).toBeUndefined();
    expect(decide('standard', 'dueDate', { email: undefined }).unreachable).toEqual([{ channel: 'email', reason: 'no e-mail address' }]);
  });

  it('sends one-off messages by e-mail only', () => {
    for (const kind of ['brokenPromise', 'thankYou', 'instalmentMissed'] as const) {
      expect(decide('firm', kind).sms, kind).toBeUndefined();
      expect(decide('firm', kind).email, kind).toBeDefined();
    }
  });

  it('speaks with the policy tone in the customer language', () => {
    const d = decide('firm', 'dueDate', { language: 'ro' });
    expect(d.tone).toBe(policyFor(customer({ policy: 'firm' }), tenant).tone);
    expect(d.language).toBe('ro');
  });
});

describe('decideReminder: amounts', () => {
  it('shows what is still due, net of payments', () => {
    expect(decide('standard', 'dueDate').line.amountDue).toBe(200_000);
  });

  it('adds interest to date and the 40 EUR compensation on the firm messages when the policy shows them', () => {
    const hold = decide('standard', 'creditHold');
    expect(hold.line.daysLate).toBe(32);
    expect(hold.line.interest).toBeGreaterThan(0);
    expect(hold.line.compensation).toBe(4_000);
    expect(decide('standard', 'secondOverdue').line.interest).toBeGreaterThan(0);
  });

  it('keeps the friendly stages free of interest', () => {
    for (const kind of ['preDue', 'dueDate', 'firstOverdue', 'thankYou'] as const) {
      expect(decide('standard', kind).line.interest, kind).toBeUndefined();
    }
  });

  it('shows no interest and no compensation when the policy claims neither', () => {
    const c = customer({ policy: 'standard' });
    const policy = { ...policyFor(c, tenant), showInterest: false, showCompensation: false };
    const d = decideReminder({ invoice, customer: c, tenant, policy, kind: 'creditHold', now: new Date('2026-03-20T09:00:00Z') });
    expect(d.line.interest).toBeUndefined();
    expect(d.line.compensation).toBeUndefined();
  });

  it('claims the compensation without the interest when a policy waives only the interest', () => {
    const c = customer({ policy: 'standard' });
    const policy = { ...policyFor(c, tenant), showInterest: false };
    const d = decideReminder({ invoice, customer: c, tenant, policy, kind: 'creditHold', now: new Date('2026-03-20T09:00:00Z') });
    expect(d.line.interest).toBeUndefined();
    expect(d.line.compensation).toBe(4_000);
  });

  it('counts interest on the part paid late up to its payment day (hand-checked, 2026-H1 at 10.15%)', () => {
    // 2,450.00 due 2026-02-16; 450.00 paid 2026-03-02 (14 days late); 2,000.00 still due on 2026-03-20 (32 days).
    // (45 000 × 10 150 × 14 + 200 000 × 10 150 × 32) / 36 500 000 = 71 354 500 000 / 36 500 000 = 1954.9… → 1955.
    const c = customer({ policy: 'standard' });
    const payments = [{ amount: 45_000, currency: 'EUR', date: '2026-03-02' }];
    const d = decideReminder({ invoice, customer: c, tenant, policy: policyFor(c, tenant), kind: 'creditHold', now: new Date('2026-03-20T09:00:00Z'), payments });
    expect(d.line.interest).toBe(1955);
    // Without the payment's date only the unpaid rest runs: 64 960 000 000 / 36 500 000 = 1779.7… → 1780.
    expect(decide('standard', 'creditHold').line.interest).toBe(1780);
  });

  it('shows no interest before the due date', () => {
    const d = decide('standard', 'creditHold', {}, new Date('2026-02-10T09:00:00Z'));
    expect(d.line.daysLate).toBe(0);
    expect(d.line.interest).toBeUndefined();
  });
});

describe('daysLate', () => {
  it('counts calendar days in the customer time zone', () => {
    // 23:30 UTC on 1 March is already 2 March in Rome.
    expect(daysLate('2026-02-28', new Date('2026-03-01T23:30:00Z'), 'Europe/Rome')).toBe(2);
    expect(daysLate('2026-02-28', new Date('2026-03-01T23:30:00Z'), 'America/New_York')).toBe(1);
    expect(daysLate('2026-03-10', new Date('2026-03-01T12:00:00Z'), 'Europe/Rome')).toBe(0);
  });

  it('is not thrown off by a DST change', () => {
    // Rome moves to summer time on 29 March 2026.
    expect(daysLate('2026-03-28', new Date('2026-03-30T08:00:00Z'), 'Europe/Rome')).toBe(2);
  });
});

describe('guardKeyFor', () => {
  it('keys a stage by its id and a one-off message by its occasion', () => {
    expect(guardKeyFor('dueDate')).toBe('dueDate');
    expect(guardKeyFor('thankYou')).toBe('thankYou');
    expect(guardKeyFor('brokenPromise', '2026-02-02')).toBe('brokenPromise#2026-02-02');
    expect(guardKeyFor('instalmentMissed', '2026-04-10')).toBe('instalmentMissed#2026-04-10');
    expect(guardKeyFor('creditHoldNotice')).not.toBe(guardKeyFor('creditHold'));
    expect(() => guardKeyFor('brokenPromise')).toThrow(/occasion/);
  });
});
