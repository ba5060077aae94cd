/**
 * The company's own wording on DynamoDB Local: the adapter (one item per kind, tone and language in
 * the tenant's WORDING partition, a set written all or none), the admin API's /v1/wording routes
 * (refusals with every reason and nothing changed, the preview in every language), and a reminder
 * sent through the real use case with the override's words (SES v2 local).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/defaults.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { callApi, financeUser, viewerUser } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { supplier, invoiceOf } from '../support/fixtures.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { Customer } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { StoredWording } from '../../lambdas/app/ports/wording.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';

await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
Object.assign(process.env, { STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:wording', EVENT_BUS_NAME: 'sollecito-test' });

const T = 'wording-co';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
const now = () => new Date(NOW.getTime() + ticks++);
useClock({ now });

const store = dynamoRepositories();
const tenant = supplier(T, { language: 'en' });
let api: ReturnType<typeof adminApiHandler>;
let ses: RunningSes;

const words = {
  subject: 'Our invoice {{invoiceNumber}}: {{amountDue}} by {{dueDate}}',
  body: ['Invoice {{invoiceNumber}} of {{issueDate}}, {{amountDue}}, falls due on {{dueDate}}.', 'Pay to {{iban}}, reference {{paymentReference}}. Thank you, {{contactName}}!'],
};
const stored = (over: Partial<StoredWording>): StoredWording => ({ kind: 'preDue', tone: 'standard', language: 'en', ...words, updatedAt: NOW.toISOString(), updatedBy: 'u-1', ...over });

beforeAll(async () => {
  ses = await startSes();
  Object.assign(process.env, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, SENDER_EMAIL: 'crediti@officinerossi.example', SES_CONFIGURATION_SET: 'wording' });
  await store.tenants.putTenant(tenant);
  api = adminApiHandler(T);
});

afterAll(async () => {
  useSystemClock();
  await ses?.stop();
});

describe('DynamoWording', () => {
  const other = 'wording-adapter';
  it('keeps one item per kind, tone and language in the tenant partition, listed with one Query', async () => {
    await store.wording.put(other, [stored({}), stored({ language: 'it', sms: 'Fattura {{invoiceShort}}' })]);
    await store.wording.put(other, [stored({ subject: 'Replaced {{invoiceNumber}}' })]);
    const list = await store.wording.list(other);
    expect(list.map((w) => `${w.kind}#${w.tone}#${w.language}:${w.subject.slice(0, 8)}`).sort()).toEqual(['preDue#standard#en:Replaced', 'preDue#standard#it:Our invo']);
    expect(list.find((w) => w.language === 'it')!.sms).toBe('Fattura {{invoiceShort}}');
    const { Items } = await store.doc.send(new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `T#${other}#WORDING` } }));
    expect(Items!.map((i) => i.sk).sort()).toEqual(['preDue#standard#en', 'preDue#standard#it']);
    expect(await store.wording.list('another-tenant')).toEqual([]);
  });

  it('gets and deletes one by its key', async () => {
    const key = { kind: 'preDue', tone: 'standard', language: 'it' } as const;
    expect((await store.wording.get(other, key))!.language).toBe('it');
    expect(await store.wording.delete(other, key)).toBe(true);
    expect(await store.wording.delete(other, key)).toBe(false);
    expect(await store.wording.get(other, key)).toBeUndefined();
  });
});

describe('/v1/wording', () => {
  const path = '/v1/wording/preDue/standard/en';

  it('keeps an accepted override, answers its preview, lists and gets it', async () => {
    const res = await callApi(api, { method: 'PUT', path, body: words });
    expect(res.status).toBe(200);
    expect(res.body.wording).toMatchObject({ kind: 'preDue', tone: 'standard', language: 'en', updatedBy: financeUser.sub });
    expect(res.body.preview.subject).toMatch(/^Our invoice FT-2026-0042: /);
    expect(res.body.preview.text).toContain('Pay to IT60 X054 2811 1010 0000 0123 456, reference RF18539007547034.');
    expect((await callApi(api, { method: 'GET', path: '/v1/wording', user: viewerUser })).body.items).toHaveLength(1);
    expect((await callApi(api, { method: 'GET', path })).body.subject).toBe(words.subject);
  });

  it('refuses a missing IBAN placeholder, an unknown placeholder and unescaped markup with every reason, and keeps the accepted one', async () => {
    const res = await callApi(api, {
      method: 'PUT',
      path,
      body: { subject: '<b>{{invoiceNumber}}</b>', body: ['{{invoiceNumber}} {{issueDate}} {{{amountDue}}} {{dueDate}} {{bank}} {{paymentReference}}'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('wording_refused');
    expect(res.body.errors).toEqual([
      { field: 'subject', message: expect.stringMatching(/markup/) },
      { field: 'body.0', message: expect.stringMatching(/\{\{\{amountDue\}\}\}.*would not be escaped/) },
      { field: 'body.0', message: 'unknown placeholder {{bank}}' },
      { field: 'body', message: expect.stringMatching(/amount due is missing/) },
      { field: 'body', message: expect.stringMatching(/IBAN is missing/) },
    ]);
    expect((await callApi(api, { method: 'GET', path })).body.subject).toBe(words.subject);
  });

  it('answers 400 naming a bad path parameter or an unknown field, 403 to a viewer writing', async () => {
    expect((await callApi(api, { method: 'PUT', path: '/v1/wording/phoneCall/standard/en', body: words })).body.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    expect((await callApi(api, { method: 'PUT', path, body: { ...words, blocks: [] } })).body.errors).toEqual([{ field: 'blocks', message: 'unknown field' }]);
    expect((await callApi(api, { method: 'PUT', path, body: words, user: viewerUser })).status).toBe(403);
  });

  it('previews a candidate in every language it covers, keeping nothing', async () => {
    const res = await callApi(api, {
      method: 'POST',
      path: '/v1/wording/preview',
      body: { kind: 'firstOverdue', tone: 'firm', languages: { en: words, ro: { ...words, subject: 'Factura {{invoiceNumber}}' } } },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.languages).sort()).toEqual(['en', 'ro']);
    expect(res.body.languages.ro.subject).toBe('Factura FT-2026-0042');
    expect(res.body.languages.ro.html).toContain('<html lang=\'ro\'');
    expect((await store.wording.list(T)).map((w) => w.kind)).toEqual(['preDue']);
    const bad = await callApi(api, { method: 'POST', path: '/v1/wording/preview', body: { kind: 'firstOverdue', tone: 'firm', languages: { it: { subject: 'x', body: ['{{nope}}'] } } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('languages.it.body.0');
  });

  it('answers the built-in words a company starts from, whatever override it keeps', async () => {
    const res = await callApi(api, { method: 'GET', path: '/v1/wording/firstOverdue/firm/it/built-in', user: viewerUser });
    expect(res.status).toBe(200);
    const italian = JSON.parse(readFileSync(join(REPO_ROOT, 'templates/it.json'), 'utf8')) as { messages: Record<string, Record<string, { subject: string; body: string[]; sms: string }>> };
    expect(res.body).toEqual({ kind: 'firstOverdue', tone: 'firm', language: 'it', ...italian.messages.firstOverdue!.firm, preview: expect.any(Object) });
    // Beside them, the message they write on the sample invoice, as a customer gets it today.
    expect(res.body.preview.subject).toContain('FT-2026-0042');
    expect(res.body.preview.text).toContain('IT60 X054 2811 1010 0000 0123 456');
    expect(res.body.preview.html).toContain("<html lang='it'");
    // The override kept above does not change what is built in.
    expect((await callApi(api, { method: 'GET', path: `${path}/built-in` })).body.subject).not.toBe(words.subject);
    // A company starting from them names in its own words the facts the layout's payment block carries
    // for the built-ins (docs/wording.md), and its override is accepted.
    const { subject, body, sms } = res.body as { subject: string; body: string[]; sms: string };
    const asIs = await callApi(api, { method: 'POST', path: '/v1/wording/preview', body: { kind: 'firstOverdue', tone: 'firm', languages: { it: { subject, body, sms } } } });
    expect(asIs.status).toBe(422);
    const own = { subject, body: [...body, 'Fattura del {{issueDate}}: bonifico su {{iban}}, causale {{paymentReference}}.'], sms };
    expect((await callApi(api, { method: 'POST', path: '/v1/wording/preview', body: { kind: 'firstOverdue', tone: 'firm', languages: { it: own } } })).status).toBe(200);
    expect((await callApi(api, { method: 'GET', path: '/v1/wording/phoneCall/firm/it/built-in' })).status).toBe(400);
  });

  it('deletes an override (404 once gone)', async () => {
    await store.wording.put(T, [stored({ tone: 'gentle' })]);
    expect((await callApi(api, { method: 'DELETE', path: '/v1/wording/preDue/gentle/en' })).body).toEqual({ kind: 'preDue', tone: 'gentle', language: 'en', deleted: true });
    expect((await callApi(api, { method: 'DELETE', path: '/v1/wording/preDue/gentle/en' })).status).toBe(404);
    expect((await callApi(api, { method: 'GET', path: '/v1/wording/preDue/gentle/en' })).status).toBe(404);
  });
});

describe('a reminder with the company wording', () => {
  it('is sent with the override of its kind, tone and language, read from the table as it is written', async () => {
    const customer = Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Bianchi S.p.A.', country: 'IT', language: 'en', timeZone: 'Europe/Rome', email: 'ap@bianchi.example' });
    await store.customers.putCustomer(customer);
    const inv = invoiceOf({ tenantId: T, invoiceId: 'INV-W1', number: 'W-2026-0001', dueDate: '2026-03-17', issueDate: '2026-02-15', paymentReference: 'RF71W20260001' });
    await store.invoices.putInvoice(inv);
    const fresh = (await store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice;
    const out = await sendStageReminder(timelineDeps(), {
      tenantId: T,
      invoiceId: fresh.invoiceId,
      revision: fresh.revision,
      run: fresh.run,
      stage: 'preDue',
      plan: planTimeline({ invoice: fresh, customer, policy: policyFor(customer, tenant), stagesDone: [], now: now() }),
    });
    expect(out.outcome).toBe('sent');
    const mail = JSON.stringify((await ses.messages()).filter((m) => JSON.stringify(m).includes('W-2026-0001')).at(-1));
    expect(mail).toContain('Our invoice W-2026-0001');
    expect(mail).toContain('reference RF71W20260001. Thank you, Bianchi S.p.A.!');
  });
});
