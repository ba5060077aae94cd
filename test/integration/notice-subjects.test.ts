/**
 * A name a customer supplied never adds a header line to an e-mail (issue 20, item 7): the internal
 * notices' subjects are cleaned where they are rendered, and SesMailer cleans every subject again
 * as the last defence. Sent through the production SesMailer to SES v2 local, read from its store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { supplier, invoiceOf } from '../support/fixtures.js';
import { silent } from '../support/timeline-deps.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { deliverInternalNotice } from '../../lambdas/app/messaging/internal-notices.js';
import { notifyFinance } from '../../lambdas/app/customer-answers/notify-finance.js';
import type { OpenedLink } from '../../lambdas/app/customer-answers/open-link.js';
import { agencyCaseMail, agencyDossierMail, noticeDigestMail, salesRepReleaseNotice, type RenderedNotice } from '../../lambdas/domain/messages/notices.js';
import { Customer, type ContactEvent } from '../../lambdas/domain/model.js';
import { renderReportEmail } from '../../lambdas/domain/reports/report-email.js';
import { buildAgeingReport } from '../../lambdas/domain/reports/report.js';
import { localCredentials } from '../../local/services/dynamodb.js';
import { startSes } from '../../local/services/ses.js';

const ses = await startSes();
Object.assign(process.env, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, AWS_REGION: 'eu-south-1', AWS_ACCESS_KEY_ID: localCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey });
afterAll(async () => {
  await ses.stop();
});

const HOSTILE = 'Acme\r\nBcc: x@evil.example';
const REP = 'rep@officinerossi.example';
const tenant = supplier('acme-subjects', { language: 'en' });
const mailer = new SesMailer();
const deps = { ...silent, mailer, sender: () => 'crediti@officinerossi.example', clock: { now: () => new Date('2026-03-04T09:00:00Z') } };

/** The one message SES received with this id. */
const received = (messageId: string) => {
  const got = ses.messages().find((m) => m.messageId === messageId);
  if (!got) throw new Error(`no message ${messageId}`);
  return got;
};
// eslint-disable-next-line no-control-regex
const oneLine = (s: string) => expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);

const deliver = async (notice: RenderedNotice) => {
  const out = await deliverInternalNotice(deps, { tenant, customerId: 'C-EVIL', customerName: HOSTILE, audience: 'salesRep', kind: 'creditHoldReleased', to: [REP], notice, tags: { tenant: tenant.tenantId } });
  if (out.outcome !== 'sent') throw new Error(`not sent: ${JSON.stringify(out)}`);
  return received(out.messageId);
};

describe('subjects of internal notices about a customer named "Acme\\r\\nBcc: x@evil.example"', () => {
  it('the sales rep release notice reaches SES with a one-line subject and no other recipient', async () => {
    const notice = salesRepReleaseNotice({ salesRep: 'Marco Neri', customer: HOSTILE, threshold: 30, financeEmail: tenant.email }, 'en');
    oneLine(notice.subject);
    const got = await deliver(notice);
    oneLine(got.subject);
    expect(got.subject).toContain('Acme Bcc: x@evil.example');
    expect(got.destination).toMatchObject({ to: [REP], cc: [], bcc: [] });
  });

  it('the agency mails and the digest are rendered with one-line subjects', () => {
    const delivery = { kind: 'link', url: 'https://example.com/d', until: '2026-03-10' } as const;
    const common = { supplier: 'Officine\nRossi', customer: HOSTILE, asOf: '2026-03-04', financeEmail: tenant.email, preserveRelationship: false, delivery };
    const notices = [
      agencyDossierMail({ ...common, number: '2026/1\r\n', dueDate: '2026-01-01', principal: '1', interest: '0', compensation: '40', total: '41' }, 'it'),
      agencyCaseMail({ ...common, numbers: ['2026/1', '2026/2'], claims: [] }, 'ro'),
      noticeDigestMail({ customer: HOSTILE, day: '2026-03-05', entries: [{ subject: 'x', text: 'y' }] }, 'en'),
    ];
    for (const n of notices) {
      oneLine(n.subject);
      expect(n.subject).toContain('Acme Bcc: x@evil.example');
    }
  });

  it("the finance team's notice of a customer's answer reaches SES with a one-line subject", async () => {
    const customer = Customer.parse({ tenantId: tenant.tenantId, customerId: 'C-EVIL', name: HOSTILE, country: 'IT', language: 'en', timeZone: 'Europe/Rome' });
    const invoice = invoiceOf({ tenantId: tenant.tenantId, invoiceId: 'I-EVIL', customerId: 'C-EVIL' });
    const link = { token: 't', claims: { tenantId: tenant.tenantId, invoiceId: 'I-EVIL', action: 'promise', expiresAt: 0, nonce: 'n', ref: 'r' }, tenant, customer, invoice } as unknown as OpenedLink;
    const logged: ContactEvent[] = [];
    await notifyFinance(
      { mailer: () => mailer, sender: deps.sender, now: deps.clock.now, logger: silent.logger, invoices: { appendEvent: async (e: ContactEvent) => void logged.push(e) } as never },
      link,
      { action: 'promise', input: { date: '2026-03-20' } },
      {},
    );
    expect(logged[0]).toMatchObject({ type: 'internal_notice', outcome: 'sent' });
    const got = received(logged[0]!.messageId!);
    oneLine(got.subject);
    expect(got.subject).toContain('Acme Bcc: x@evil.example');
    expect(got.destination.bcc).toEqual([]);
  });

  it("the ageing report's subject is one line whatever the tenant's name", () => {
    const r = buildAgeingReport({ tenant: { tenantId: 'acme', name: HOSTILE, timeZone: 'Europe/Rome', defaultPolicy: 'standard' }, now: new Date('2026-03-09T07:00:00Z'), open: [], customers: [], activity: [], calls: [], reorders: [] });
    oneLine(renderReportEmail(r, 'en').subject);
  });
});

describe('SesMailer, the last defence', () => {
  it('sends any subject as one line, whoever built it', async () => {
    const { messageId } = await mailer.send({ from: 'crediti@officinerossi.example', to: [REP], subject: `Reminder: ${HOSTILE}\u2028X-Extra: 1\u0000`, html: '<p>x</p>', text: 'x' });
    const got = received(messageId);
    expect(got.subject).toBe('Reminder: Acme Bcc: x@evil.example X-Extra: 1');
    expect(got.destination).toMatchObject({ to: [REP], bcc: [] });
  });
});
