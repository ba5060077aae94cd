/**
 * One voice per customer, the pure rules: the order of precedence of messages due the same day
 * (precedence.ts), who speaks and who is carried (customer-day.ts), and whether anybody ever reached
 * the customer (reach.ts).
 */
import { describe, expect, it } from 'vitest';
import { Customer, type ContactEvent, type Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { itemsDueToday, shareTheDay, type DayItem } from '../../lambdas/domain/timeline/customer-day.js';
import type { SiblingCase } from '../../lambdas/domain/timeline/consolidation.js';
import { firmestKind, precedenceOf, PRECEDENCE, type VoiceKind } from '../../lambdas/domain/timeline/precedence.js';
import { everReached, neverReached } from '../../lambdas/domain/timeline/reach.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { invoiceOf } from '../support/fixtures.js';

const customer = Customer.parse({
  tenantId: 't',
  customerId: 'C',
  name: 'Brighton Home Goods Ltd',
  country: 'GB',
  language: 'en',
  timeZone: 'Europe/London',
  email: 'payables@brighton.example',
});
// Wednesday 4 March 2026, 09:00 London: 30 days after a 2 February due date.
const now = new Date('2026-03-04T09:00:00Z');
const ctx = { customer, policy: BUILT_IN_POLICIES.standard, now };

let n = 0;
const invoice = (over: Partial<InvoiceInput> = {}) => invoiceOf({ tenantId: 't', invoiceId: `I-${String(++n).padStart(2, '0')}`, customerId: 'C', dueDate: '2026-02-02', ...over });
const item = (inv: Invoice, kind: VoiceKind, leads = ['escalation', 'creditHold', 'brokenPromise', 'instalmentMissed'].includes(kind)): DayItem => ({
  invoice: inv,
  kind,
  guardKey: kind,
  at: now.toISOString(),
  requiredStatus: inv.status,
  leads,
});
const sibling = (inv: Invoice, done: (Stage | string)[], events: ContactEvent[] = []): SiblingCase => ({
  invoice: inv,
  stagesDone: done.map((stage) => ({ stage: stage as Stage, at: '2026-02-20T08:00:00Z' })),
  events,
});

describe('the order of precedence of messages due the same day', () => {
  it('speaks in the words of the firmest: hand-off, final notice, broken promises, reminders, thanks last', () => {
    expect(firmestKind<VoiceKind>(['dueDate', 'creditHold', 'firstOverdue'])).toBe('creditHold');
    expect(firmestKind<VoiceKind>(['creditHold', 'escalation'])).toBe('escalation');
    expect(firmestKind<VoiceKind>(['thankYou', 'preDue'])).toBe('preDue');
    expect(firmestKind<VoiceKind>(['brokenPromise', 'secondOverdue'])).toBe('brokenPromise');
    // Every kind has its own rank, and the phone call is no message at all.
    expect(new Set(PRECEDENCE.map(precedenceOf)).size).toBe(PRECEDENCE.length);
    expect(precedenceOf('phoneCall')).toBeLessThan(precedenceOf('thankYou'));
  });
});

describe('who speaks for the customer today', () => {
  it('has a reminder give way to another invoice’s final notice, whose execution places the hold first', () => {
    const reminder = invoice({ dueDate: '2026-03-04' });
    const held = invoice();
    expect(shareTheDay({ invoice: reminder, kind: 'dueDate' }, [item(held, 'creditHold')], { mayGiveWay: true })).toEqual({ carries: [], givesWayTo: item(held, 'creditHold') });
  });

  it('has the final notice carry the day’s reminders and the other invoices reaching their hold', () => {
    const [a, b, c] = [invoice(), invoice(), invoice({ dueDate: '2026-03-04' })];
    const share = shareTheDay({ invoice: a, kind: 'creditHold' }, [item(b, 'creditHold'), item(c, 'dueDate')], { mayGiveWay: true });
    expect(share.givesWayTo).toBeUndefined();
    expect(share.carries.map((i) => i.invoice.invoiceId).sort()).toEqual([b.invoiceId, c.invoiceId].sort());
  });

  it('gives the same speaker whichever of two final notices asks first: the most overdue', () => {
    const older = invoice({ dueDate: '2026-01-30' });
    const newer = invoice({ dueDate: '2026-02-02' });
    const fromNewer = shareTheDay({ invoice: newer, kind: 'creditHold' }, [item(older, 'creditHold')], { mayGiveWay: true });
    const fromOlder = shareTheDay({ invoice: older, kind: 'creditHold' }, [item(newer, 'creditHold')], { mayGiveWay: true });
    // A final notice carries another: either carries the other, and the one carried then finds itself done.
    expect(fromNewer.carries.map((i) => i.invoice.invoiceId)).toEqual([older.invoiceId]);
    expect(fromOlder.carries.map((i) => i.invoice.invoiceId)).toEqual([newer.invoiceId]);
    // A broken promise is never carried: the firmer one among two waits for the most overdue.
    const a = shareTheDay({ invoice: newer, kind: 'brokenPromise' }, [item(older, 'brokenPromise')], { mayGiveWay: true });
    const b = shareTheDay({ invoice: older, kind: 'brokenPromise' }, [item(newer, 'brokenPromise')], { mayGiveWay: true });
    expect(a.givesWayTo?.invoice.invoiceId).toBe(older.invoiceId);
    expect(b).toEqual({ carries: [] });
  });

  it('never carries a broken promise into a reminder, and goes alone once it has given way today', () => {
    const reminder = invoice({ dueDate: '2026-03-04' });
    const broken = invoice({ status: 'promised' });
    expect(shareTheDay({ invoice: reminder, kind: 'dueDate' }, [item(broken, 'brokenPromise')], { mayGiveWay: false })).toEqual({ carries: [] });
  });
});

describe('what the customer’s other invoices have due today', () => {
  it('names the final notice of an invoice reaching its hold, and lets it join silently when the customer is on hold already', () => {
    const inv = invoice();
    const upToCall = sibling(inv, ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']);
    expect(itemsDueToday([upToCall], ctx).map((i) => [i.kind, i.guardKey, i.leads])).toEqual([['creditHold', 'creditHold#notice', true]]);
    const onHold = { ...ctx, customer: { ...customer, creditHold: { placedAt: '2026-03-03T09:00:00Z', invoiceId: 'I-00', reason: 'overdue' } } };
    expect(itemsDueToday([upToCall], onHold)).toEqual([]);
  });

  it('leaves a plan announcing its instalment today to its own execution, and names a missed one', () => {
    const onPlan = (first: string) =>
      invoice({
        status: 'promised',
        promise: { date: first, recordedAt: '2026-02-20T10:00:00Z', expectedPaid: 60_000 },
        plan: { agreedAt: '2026-02-20T10:00:00Z', paidBefore: 0, instalments: [{ date: first, amount: 60_000 }, { date: '2026-04-07', amount: 60_000 }] },
      });
    // Saturday 7 March: the standard preset announces it at 09:00 today, three days ahead; nothing is broken.
    const early = { ...ctx, now: new Date('2026-03-04T08:30:00Z') };
    expect(itemsDueToday([sibling(onPlan('2026-03-07'), [])], early)).toEqual([]);
    expect(itemsDueToday([sibling(onPlan('2026-03-07'), [])], ctx)).toEqual([]);
    // Tuesday 3 March, not paid: this morning it is a missed instalment, whose execution acts first.
    expect(itemsDueToday([sibling(onPlan('2026-03-03'), [])], ctx).map((i) => [i.kind, i.leads])).toEqual([['instalmentMissed', true]]);
  });

  it('thanks a paid invoice once, and speaks for no other customer', () => {
    const paid = invoice({ status: 'paid', amountPaid: 120_000 });
    expect(itemsDueToday([sibling(paid, [])], ctx).map((i) => i.kind)).toEqual(['thankYou']);
    expect(itemsDueToday([sibling(paid, ['thankYou'])], ctx)).toEqual([]);
    expect(itemsDueToday([sibling({ ...paid, customerId: 'OTHER' }, [])], ctx)).toEqual([]);
  });
});

describe('whether anybody reached the customer', () => {
  const at = '2026-02-02T09:00:00Z';
  const sent = (id: string): ContactEvent => ({ tenantId: 't', invoiceId: 'I', eventId: `m-${id}`, at, type: 'message', channel: 'email', actor: 'system', outcome: 'sent', messageId: id });
  const bounced = (id: string): ContactEvent => ({ tenantId: 't', invoiceId: 'I', eventId: `d-${id}`, at, type: 'delivery', channel: 'email', actor: 'ses', outcome: 'bounced', messageId: id });

  it('is never when every reminder came back and nobody answered, called or clicked', () => {
    const log = [sent('a'), bounced('a'), sent('b'), bounced('b')];
    expect(neverReached(log)).toBe(true);
    expect(everReached(log)).toBe(false);
  });

  it('is reached by one message that did not come back, or any sign of life', () => {
    expect(neverReached([sent('a'), bounced('a'), sent('b')])).toBe(false);
    const call: ContactEvent = { tenantId: 't', invoiceId: 'I', eventId: 'c', at, type: 'call_outcome', channel: 'phone', actor: 'finance' };
    expect(neverReached([sent('a'), bounced('a'), call])).toBe(false);
  });

  it('says nothing of a customer nobody tried yet', () => {
    expect(neverReached([])).toBe(false);
  });
});
