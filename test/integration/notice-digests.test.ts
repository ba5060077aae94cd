/**
 * Internal notices are digests, against DynamoDB Local and SES v2 local: the first notice of a
 * kind about a customer leaves at once, later ones that day wait for the next morning's digest
 * (one mailbox run per digest), which lists them in one e-mail, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { silent } from '../support/timeline-deps.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { deliverInternalNotice, type InternalNotice } from '../../lambdas/app/messaging/internal-notices.js';
import type { Mailbox } from '../../lambdas/app/messaging/mailbox-runs.js';
import { sendNoticeDigest } from '../../lambdas/app/messaging/send-notice-digest.js';
import { startSes } from '../../local/services/ses.js';
import { SendingRateExceededError, TransientError } from '../../lambdas/app/task-errors.js';

await useLocalTable();
const ses = await startSes();
process.env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
const store = dynamoRepositories();
const T = 'acme-digests';
const tenant = supplier(T, { language: 'en' });
const REP = 'rep@officinerossi.example';

let now = new Date('2026-03-04T09:00:00Z');
const started: { name: string; input: Record<string, unknown> }[] = [];
const deps = {
  ...silent,
  mailer: new SesMailer(),
  sender: () => 'crediti@officinerossi.example',
  clock: { now: () => now },
  digests: store.digests,
  workflow: {
    start: async (name: string, input: Record<string, unknown>) => {
      started.push({ name, input });
      return { executionArn: name, alreadyStarted: false };
    },
  },
  tenants: store.tenants,
};
const notice = (subject: string): InternalNotice => ({
  tenant,
  customerId: 'C-1',
  customerName: 'Alfa S.p.A.',
  audience: 'salesRep',
  kind: 'creditHoldReleased',
  to: [REP],
  notice: { subject, text: `${subject}: the details`, html: `<p>${subject}</p>` },
  tags: { tenant: T },
});
const toRep = () => ses.messages().filter((m) => m.destination.to.includes(REP));

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
});
afterAll(async () => {
  await ses.stop();
});

describe('internal notices, one a day per customer and kind', () => {
  it('sends the first at once and keeps the later ones of the day for one digest run', async () => {
    expect(await deliverInternalNotice(deps, notice('Credit restored'))).toMatchObject({ outcome: 'sent' });
    now = new Date('2026-03-04T11:00:00Z');
    expect(await deliverInternalNotice(deps, notice('Credit restored again'))).toEqual({ outcome: 'digest', day: '2026-03-05' });
    now = new Date('2026-03-04T15:00:00Z');
    expect(await deliverInternalNotice(deps, notice('Credit restored a third time'))).toEqual({ outcome: 'digest', day: '2026-03-05' });
    // Another kind about the same customer is a notice of its own.
    expect(await deliverInternalNotice(deps, { ...notice('Credit suspended'), kind: 'creditHold' })).toMatchObject({ outcome: 'sent' });
    expect(toRep()).toHaveLength(2);
    expect(started).toHaveLength(1);
    // Thursday 5 March, 08:30 in Rome.
    expect(started[0]!.input.mailbox).toMatchObject({ kind: 'digest', sendAt: '2026-03-05T07:30:00.000Z', day: '2026-03-05', notice: 'creditHoldReleased' });
  });

  it('delivers the digest the next morning, listing them, once', async () => {
    now = new Date('2026-03-05T07:30:00Z');
    const m = started[0]!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    expect(await sendNoticeDigest(deps, T, m)).toMatchObject({ done: true });
    const digest = toRep().at(-1)!;
    expect(digest.subject).toBe('Alfa S.p.A.: later notices of 2026-03-05 (2)');
    expect(digest.body.text).toContain('Credit restored again: the details');
    expect(digest.body.text).toContain('Credit restored a third time: the details');
    expect(await sendNoticeDigest(deps, T, m)).toMatchObject({ done: true });
    expect(toRep()).toHaveLength(3);
    // The digest was that day's notice of its kind: a later one waits for the next.
    now = new Date('2026-03-05T10:00:00Z');
    expect(await deliverInternalNotice(deps, notice('Credit restored on Thursday'))).toEqual({ outcome: 'digest', day: '2026-03-06' });
  });

  it('lets a digest wait another day when a notice of its kind left that morning before it', async () => {
    now = new Date('2026-03-06T06:00:00Z');
    expect(await deliverInternalNotice(deps, { ...notice('Early'), customerId: 'C-2', customerName: 'Beta' })).toMatchObject({ outcome: 'sent' });
    const m = started.at(-1)!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    expect(m.day).toBe('2026-03-06');
    now = new Date('2026-03-06T07:30:00Z');
    const c2 = { ...m, customerId: 'C-2', customerName: 'Beta' };
    await store.digests.add({ tenantId: T, customerId: 'C-2', audience: 'salesRep', kind: 'creditHoldReleased', day: '2026-03-06' }, [REP], { at: now.toISOString(), subject: 'Late', text: 'late' });
    expect(await sendNoticeDigest(deps, T, c2)).toMatchObject({ done: false, sendAt: '2026-03-09T07:30:00.000Z' });
  });

  it('sends a digest whose e-mail did not leave on the retry, not never', async () => {
    now = new Date('2026-03-10T09:00:00Z');
    const c3 = { ...notice('First'), customerId: 'C-3', customerName: 'Gamma' };
    await deliverInternalNotice(deps, c3);
    expect(await deliverInternalNotice(deps, { ...c3, notice: { ...c3.notice, subject: 'Second', text: 'Second: kept' } })).toEqual({ outcome: 'digest', day: '2026-03-11' });
    const m = started.at(-1)!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    now = new Date('2026-03-11T07:30:00Z');
    const down = { ...deps, mailer: { deadlineMs: 5_000, send: async () => Promise.reject(new TransientError('SES throttled')) } };
    await expect(sendNoticeDigest(down, T, m)).rejects.toThrow(TransientError);
    expect(await sendNoticeDigest(deps, T, m)).toMatchObject({ done: true });
    expect(toRep().filter((x) => x.subject.startsWith('Gamma: '))).toHaveLength(1);
  });

  it('waits for a later moment when SES refuses it for the sending rate on the Task’s last attempt, then sends it once', async () => {
    now = new Date('2026-03-12T09:00:00Z');
    const c4 = { ...notice('First'), customerId: 'C-4', customerName: 'Delta' };
    await deliverInternalNotice(deps, c4);
    await deliverInternalNotice(deps, { ...c4, notice: { ...c4.notice, subject: 'Second', text: 'Second: kept' } });
    const m = started.at(-1)!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    now = new Date('2026-03-13T07:30:00Z');
    const refused = new SendingRateExceededError('SES SendEmail: TooManyRequestsException (Maximum sending rate exceeded.)', { daily: false });
    const throttled = { ...deps, mailer: { deadlineMs: 5_000, send: async () => Promise.reject(refused) } };
    // A retry is still to come: the error goes to it.
    await expect(sendNoticeDigest(throttled, T, m)).rejects.toBe(refused);
    const later = await sendNoticeDigest(throttled, T, m, true);
    expect(later.done).toBe(false);
    expect(Date.parse(later.sendAt) - now.getTime()).toBeGreaterThanOrEqual(60_000);
    expect(later.sendAt.slice(0, 10)).toBe('2026-03-13');
    now = new Date(later.sendAt);
    expect(await sendNoticeDigest(deps, T, { ...m, sendAt: later.sendAt })).toMatchObject({ done: true });
    expect(toRep().filter((x) => x.subject.startsWith('Delta: '))).toHaveLength(1);
  });

  it('keeps a first notice SES refuses for the sending rate for a digest a few minutes on, which takes the day and sends it once', async () => {
    now = new Date('2026-03-16T08:15:00Z'); // Monday 09:15 in Rome, the reminders' busy morning
    const refused = new SendingRateExceededError('SES SendEmail: TooManyRequestsException (Maximum sending rate exceeded.)', { daily: false });
    const throttled = { ...deps, mailer: { deadlineMs: 5_000, send: async () => Promise.reject(refused) } };
    const c5 = { ...notice('Customer answered'), customerId: 'C-5', customerName: 'Epsilon' };
    expect(await deliverInternalNotice(throttled, c5)).toEqual({ outcome: 'digest', day: '2026-03-16' });
    const m = started.at(-1)!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    expect(m).toMatchObject({ kind: 'digest', day: '2026-03-16', customerId: 'C-5' });
    const wait = Date.parse(m.sendAt) - now.getTime();
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThanOrEqual(11 * 60_000);
    // At its moment the digest takes the day the refused notice gave back, and leaves once.
    now = new Date(m.sendAt);
    expect(await sendNoticeDigest(deps, T, m)).toMatchObject({ done: true });
    const sent = toRep().filter((x) => x.subject.startsWith('Epsilon: '));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain('Customer answered: the details');
    // That was the day's notice of its kind: the next one waits for tomorrow's digest.
    expect(await deliverInternalNotice(deps, { ...c5, notice: { ...c5.notice, subject: 'Again' } })).toEqual({ outcome: 'digest', day: '2026-03-17' });
  });

  it('keeps a later notice of the day for the next morning while the refused one waits its few minutes', async () => {
    now = new Date('2026-03-18T08:15:00Z');
    const refused = new SendingRateExceededError('SES SendEmail: TooManyRequestsException (Maximum sending rate exceeded.)', { daily: false });
    const throttled = { ...deps, mailer: { deadlineMs: 5_000, send: async () => Promise.reject(refused) } };
    const c8 = { ...notice('First answer'), customerId: 'C-8', customerName: 'Theta' };
    expect(await deliverInternalNotice(throttled, c8)).toEqual({ outcome: 'digest', day: '2026-03-18' });
    const waiting = started.at(-1)!.input.mailbox as Extract<Mailbox, { kind: 'digest' }>;
    // SES has room again a minute on: a second notice does not take the day the first gave back.
    now = new Date('2026-03-18T08:16:00Z');
    expect(await deliverInternalNotice(deps, { ...c8, notice: { ...c8.notice, subject: 'Second answer' } })).toEqual({ outcome: 'digest', day: '2026-03-19' });
    now = new Date(waiting.sendAt);
    expect(await sendNoticeDigest(deps, T, waiting)).toMatchObject({ done: true });
    const theta = toRep().filter((x) => x.subject.startsWith('Theta: '));
    expect(theta).toHaveLength(1);
    expect(theta[0]!.body.text).toContain('First answer: the details');
    expect(theta[0]!.body.text).not.toContain('Second answer');
  });

  it('keeps a notice refused for the rate at the end of the window, or for the spent daily quota, for the next business morning', async () => {
    const refused = (daily: boolean) => ({ ...deps, mailer: { deadlineMs: 5_000, send: async () => Promise.reject(new SendingRateExceededError('refused', { daily })) } });
    now = new Date('2026-03-20T16:59:30Z'); // Friday 17:59:30 in Rome: no minute of the window left
    expect(await deliverInternalNotice(refused(false), { ...notice('Late Friday'), customerId: 'C-6', customerName: 'Zeta' })).toEqual({ outcome: 'digest', day: '2026-03-23' });
    expect(started.at(-1)!.input.mailbox).toMatchObject({ customerId: 'C-6', day: '2026-03-23', sendAt: '2026-03-23T07:30:00.000Z' });
    now = new Date('2026-03-20T09:00:00Z');
    expect(await deliverInternalNotice(refused(true), { ...notice('Quota spent'), customerId: 'C-7', customerName: 'Eta' })).toEqual({ outcome: 'digest', day: '2026-03-23' });
    expect(started.at(-1)!.input.mailbox).toMatchObject({ customerId: 'C-7', day: '2026-03-23', sendAt: '2026-03-23T07:30:00.000Z' });
  });
});
