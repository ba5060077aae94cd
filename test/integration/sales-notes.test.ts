/**
 * Issue 20, items 1 and 3, through the admin API on DynamoDB Local: every limit is the model's, so
 * nothing is accepted that cannot be read back; sales notes are items of their own, capped, so the
 * customer item stays small; a damaged record costs the tenant's report one row, not the report.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callApi, type ApiRequest } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { customerToItem } from '../../lambdas/adapters/dynamo/items.js';
import { Customer, Invoice, LIMITS, Tenant } from '../../lambdas/domain/model.js';

await useLocalTable();
const T = 'acme-notes';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });
const workflow = await startStandInWorkflow('arn:aws:states:eu-south-1:000000000000:stateMachine:notes-test', NOW);
Object.assign(process.env, { TENANT_ID: T, ...workflow.env, EVENT_BUS_NAME: 'sollecito-test', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_LAMBDA_FUNCTION_NAME: 'admin-api' });
const logger = new Logger({ serviceName: 'admin-api', logLevel: 'SILENT' });
const warnings = vi.spyOn(logger, 'warn');
const handler = adminApiHandler(T, { logger });
const api = <R = any>(req: ApiRequest) => callApi<R>(handler, req);
const store = dynamoRepositories();

afterAll(async () => {
  useSystemClock();
  await workflow.stop();
});

await store.tenants.putTenant(
  Tenant.parse({ tenantId: T, name: 'Officine Rossi S.r.l.', email: 'crediti@officinerossi.example', iban: 'IT60X0542811101000000123456', country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['amministrazione@officinerossi.example'] }),
);
const customer = (id: string) => Customer.parse({ tenantId: T, customerId: id, name: `Customer ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` });
const invoice = (id: string, customerId: string) =>
  Invoice.parse({ tenantId: T, invoiceId: id, number: id, customerId, issueDate: '2026-01-10', dueDate: '2026-02-09', currency: 'EUR', amount: 120_000, status: 'open', createdAt: '2026-01-10T08:00:00Z', updatedAt: '2026-01-10T08:00:00Z' });
const rawCustomer = async (id: string) => (await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.customer(T, id) }))).Item!;

describe('sales notes (issue 20, items 1 and 3)', () => {
  it('refuses a note longer than the model keeps, naming the field, and leaves the customer readable', async () => {
    await store.customers.putCustomer(customer('C-LONG'));
    const res = await api({ method: 'POST', path: '/v1/customers/C-LONG/notes', body: { text: 'x'.repeat(LIMITS.salesNote + 500) } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
    expect((await api({ method: 'GET', path: '/v1/customers/C-LONG' })).status).toBe(200);
  });

  it('keeps each note as an item of its own, once per text, and the customer item holds their ids only', async () => {
    await store.customers.putCustomer(customer('C-NOTES'));
    const long = `Talk to Giulia, not the CEO. ${'y'.repeat(LIMITS.salesNote - 40)}`;
    expect((await api({ method: 'POST', path: '/v1/customers/C-NOTES/notes', body: { text: 'Key account' } })).status).toBe(201);
    const res = await api({ method: 'POST', path: '/v1/customers/C-NOTES/notes', body: { text: long } });
    expect(res.status).toBe(201);
    expect(res.body.customer.salesNotes).toEqual(['Key account', long]);
    expect((await api({ method: 'POST', path: '/v1/customers/C-NOTES/notes', body: { text: ' Key account ' } })).body.customer.salesNotes).toHaveLength(2);
    const item = await rawCustomer('C-NOTES');
    expect(item).not.toHaveProperty('salesNotes');
    expect(item.salesNoteIds).toHaveLength(2);
    const notes = await store.doc.send(
      new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :n)', ExpressionAttributeValues: { ':pk': keys.customer(T, 'C-NOTES').pk, ':n': 'NOTE#' } }),
    );
    expect(notes.Items?.map((n) => n.text).sort()).toEqual(['Key account', long].sort());
  });

  it(`refuses the note after ${LIMITS.salesNotes} with 409, and the customer item stays far below 400 KB`, async () => {
    const note = (i: number) => `${i}: ${'z'.repeat(LIMITS.salesNote - 10)}`;
    await store.customers.putCustomer({ ...customer('C-FULL'), salesNotes: Array.from({ length: LIMITS.salesNotes - 1 }, (_, i) => note(i)) });
    expect((await api({ method: 'POST', path: '/v1/customers/C-FULL/notes', body: { text: note(LIMITS.salesNotes) } })).status).toBe(201);
    const over = await api({ method: 'POST', path: '/v1/customers/C-FULL/notes', body: { text: 'one more' } });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('sales_notes_full');
    // 50 notes of 2,000 characters: 100 KB of notes, none of it in the customer item.
    expect(JSON.stringify(await rawCustomer('C-FULL')).length).toBeLessThan(4_000);
    expect((await api({ method: 'GET', path: '/v1/customers/C-FULL' })).body.customer.salesNotes).toHaveLength(LIMITS.salesNotes);
  });

  it('reads a customer whose older item holds an over-long inline note: the customer, its invoice and the report answer', async () => {
    const legacy = customer('C-LEGACY');
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...customerToItem(legacy), salesNotes: ['n'.repeat(2_500)] } }));
    await store.invoices.putInvoice(invoice('INV-LEGACY', 'C-LEGACY'));
    expect((await api({ method: 'GET', path: '/v1/customers/C-LEGACY' })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/invoices/INV-LEGACY' })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/reports/ageing' })).status).toBe(200);
  });

  it('leaves an unreadable record out of the ageing report and logs it, instead of failing the report for everyone', async () => {
    await store.customers.putCustomer(customer('C-FINE'));
    await store.invoices.putInvoice(invoice('INV-FINE', 'C-FINE'));
    // A record no writer of today can produce: a hand edit gave the customer a language it does not have.
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...customerToItem(customer('C-BROKEN')), language: 'xx' } }));
    await store.invoices.putInvoice(invoice('INV-BROKEN', 'C-BROKEN'));
    warnings.mockClear();
    const json = await api({ method: 'GET', path: '/v1/reports/ageing' });
    expect(json.status).toBe(200);
    expect(json.body.customers).toContainEqual(expect.objectContaining({ customerId: 'C-FINE', name: 'Customer C-FINE' }));
    const csv = await api({ method: 'GET', path: '/v1/reports/ageing?format=csv&rows=invoices' });
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('INV-FINE');
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('left out of the ageing report'), expect.objectContaining({ key: expect.stringContaining('C-BROKEN'), problem: expect.stringContaining('language') }));
  });
});
