/**
 * A company's own policy, walked (issue 17): statemachines/dunning.asl.json run by
 * aws-local-stepfunctions with every Task served by the real handler module, against DynamoDB
 * Local, SES v2 local, the SMS sink and the EventBridge sink. The invoice is chased under the
 * standard preset; on its due date the company uploads config/policies.json with its own
 * four-step policy and assigns it to the customer in its directory. The run in progress is
 * superseded, the new run is planned from the next stage under the new policy (the pre-due
 * reminder already sent is not sent again) and records the version it was planned with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import { supplier } from '../support/fixtures.js';
import { testObservability } from '../support/observability.js';
import type { RunningSes } from '../../local/services/ses.js';
import type { RunningSmsSink } from '../../local/services/sms-sink.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import type { SourceFile } from '../../lambdas/domain/parsers/read-file.js';

polyfillWithResolvers();
await useLocalTable();
const T = 'policy-walk';
let now = new Date('2026-01-15T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
let ses: RunningSes;
let sms: RunningSmsSink;
let events: TaskServices['events'];
const table = tableFromEnv();
const store = dynamoRepositories(table);

const customer = Customer.parse({
  tenantId: T, customerId: 'C-ZETA', name: 'Zeta Arredi S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome',
  email: 'amministrazione@zeta.example', phone: '+393470000011',
});
const inv = Invoice.parse({
  tenantId: T, invoiceId: 'ZET-1', number: '2026/ZET-1', customerId: 'C-ZETA', issueDate: '2026-01-15', dueDate: '2026-02-16',
  currency: 'EUR', amount: 245_000, status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z',
});

/** The company's own four steps: the due date, a firm reminder 3 days after, one with SMS at 8, the hold at 20. */
const WORDING = {
  it: {
    subject: 'Zeta, la fattura {{invoiceNumber}} di {{amountDue}} attende ancora',
    body: [
      'La nostra fattura {{invoiceNumber}} del {{issueDate}}, di {{amountDue}}, era in scadenza il {{dueDate}}.',
      'Vi chiediamo di pagarla oggi sul conto {{iban}}, indicando {{paymentReference}}.',
    ],
  },
};
const POLICIES = {
  policies: [{
    id: 'zeta-four-step',
    name: 'Quattro passi',
    tone: 'standard',
    minGapDays: 3,
    smsPerWeek: 2,
    stages: {
      dueDate: { offsetDays: 0 },
      firstOverdue: { offsetDays: 3, tone: 'firm' },
      secondOverdue: { offsetDays: 8, channels: ['email', 'sms'] },
      creditHold: { offsetDays: 20 },
    },
  }],
};

const file = (key: string, text: string): SourceFile => {
  const bytes = Buffer.from(text);
  return { key, size: bytes.byteLength, body: (async function* () { yield bytes; })() };
};
const ingestDeps = (): IngestFileDeps => ({
  tenants: store.tenants,
  invoiceWriter: () => new DynamoInvoiceWriter(table),
  customerDirectory: () => new DynamoCustomerDirectory(table),
  now: () => now,
  count: testObservability('policy-walk').count,
  creditNotes: { commands: new DynamoCommands(undefined, table), bankCredits: store.bankCredits },
  policies: { policies: store.policies, restarts: store.restarts },
  wording: store.wording,
});

beforeAll(async () => {
  ({ ses, sms, events } = await startTaskServices({ tenantId: T, name: 'policy-walk', now: () => now }));
  await store.tenants.putTenant(supplier(T, { language: 'it' }));
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(inv);
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop()]);
});

const walk = (run: number, before: Record<string, (n: number) => Promise<void>> = {}) =>
  walkDunning({ input: { tenantId: T, invoiceId: inv.invoiceId, revision: 1, run }, handlers, clock: { get: () => now, set: (d) => (now = d) }, before });

const view = async () => (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
const sentEmails = async () =>
  (await view()).events.filter((e) => e.type === 'message' && e.channel === 'email' && e.outcome === 'sent').map((e) => `${e.stage} ${e.at.slice(0, 10)}`);

describe("a company's own policy, uploaded and assigned while an invoice is chased", () => {
  let first: string[];
  let second: string[];
  beforeAll(async () => {
    first = await walk(0, {
      // On the due date, before its reminder goes: the company's policies and its directory arrive.
      SendDueDate: async (n) => {
        if (n > 0) return;
        const policies = await ingestFile(ingestDeps(), file('config/policies.json', JSON.stringify(POLICIES)), { tenantId: T });
        expect(policies.report.errors).toEqual([]);
        const wording = await ingestFile(ingestDeps(), file('config/templates/secondOverdue.standard.json', JSON.stringify(WORDING)), { tenantId: T });
        expect(wording.report.errors).toEqual([]);
        const directory = await ingestFile(ingestDeps(), file('customers/directory.csv', `customer id,name,email,policy\nC-ZETA,Zeta Arredi S.r.l.,${customer.email},zeta-four-step\n`), { tenantId: T });
        expect(directory.report.errors).toEqual([]);
      },
    });
    second = await walk(1, {
      // Paid after the second overdue reminder: the walk ends before the hold.
      PlaceCreditHold: async () => {
        await store.invoices.putInvoice({ ...(await store.invoices.getInvoice(T, inv.invoiceId))!, status: 'paid', amountPaid: inv.amount });
      },
    });
  }, 120_000);

  it('supersedes the run in progress: it sends nothing more under the old policy', async () => {
    expect(first).not.toContain('SendFirstOverdue');
    expect((await view()).invoice.run).toBe(1);
    expect(await sentEmails()).toContain('preDue 2026-02-09');
  });

  it('plans the new run from the next stage under the company policy, and records the version', async () => {
    expect(second).toEqual(expect.arrayContaining(['SendDueDate', 'SendFirstOverdue', 'SendSecondOverdue']));
    // The standard preset would have written on 9 Feb, 16 Feb, 23 Feb and 2 Mar; the company's: due date, +3, +8.
    expect(await sentEmails()).toEqual(['preDue 2026-02-09', 'dueDate 2026-02-16', 'firstOverdue 2026-02-19', 'secondOverdue 2026-02-24']);
    expect((await view()).invoice.policy).toEqual({ id: 'zeta-four-step', version: 1 });
  });

  it('sends by the channels, in the tones and with the wording of the company', async () => {
    // firstOverdue also texts because two e-mails went unanswered; secondOverdue because the policy says so.
    expect(sms.messages().filter((m) => m.to === customer.phone).map((m) => m.context?.stage)).toEqual(['firstOverdue', 'secondOverdue']);
    const subjects = ses.messages().filter((m) => m.destination.to.includes(customer.email!)).map((m) => m.subject);
    expect(subjects).toHaveLength(4);
    // firstOverdue in the stage's own firm tone; secondOverdue in the company's own words.
    expect(subjects[2]).toBe('Fattura 2026/ZET-1 scaduta da 3 giorni: sollecito');
    expect(subjects[3]).toMatch(/^Zeta, la fattura 2026\/ZET-1 di .*2\.450,00.* attende ancora$/);
  });
});
