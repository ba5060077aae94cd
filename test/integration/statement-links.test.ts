/**
 * Answer links per statement line (issue 20, item 7): the real send path (send-stage-reminder,
 * the one voice gate, the link signer of adapters/message-links.ts) against DynamoDB Local and
 * SES v2 local. A customer with three invoices due the same day gets one statement, and each of
 * its lines carries its own links (paid, promise, dispute, plan), signed for that line's invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { parseLinkSecret } from '../../lambdas/adapters/link-key.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { TimelinePorts } from '../../lambdas/app/timeline/ports.js';
import { verifyLink } from '../../lambdas/domain/messages/links.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import en from '../../templates/en.json' with { type: 'json' };

await useLocalTable();
const T = 'statement-links';
const LINK_SECRET = 'statement-links-test-secret-0123456789abcdef';
const now = new Date('2026-03-02T09:00:00Z');
useClock({ now: () => now });

let ses: RunningSes;
let store: DynamoRepositories;
let deps: TimelinePorts;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'amministrazione@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'en',
  financeInboxes: ['finance@officinerossi.example'],
});
const customer = Customer.parse({ tenantId: T, customerId: 'C-LINES', name: 'Brighton Fabrication Ltd', country: 'GB', language: 'en', timeZone: 'Europe/London', email: 'ap@lines.example' });
const invoices = [1, 2, 3].map((n) =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `C-LINES-INV-${n}`,
    number: `BF-LINES-${n}`,
    customerId: customer.customerId,
    issueDate: '2026-01-30',
    dueDate: '2026-03-02',
    currency: 'GBP',
    amount: 10_000 * n,
    status: 'open',
    createdAt: '2026-01-30T09:00:00Z',
    updatedAt: '2026-01-30T09:00:00Z',
  }),
);

beforeAll(async () => {
  ses = await startSes();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'statement-links',
    PUBLIC_BASE_URL: 'https://pay.officinerossi.example',
    LINK_SECRET,
  });
  deps = timelineDeps();
  store = dynamoRepositories();
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer);
  for (const inv of invoices) {
    await store.invoices.putInvoice(inv);
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, inv.invoiceId, 'preDue'), entity: 'stageDone', stage: 'preDue', at: '2026-02-23T09:00:00Z', revision: 1, run: 0 } }));
  }
});
afterAll(async () => {
  useSystemClock();
  await ses?.stop();
});

describe('a statement of three invoices', () => {
  it('renders three sets of answer links, each verifying to its own invoice, in the HTML and the text', async () => {
    const lead = invoices[0]!;
    const out = await sendStageReminder(deps, {
      tenantId: T,
      invoiceId: lead.invoiceId,
      revision: lead.revision,
      run: lead.run,
      stage: 'dueDate',
      plan: planTimeline({ invoice: lead, customer, policy: policyFor(customer, tenant), stagesDone: [], now }),
    });
    expect(out.outcome).toBe('sent');
    const mails = ses.messages().filter((m) => m.destination.to.includes(customer.email!));
    expect(mails).toHaveLength(1);
    const { html = '', text = '' } = mails[0]!.body;
    const ring = parseLinkSecret(LINK_SECRET);
    const claimsOf = (url: string) => verifyLink(url.slice(url.indexOf('/c/') + 3), ring, now);
    const idOf = new Map(invoices.map((i) => [i.number, i.invoiceId]));

    // HTML: each row's links, named with the row's invoice number.
    const rowLinks = [...html.matchAll(/<a class='link' href='([^']+)' aria-label='([^':]+): Invoice number ([^']+)'/g)];
    const sets = new Map<string, string[]>();
    for (const [, url, , number] of rowLinks) {
      const claims = claimsOf(url!.replace(/&amp;/g, '&'));
      expect(claims.invoiceId, number).toBe(idOf.get(number!));
      sets.set(number!, [...(sets.get(number!) ?? []), claims.action]);
    }
    expect(Object.fromEntries(sets)).toEqual(Object.fromEntries(invoices.map((i) => [i.number, ['paid', 'promise', 'dispute', 'plan']])));

    // Text: under each line, its invoice's links.
    for (const inv of invoices) {
      const block = text.slice(text.indexOf(`- ${inv.number} |`)).split(/\n(?!  )/)[0]!;
      const urls = [...block.matchAll(/^ {2}[^:\n]+: (https:\/\/\S+)$/gm)].map((x) => x[1]!);
      expect(urls.map((u) => claimsOf(u).action), inv.number).toEqual(['paid', 'promise', 'dispute', 'plan']);
      for (const u of urls) expect(claimsOf(u).invoiceId, inv.number).toBe(inv.invoiceId);
    }
    expect(text).toContain(`${en.labels.links.contact}: https://pay.officinerossi.example/c/`);
  });
});
