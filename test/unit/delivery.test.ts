import { describe, expect, it } from 'vitest';
import { emailProblem, isOptOut, parseInboundSms, parseSesEvent, parseSmsStatus, smsOptOut } from '../../lambdas/domain/messages/delivery.js';
import { Customer } from '../../lambdas/domain/model.js';

const NOW = new Date('2026-03-10T09:00:00Z');
const ctx = { actor: 'system', now: NOW, timeZone: 'UTC' };
const mail = { timestamp: '2026-03-10T08:58:00Z', messageId: 'm-1', destination: ['ap@cliente.example'], tags: { tenant: ['acme'], invoice: ['INV-1'], stage: ['dueDate'] } };
const customer = Customer.parse({ tenantId: 'acme', customerId: 'C-1', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'AP@cliente.example', phone: '+393471234567' });

describe('SES events', () => {
  it('reads our tags back and keys each provider event stably', () => {
    const detail = { eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail', bouncedRecipients: [{ emailAddress: 'ap@cliente.example' }], timestamp: '2026-03-10T08:59:00Z', feedbackId: 'fb-1' } };
    const f = parseSesEvent(detail, NOW)!;
    expect(f).toMatchObject({ outcome: 'bounced', permanent: true, reason: 'Permanent/NoEmail', tags: { tenant: 'acme', invoice: 'INV-1', stage: 'dueDate' }, recipients: ['ap@cliente.example'] });
    expect(parseSesEvent(detail, new Date())!.eventKey).toBe(f.eventKey);
    expect(parseSesEvent({ ...detail, bounce: { ...detail.bounce, feedbackId: 'fb-2' } }, NOW)!.eventKey).not.toBe(f.eventKey);
  });

  it('ignores what changes nothing, and what is not an SES record', () => {
    expect(parseSesEvent({ eventType: 'Send', mail }, NOW)).toBeUndefined();
    expect(parseSesEvent({ eventType: 'Open', mail }, NOW)).toBeUndefined();
    expect(parseSesEvent({ eventType: 'Bounce' }, NOW)).toBeUndefined();
    expect(parseSesEvent('nonsense', NOW)).toBeUndefined();
  });

  it('a hard bounce or complaint of the customer address stops e-mail; a soft one, or someone else, does not', () => {
    const bounced = parseSesEvent({ eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'ap@cliente.example' }] } }, NOW)!;
    expect(emailProblem(customer, bounced, ctx)?.customer).toMatchObject({ emailStatus: 'bounced', version: 1 });
    expect(emailProblem({ ...customer, emailStatus: 'bounced' }, bounced, ctx)).toBeUndefined();
    const soft = parseSesEvent({ eventType: 'Bounce', mail, bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'ap@cliente.example' }] } }, NOW)!;
    expect(soft.outcome).toBe('failed');
    expect(emailProblem(customer, soft, ctx)).toBeUndefined();
    const elsewhere = parseSesEvent({ eventType: 'Complaint', mail, complaint: { complainedRecipients: [{ emailAddress: 'finance@supplier.example' }] } }, NOW)!;
    expect(emailProblem(customer, elsewhere, ctx)).toBeUndefined();
    const complaint = parseSesEvent({ eventType: 'Complaint', mail, complaint: { complainedRecipients: [{ emailAddress: 'ap@cliente.example' }] } }, NOW)!;
    expect(emailProblem(customer, complaint, ctx)?.customer.emailStatus).toBe('complained');
  });
});

describe('SMS', () => {
  const status = (s: string, extra: Record<string, unknown> = {}) => ({ eventType: `TEXT_${s}`, messageId: 'sms-1', messageStatus: s, isFinal: true, eventTimestamp: 1773133200000, context: { tenant: 'acme', invoice: 'INV-1' }, ...extra });

  it('maps the provider statuses; intermediate ones are not recorded', () => {
    expect(parseSmsStatus(status('DELIVERED'), NOW)).toMatchObject({ outcome: 'delivered', tags: { tenant: 'acme', invoice: 'INV-1' }, at: '2026-03-10T09:00:00.000Z' });
    expect(parseSmsStatus(status('SUCCESSFUL'), NOW)?.outcome).toBe('sent');
    expect(parseSmsStatus(status('BLOCKED'), NOW)).toMatchObject({ outcome: 'failed', invalidNumber: false });
    expect(parseSmsStatus(status('INVALID'), NOW)).toMatchObject({ outcome: 'failed', invalidNumber: true });
    expect(parseSmsStatus(status('PENDING'), NOW)).toBeUndefined();
    expect(parseSmsStatus(status('CARRIER_UNREACHABLE', { isFinal: false }), NOW)).toBeUndefined();
  });

  it('STOP and its synonyms opt out, whatever the case; other words do not', () => {
    for (const body of ['STOP', 'stop', ' Stop.', 'UNSUBSCRIBE', 'annulla', 'STOP please']) expect(isOptOut(body), body).toBe(true);
    for (const body of ['Non stop', 'Ho pagato', '']) expect(isOptOut(body), body).toBe(false);
    expect(parseInboundSms({ originationNumber: '+393471234567', destinationNumber: '+390000000000', messageBody: 'Stop', previousPublishedMessageId: 'sms-1' })).toMatchObject({ optOut: true, inReplyTo: 'sms-1' });
  });

  it('opts out only the customer whose number it is', () => {
    expect(smsOptOut(customer, '+393471234567', ctx)?.customer.smsOptOut).toBe(true);
    expect(smsOptOut(customer, '+393339999999', ctx)).toBeUndefined();
    expect(smsOptOut({ ...customer, smsOptOut: true }, '+393471234567', ctx)).toBeUndefined();
  });
});
