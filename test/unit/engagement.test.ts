import { describe, expect, it } from 'vitest';
import { canText, ignoredEmailsInARow, unheardEscalation } from '../../lambdas/domain/timeline/engagement.js';
import { Customer, Invoice, Tenant, type ContactEvent } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';

const ev = (at: string, type: ContactEvent['type'], channel: ContactEvent['channel'] = 'email', outcome: ContactEvent['outcome'] = 'sent'): ContactEvent => ({
  tenantId: 't',
  invoiceId: 'I',
  eventId: `${at}-${type}`,
  at,
  type,
  channel,
  actor: 'system',
  outcome,
});

describe('engagement', () => {
  it('counts the e-mails ignored in a row since the last sign of life', () => {
    expect(ignoredEmailsInARow([])).toBe(0);
    expect(ignoredEmailsInARow([ev('2026-03-01T08:00:00Z', 'message'), ev('2026-03-08T08:00:00Z', 'message')])).toBe(2);
    // An answer after the first resets the count; the failed send does not count.
    expect(
      ignoredEmailsInARow([
        ev('2026-03-01T08:00:00Z', 'message'),
        ev('2026-03-02T10:00:00Z', 'promise', 'link', 'recorded'),
        ev('2026-03-08T08:00:00Z', 'message'),
        ev('2026-03-09T08:00:00Z', 'message', 'email', 'failed'),
      ]),
    ).toBe(1);
    // A page of a link fetched (a mail gateway prefetching it) is no sign of life: the count goes on.
    expect(
      ignoredEmailsInARow([
        ev('2026-03-01T08:00:00Z', 'message'),
        ev('2026-03-01T08:00:05Z', 'link_view', 'link', 'recorded'),
        ev('2026-03-08T08:00:00Z', 'message'),
        ev('2026-03-08T08:00:05Z', 'link_click', 'link', 'recorded'),
      ]),
    ).toBe(2);
    // SMS do not count as e-mails; order comes from the instants, not the array.
    expect(ignoredEmailsInARow([ev('2026-03-08T08:00:00Z', 'message'), ev('2026-03-01T08:00:00Z', 'message'), ev('2026-03-05T08:00:00Z', 'message', 'sms')])).toBe(2);
  });

  const tenant = Tenant.parse({ tenantId: 't', name: 'S', email: 's@s.example', iban: 'IT60X0542811101000000123456', country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['f@s.example'] });
  const customer = Customer.parse({ tenantId: 't', customerId: 'C', name: 'C', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'c@c.example', phone: '+393470000001' });
  const invoice = Invoice.parse({ tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 1000, status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z' });
  const decide = (policy: keyof typeof BUILT_IN_POLICIES, ignoredEmails: number) =>
    decideReminder({ invoice, customer, tenant, policy: BUILT_IN_POLICIES[policy], kind: 'firstOverdue', now: new Date('2026-02-23T08:00:00Z'), ignoredEmails });

  it('adds an SMS to the next written stage after two ignored e-mails, when the policy texts at all', () => {
    expect(decide('standard', 1).sms).toBeUndefined(); // standard texts from the second overdue only
    expect(decide('standard', 2).sms).toEqual({ to: '+393470000001' });
    expect(decide('relationship', 5).sms).toBeUndefined(); // relationship never texts
  });

  it('after two ignored e-mails: an SMS where the customer can be texted, otherwise the call comes forward', () => {
    const mobile = { phone: '+393470000001', smsOptOut: false };
    expect(unheardEscalation(1, BUILT_IN_POLICIES.standard, mobile)).toBe('none');
    expect(unheardEscalation(2, BUILT_IN_POLICIES.standard, mobile)).toBe('addSms');
    expect(unheardEscalation(3, BUILT_IN_POLICIES.firm, mobile)).toBe('addSms');
    // The policy never texts, no number, or the number opted out.
    expect(unheardEscalation(2, BUILT_IN_POLICIES.relationship, mobile)).toBe('callForward');
    expect(unheardEscalation(2, BUILT_IN_POLICIES.standard, { smsOptOut: false })).toBe('callForward');
    expect(unheardEscalation(2, BUILT_IN_POLICIES.standard, { ...mobile, smsOptOut: true })).toBe('callForward');
    expect(canText(BUILT_IN_POLICIES.standard, mobile)).toBe(true);
    expect(canText({ smsPerWeek: 0 }, mobile)).toBe(false);
  });
});
