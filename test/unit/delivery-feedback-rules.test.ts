import { describe, expect, it } from 'vitest';
import type { EmailFeedback, SmsStatusFeedback } from '../../lambdas/domain/messages/delivery.js';
import { customerEmailIn, customerPhoneFailing, emailOutcomeMetric, emailProblemReason, invoiceTagged, smsTracedUntil, stopsTheAddress } from '../../lambdas/domain/messages/feedback-rules.js';
import { invoicesChanged, streamFailure, FAILED_STATE } from '../../lambdas/domain/timeline/stream-failure.js';

const email = (over: Partial<EmailFeedback>): EmailFeedback => ({ channel: 'email', eventKey: 'k', at: '2026-03-10T09:00:00Z', messageId: 'm', tags: {}, recipients: ['AP@Client.example'], outcome: 'bounced', permanent: true, ...over });
const sms = (over: Partial<SmsStatusFeedback>): SmsStatusFeedback => ({ channel: 'sms', eventKey: 'k', at: '2026-03-10T09:00:00Z', messageId: 'm', tags: {}, outcome: 'failed', status: 'INVALID', invalidNumber: true, ...over });

describe('delivery feedback rules', () => {
  it('only our own tagged invoices count', () => {
    expect([invoiceTagged({ tenant: 'acme', invoice: 'I-1' }, 'acme'), invoiceTagged({ tenant: 'other', invoice: 'I-1' }, 'acme'), invoiceTagged({ tenant: 'acme' }, 'acme')]).toEqual(['I-1', undefined, undefined]);
  });
  it('a complaint or a hard bounce stops the address; a soft bounce does not', () => {
    expect([stopsTheAddress(email({})), stopsTheAddress(email({ permanent: false })), stopsTheAddress(email({ outcome: 'complained', permanent: false }))]).toEqual([true, false, true]);
  });
  it("only the customer's own address, in any case", () => {
    expect(customerEmailIn({ email: 'ap@client.example' }, email({}))).toBe('ap@client.example');
    expect(customerEmailIn({ email: 'finance@us.example' }, email({}))).toBeUndefined();
    expect(customerEmailIn(undefined, email({}))).toBeUndefined();
  });
  it("an invalid number counts when it is the customer's", () => {
    expect(customerPhoneFailing({ phone: '+39347' }, sms({ to: '+39347' }))).toBe('+39347');
    expect(customerPhoneFailing({ phone: '+39347' }, sms({}))).toBe('+39347');
    expect(customerPhoneFailing({ phone: '+39347' }, sms({ to: '+39000' }))).toBeUndefined();
    expect(customerPhoneFailing({ phone: '+39347' }, sms({ invalidNumber: false }))).toBeUndefined();
  });
  it('names the reason, the metric and how long an SMS is traced', () => {
    expect(emailProblemReason(email({ reason: 'General' }))).toBe('hard bounce (General)');
    expect(emailProblemReason(email({ outcome: 'complained' }))).toBe('complaint');
    expect(emailOutcomeMetric('delivered')).toBe('EmailDelivered');
    expect(smsTracedUntil(new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });
});

describe('stream failures', () => {
  it('each invoice of a batch once, at its last record; other items are left', () => {
    const inv = (id: string) => ({ entity: 'invoice', tenantId: 't', invoiceId: id });
    expect(invoicesChanged([{ sequenceNumber: '1', newImage: inv('A') }, { sequenceNumber: '2', newImage: { entity: 'task' } }, { sequenceNumber: '3', oldImage: inv('A') }, { sequenceNumber: '4', newImage: inv('B') }])).toEqual([
      { tenantId: 't', invoiceId: 'A', sequenceNumber: '3' },
      { tenantId: 't', invoiceId: 'B', sequenceNumber: '4' },
    ]);
  });
  it('one log entry per record', () => {
    const { failure, event } = streamFailure({ tenantId: 't', invoiceId: 'A', sequenceNumber: '3' }, 'RetryAttemptsExhausted', '2026-03-10T09:00:00Z');
    expect(failure).toMatchObject({ state: FAILED_STATE, error: 'RetryAttemptsExhausted' });
    expect(event).toMatchObject({ eventId: 'stream-3', type: 'failure', details: { sequenceNumber: '3' } });
  });
});
