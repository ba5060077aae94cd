import { describe, expect, it } from 'vitest';
import { channelVerdict, rememberContacts, type RecentContact } from '../../lambdas/domain/timeline/contact-limits.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';

const customer = { timeZone: 'Europe/Rome', country: 'IT' };
const standard = BUILT_IN_POLICIES.standard; // 3 e-mails and 1 SMS a week, gap 5 days
const email = (at: string): RecentContact => ({ at, channel: 'email' });
const sms = (at: string): RecentContact => ({ at, channel: 'sms' });
const verdict = (channel: 'email' | 'sms', recent: RecentContact[], now: string, policy = standard) =>
  channelVerdict({ channel, recent, policy, customer, now: new Date(now) });

describe('contact limits', () => {
  it('allows a contact inside the window with nothing recent', () => {
    expect(verdict('email', [], '2026-03-09T08:00:00Z')).toEqual({ allowed: true });
  });

  it('keeps the minimum gap between two contacts on the same channel, to the next send moment', () => {
    const v = verdict('email', [email('2026-03-09T08:00:00Z')], '2026-03-11T08:00:00Z');
    // 9 March + 5 days = Saturday 14: Monday 16 at 09:00 Rome.
    expect(v).toMatchObject({ allowed: false, notBefore: new Date('2026-03-16T08:00:00Z') });
    expect(v.allowed || v.reason).toMatch(/gap 5 days/);
    // Another channel is not held by it.
    expect(verdict('sms', [email('2026-03-09T08:00:00Z')], '2026-03-11T08:00:00Z')).toEqual({ allowed: true });
  });

  it('caps the week: the fourth e-mail waits until the first of the three is a week old', () => {
    const firm = BUILT_IN_POLICIES.firm; // 3 a week, gap 3
    const recent = [email('2026-03-03T08:00:00Z'), email('2026-03-05T08:00:00Z'), email('2026-03-08T08:00:00Z')];
    const v = verdict('email', recent, '2026-03-09T09:00:00Z', firm);
    expect(v).toMatchObject({ allowed: false });
    // 3 March + 7 days frees the week on 10 March; 8 March + 3 days of gap is 11 March: the later floor wins.
    expect(!v.allowed && 'notBefore' in v && v.notBefore.toISOString()).toBe('2026-03-11T08:00:00.000Z');
    expect(v.allowed || v.reason).toMatch(/3 e-mails in the last 7 days \(limit 3\)/);
  });

  it('sends no SMS outside 09:00-19:00 local time or on a holiday, and at most one a week on standard', () => {
    expect(verdict('sms', [], '2026-03-09T18:30:00Z')).toMatchObject({ allowed: false, notBefore: new Date('2026-03-10T08:00:00Z') });
    expect(verdict('sms', [], '2026-04-06T09:00:00Z')).toMatchObject({ allowed: false, notBefore: new Date('2026-04-07T07:00:00Z') });
    expect(verdict('sms', [sms('2026-03-03T09:00:00Z')], '2026-03-09T09:00:00Z')).toMatchObject({ allowed: false, notBefore: new Date('2026-03-10T09:00:00Z') });
  });

  it('says "never" when the policy sends nothing on the channel', () => {
    expect(verdict('sms', [], '2026-03-09T09:00:00Z', BUILT_IN_POLICIES.relationship)).toMatchObject({ allowed: false, never: true });
  });

  it('remembers two weeks of contacts, in order', () => {
    const kept = rememberContacts([email('2026-02-01T08:00:00Z'), email('2026-03-05T08:00:00Z')], [sms('2026-03-09T08:00:00Z')], new Date('2026-03-09T08:00:00Z'));
    expect(kept).toEqual([email('2026-03-05T08:00:00Z'), sms('2026-03-09T08:00:00Z')]);
  });
});
