/**
 * The weekly ageing report end to end: the real handler module against DynamoDB Local and the
 * local SES v2 server, and the admin API's report route on the same table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { callApi, lambdaContext } from '../support/api-events.js';
import { clock, useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { documentClient, tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoReports } from '../../lambdas/adapters/dynamo-reports.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { testObservability } from '../support/observability.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { startSes } from '../../local/services/ses.js';

await useLocalTable();
const ses = await startSes();
const T = 'acme-report';
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  SENDER_EMAIL: 'crediti@officinerossi.example',
  TENANT_ID: T,
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
  EVENT_BUS_NAME: 'unused',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'ageing-report',
});
// Monday 9 March 2026, 08:00 in Rome.
const NOW = new Date('2026-03-09T07:00:00Z');
useClock({ now: () => NOW });

const { makeAgeingReportHandler } = await import('../../lambdas/handlers/ageing-report.js');
const table = tableFromEnv();
const handler = makeAgeingReportHandler({
  tenantId: T,
  tenants: new DynamoTenants(table),
  reports: new DynamoReports(table),
  mailer: new SesMailer(undefined, new SESv2Client({ endpoint: ses.endpoint, region: 'eu-south-1' })),
  sender: 'crediti@officinerossi.example',
  idempotencyStore: new DynamoDBPersistenceLayer({ tableName: table.name, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
  now: () => clock.now(),
  ...testObservability('ageing-report'),
});
const { handler: adminApi } = await import('../../lambdas/handlers/admin-api.js');
const store = dynamoRepositories();

// Every command the shared document client sends, to prove the report never scans.
const commands: string[] = [];
documentClient().middlewareStack.add(
  (next, context) => async (args) => {
    commands.push(String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'recordCommandNames' },
);

afterAll(async () => {
  useSystemClock();
  await ses.stop();
});

let seq = 0;
const invoice = (over: Partial<InvoiceInput>): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `R-${++seq}`,
    number: `2026/${seq}`,
    customerId: 'C-ALFA',
    issueDate: '2026-01-05',
    dueDate: '2026-02-04',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-05T08:00:00Z',
    updatedAt: '2026-01-05T08:00:00Z',
    ...over,
  });

beforeAll(async () => {
  await store.tenants.putTenant(
    supplier(T, { language: 'en', financeInboxes: ['amministrazione@officinerossi.example', 'cfo@officinerossi.example'] }),
  );
  const customer = (customerId: string, name: string, over: Record<string, unknown> = {}) =>
    store.customers.putCustomer(Customer.parse({ tenantId: T, customerId, name, country: 'IT', language: 'it', timeZone: 'Europe/Rome', ...over }));
  await customer('C-ALFA', 'Alfa Meccanica S.p.A.', { creditHold: { placedAt: '2026-03-06T09:00:00Z', invoiceId: 'R-1', reason: 'invoice 2026/1 unpaid 31 days' } });
  await customer('C-BETA', '=cmd|Beta');
  // Three of its last five invoices paid late: a habitual late payer under the standard policy's rule.
  const paid = (dueDate: string, settledOn: string, daysLate: number) => ({ dueDate, settledOn, daysLate, how: 'paid' });
  const history = { H1: paid('2025-06-30', '2025-07-15', 15), H2: paid('2025-07-31', '2025-07-31', 0), H3: paid('2025-08-31', '2025-09-08', 8), H4: paid('2025-09-30', '2025-10-20', 20) };
  await customer('C-RO', 'Gamma S.R.L.', { country: 'RO', language: 'ro', timeZone: 'Europe/Bucharest', paymentHistory: history });

  await store.invoices.putInvoice(invoice({ customerId: 'C-ALFA', amount: 100_000, amountPaid: 25_000, dueDate: '2026-02-06' })); // 31 days late
  await store.invoices.putInvoice(invoice({ customerId: 'C-BETA', amount: 40_000, dueDate: '2026-03-09', needsContact: true })); // due today
  await store.invoices.putInvoice(invoice({ customerId: 'C-RO', currency: 'RON', amount: 500_000, dueDate: '2025-11-01' })); // 128 days late
  const disputed = invoice({ customerId: 'C-BETA', amount: 7_000, dueDate: '2026-02-20', status: 'disputed', dispute: { reason: 'goods', text: '', openedAt: '2026-03-03T10:00:00Z' } });
  await store.invoices.putInvoice(disputed);
  // Paid: not in the open index, so not in the ageing; its payment this week is in the results.
  await store.invoices.putInvoice(invoice({ customerId: 'C-BETA', amount: 12_345, amountPaid: 12_345, status: 'paid' }));
  await store.reports.recordActivity([
    { kind: 'collected', tenantId: T, invoiceId: 'R-5', number: '2026/5', customerId: 'C-BETA', dueDate: '2026-02-04', currency: 'EUR', amount: 12_345, date: '2026-03-04', paymentId: 'p1', valueDate: '2026-03-03', afterStage: 'phoneCall', policy: 'standard' },
    { kind: 'issued', tenantId: T, invoiceId: 'R-1', number: '2026/1', customerId: 'C-ALFA', dueDate: '2026-02-06', currency: 'EUR', amount: 150_000, date: '2026-01-07' },
  ]);
  await store.doc.send(
    new PutCommand({ TableName: store.name, Item: { ...keys.callTask(T, '2026-03-06', 'C-RO', 'R-3'), entity: 'callTask', invoiceId: 'R-3' } }),
  );
});

describe('the scheduled report', () => {
  it('mails the finance inboxes the report with both CSV files, reading only through queries', async () => {
    commands.length = 0;
    const out = await handler({ scheduledTime: '2026-03-09T07:00:00Z' }, lambdaContext('ageing-report'));
    expect(out).toMatchObject({ outcome: 'sent', today: '2026-03-09', openInvoices: 4 });
    expect(commands).toContain('QueryCommand');
    expect(commands).not.toContain('ScanCommand');

    const mails = ses.messages().filter((m) => m.subject.includes('Receivables ageing'));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.destination.to).toEqual(['amministrazione@officinerossi.example', 'cfo@officinerossi.example']);
    expect(mail.subject).toBe('Receivables ageing on 09/03/2026: Officine Rossi S.r.l.');
    expect(mail.body.html).toContain('Alfa Meccanica S.p.A.');
    expect(mail.body.text).toContain('Customers on credit hold');
    // DSO: EUR receivables 75,000 + 40,000 + 7,000 = 122,000 over 150,000 of sales × 90 = 73.2 days.
    expect(mail.body.text).toMatch(/EUR\s+€1,220\.00\s+€1,500\.00\s+73\.2/);

    expect(mail.attachments.map((a) => a.filename)).toEqual(['ageing-2026-03-09-customers.csv', 'ageing-2026-03-09-invoices.csv']);
    const csv = (i: number) => parse(Buffer.from(mail.attachments[i]!.content, 'base64').toString('utf8'), { bom: true }) as string[][];
    const customers = csv(0);
    expect(customers.find((r) => r[0] === 'C-ALFA')).toEqual(['C-ALFA', 'Alfa Meccanica S.p.A.', 'EUR', '0.00', '0.00', '750.00', '0.00', '0.00', '750.00', '1', 'yes', 'no']);
    expect(customers.find((r) => r[0] === 'C-RO')!.slice(2, 9)).toEqual(['RON', '0.00', '0.00', '0.00', '0.00', '5000.00', '5000.00']);
    expect(customers.find((r) => r[0] === 'C-RO')!.at(-1)).toBe('yes');
    expect(customers.find((r) => r[0] === 'C-BETA')![1]).toBe("'=cmd|Beta");
    const invoices = csv(1);
    expect(invoices).toHaveLength(1 + 4);
    expect(invoices.find((r) => r[2] === '2026/2')!.slice(3, 8)).toEqual(['2026-03-09', '0', 'Not yet due', 'EUR', '400.00']);
  });

  it('does not mail the same scheduled run twice', async () => {
    const before = ses.messages().length;
    const again = await handler({ scheduledTime: '2026-03-09T07:00:00Z' }, lambdaContext('ageing-report'));
    expect(again).toMatchObject({ outcome: 'sent' });
    expect(ses.messages().length).toBe(before);
  });

  it('refuses an input it does not understand with the field', async () => {
    await expect(handler({ scheduledTime: 42 }, lambdaContext('ageing-report'))).rejects.toThrow(/scheduledTime/);
  });
});

describe('GET /v1/reports/ageing', () => {
  it('answers the same report as JSON', async () => {
    const res = await callApi(adminApi, { method: 'GET', path: '/v1/reports/ageing' });
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual([
      { currency: 'EUR', buckets: { not_due: 40_000, '1-30': 7_000, '31-60': 75_000, '61-90': 0, over_90: 0 }, total: 122_000, invoices: 3 },
      { currency: 'RON', buckets: { not_due: 0, '1-30': 0, '31-60': 0, '61-90': 0, over_90: 500_000 }, total: 500_000, invoices: 1 },
    ]);
    expect(res.body.results.byStage).toEqual([{ stage: 'phoneCall', currency: 'EUR', amount: 12_345, payments: 1 }]);
    expect(res.body.disputes.map((d: { number: string }) => d.number)).toEqual(['2026/4']);
    expect(res.body.callsDue.map((c: { invoiceId: string; day: string }) => [c.invoiceId, c.day])).toEqual([['R-3', '2026-03-06']]);
    expect(res.body.needsContact.map((n: { invoiceId: string }) => n.invoiceId)).toEqual(['R-2']);
    expect(res.body.creditHolds.map((h: { customerId: string }) => h.customerId)).toEqual(['C-ALFA']);
  });

  it('answers CSV with format=csv, in the language asked for', async () => {
    const res = await callApi(adminApi, { method: 'GET', path: '/v1/reports/ageing?format=csv&rows=invoices&lang=it' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('ageing-2026-03-09-invoices.csv');
    const rows = parse(res.body as string, { bom: true }) as string[][];
    expect(rows[0]![0]).toBe('Codice cliente');
    expect(rows).toHaveLength(5);
  });

  it('refuses an unknown format with the field named', async () => {
    const res = await callApi(adminApi, { method: 'GET', path: '/v1/reports/ageing?format=xlsx' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('format');
  });
});
