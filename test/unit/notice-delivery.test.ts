/**
 * noticeDelivery (domain/timeline/reach.ts): whether the notice a credit hold or a hand-off rests
 * on left, read off its log entries. Pure.
 */
import { describe, expect, it } from 'vitest';
import { noticeDelivery } from '../../lambdas/domain/timeline/reach.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import type { ContactEvent } from '../../lambdas/domain/model.js';

const KEY = 'creditHold#notice';
const entry = (channel: 'email' | 'sms', outcome: ContactEvent['outcome'], details: Record<string, unknown> = {}, guardKey = KEY): ContactEvent =>
  contactEvent({ tenantId: 't', invoiceId: 'I-1', at: '2026-03-18T08:00:00Z', type: 'message', channel, actor: 'system', stage: 'creditHold', outcome, details: { guardKey, ...details } });

describe('noticeDelivery', () => {
  it('left: sent on any channel, even beside a failed one', () => {
    expect(noticeDelivery([entry('email', 'failed', { error: 'MessageRejected' }), entry('sms', 'sent')], KEY)).toEqual({ left: true });
  });

  it('may have left, so counts as left: pending (a crash mid-send), or failed with an unknown outcome', () => {
    expect(noticeDelivery([entry('email', 'pending')], KEY).left).toBe(true);
    expect(noticeDelivery([entry('email', 'failed', { error: 'Sollecito.SendOutcomeUnknown' })], KEY).left).toBe(true);
  });

  it('did not leave: every channel refused it or found no way, and says what the provider said', () => {
    expect(noticeDelivery([entry('email', 'failed', { error: 'MessageRejected' }), entry('sms', 'skipped', { reason: 'no mobile number' })], KEY)).toEqual({ left: false, why: 'email failed: MessageRejected' });
    expect(noticeDelivery([entry('email', 'skipped', { reason: 'address bounced' })], KEY)).toEqual({ left: false, why: 'email skipped: address bounced' });
  });

  it("reads only its own guard key's entries; with none it says nothing against the notice", () => {
    expect(noticeDelivery([entry('email', 'failed', { error: 'MessageRejected' }, 'secondOverdue')], KEY)).toEqual({ left: true });
    expect(noticeDelivery([], KEY)).toEqual({ left: true });
  });
});
