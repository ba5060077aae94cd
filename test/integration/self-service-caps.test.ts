/**
 * Caps on what a customer records on one invoice through its links (issue 20, item 7): at most
 * LIMITS.selfServicePromises promises and LIMITS.selfServicePaymentClaims reported payments in the
 * invoice's life; the next one is refused with a 409 page that sends the customer to the finance
 * team, nothing written. The use case (answerLink) against DynamoDB Local, then the HTTP page
 * through the production handler (DynamoDB Local, the Step Functions stand-in, SES v2 local).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callPage, csrfOf, customerPagesHandler, pathOf } from '../support/customer-pages.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomers } from '../../lambdas/adapters/dynamo-customers.js';
import { DynamoInvoices } from '../../lambdas/adapters/dynamo-invoices.js';
import { DynamoTasks } from '../../lambdas/adapters/dynamo-tasks.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { answerLink } from '../../lambdas/app/customer-answers/answer-link.js';
import type { CustomerAnswersDeps } from '../../lambdas/app/customer-answers/ports.js';
import { recordPromise } from '../../lambdas/domain/commands/commands.js';
import { answerKey, csrfToken, linkExpiry, messageLinks, newNonce, verifyLink, type LinkAction } from '../../lambdas/domain/messages/links.js';
import { Customer, Invoice, LIMITS, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { startSes } from '../../local/services/ses.js';
import en from '../../templates/pages/en.json' with { type: 'json' };

await useLocalTable();

const T = 'caps';
const SECRET = 'caps-test-link-secret-0123456789abcdefghijkl';
const ring = { current: new TextEncoder().encode(SECRET) };
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:dunning-caps';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });

const workflow = await startStandInWorkflow(STATE_MACHINE_ARN, NOW);
const ses = await startSes();
Object.assign(process.env, { ...workflow.env, AWS_ENDPOINT_URL_SESV2: ses.endpoint, SENDER_EMAIL: 'crediti@officinerossi.example' });

const table = tableFromEnv();
const invoices = new DynamoInvoices(table);
const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'en',
  paymentClaimGraceDays: 5,
  financeInboxes: ['finance@officinerossi.example'],
});
const customer = Customer.parse({ tenantId: T, customerId: 'C-CAP', name: 'Brighton Fabrication Ltd', country: 'GB', language: 'en', timeZone: 'Europe/London', email: 'ap@cap.example' });

let seq = 0;
const newInvoice = async (over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `CAP-${++seq}`,
    number: `BF-CAP-${seq}`,
    customerId: customer.customerId,
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'GBP',
    amount: 50_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });
  await invoices.putInvoice(inv);
  return inv;
};
/** The link of `action` in a fresh reminder about the invoice (a nonce of its own, as every message has). */
const linkOf = (inv: Invoice, action: LinkAction) =>
  messageLinks({ baseUrl: 'https://pay.example', tenantId: T, invoiceId: inv.invoiceId, nonce: newNonce(), ref: 'firstOverdue', expiresAt: linkExpiry(NOW), hasDocument: false }, ring)[action]!;
const tokenOf = (url: string) => pathOf(url).slice(3);
const promiseDate = (i: number) => `2026-03-${String(20 + i).padStart(2, '0')}`;
/** The grace days of a reported payment ran out without the money: the invoice is open again (what it stored is kept). */
const graceRanOut = async (id: string) => {
  const inv = (await invoices.getInvoice(T, id))!;
  const { paymentClaim: _c, ...rest } = inv;
  await invoices.putInvoice({ ...rest, status: 'open' });
};

const useCaseDeps: CustomerAnswersDeps = {
  tenantId: T,
  deploymentTenant: async () => tenant,
  invoices,
  customers: new DynamoCustomers(table),
  answers: new DynamoTasks(table),
  commands: new DynamoCommands(streamDrivenWorkflow, table),
  documents: () => new S3Blobs('no-documents'),
  mailer: () => new SesMailer(),
  sender: () => 'crediti@officinerossi.example',
  keyring: async () => ring,
  now: () => NOW,
  logger: new Logger({ serviceName: 'caps', logLevel: 'SILENT' }),
  count: () => undefined,
};
const answerByLink = (url: string, fields: Record<string, string>) => {
  const token = tokenOf(url);
  return answerLink(useCaseDeps, token, { csrf: csrfToken(token, ring), ...fields });
};

beforeAll(async () => {
  await new DynamoTenants(table).putTenant(tenant);
  await new DynamoCustomers(table).putCustomer(customer);
});
afterAll(async () => {
  useSystemClock();
  await workflow.stop();
  await ses.stop();
});

describe('the use case: answerLink', () => {
  it(`takes ${LIMITS.selfServicePromises} promises on one invoice and refuses the next, writing nothing; the finance team may still record one`, async () => {
    const inv = await newInvoice();
    for (let i = 1; i <= LIMITS.selfServicePromises; i++) {
      const out = await answerByLink(linkOf(inv, 'promise'), { date: promiseDate(i) });
      expect(out.kind, `promise ${i}`).toBe('recorded');
    }
    const before = (await invoices.getInvoice(T, inv.invoiceId))!;
    expect(before).toMatchObject({ status: 'promised', promise: { date: promiseDate(LIMITS.selfServicePromises) }, selfService: { promises: LIMITS.selfServicePromises, paymentClaims: 0 } });

    const refused = await answerByLink(linkOf(inv, 'promise'), { date: promiseDate(9) });
    expect(refused.kind).toBe('rejected');
    if (refused.kind !== 'rejected') return;
    expect(refused.rejection).toMatchObject({ kind: 'conflict', code: 'too_many_promises' });
    expect(refused.rejection.message).toContain('finance team');
    expect(await invoices.getInvoice(T, inv.invoiceId)).toEqual(before);

    // Another of the customer's answers is not capped by it, nor is the finance team's own promise.
    expect((await answerByLink(linkOf(inv, 'paid'), { paidOn: '2026-03-09' })).kind).toBe('recorded');
    await graceRanOut(inv.invoiceId);
    const ctx = { actor: 'finance@officinerossi.example', now: NOW, timeZone: tenant.timeZone };
    await useCaseDeps.commands.onInvoice(T, inv.invoiceId, (i) => recordPromise(i, { date: '2026-03-31' }, ctx));
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ status: 'promised', promise: { date: '2026-03-31' }, selfService: { promises: LIMITS.selfServicePromises, paymentClaims: 1 } });
  });

  it(`takes ${LIMITS.selfServicePaymentClaims} reported payments on one invoice in its life and refuses the next`, async () => {
    const inv = await newInvoice();
    for (let i = 1; i <= LIMITS.selfServicePaymentClaims; i++) {
      expect((await answerByLink(linkOf(inv, 'paid'), { paidOn: '2026-03-09' })).kind, `claim ${i}`).toBe('recorded');
      await graceRanOut(inv.invoiceId);
    }
    const refused = await answerByLink(linkOf(inv, 'paid'), { paidOn: '2026-03-09' });
    expect(refused).toMatchObject({ kind: 'rejected', rejection: { kind: 'conflict', code: 'too_many_payment_claims' } });
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ status: 'open', selfService: { paymentClaims: LIMITS.selfServicePaymentClaims } });
  });

  it('two promises at once on the last one left: one is recorded, the other refused (the count is part of the conditional write)', async () => {
    const inv = await newInvoice();
    for (let i = 1; i < LIMITS.selfServicePromises; i++) expect((await answerByLink(linkOf(inv, 'promise'), { date: promiseDate(i) })).kind).toBe('recorded');
    const both = await Promise.all([answerByLink(linkOf(inv, 'promise'), { date: promiseDate(7) }), answerByLink(linkOf(inv, 'promise'), { date: promiseDate(8) })]);
    expect(both.map((o) => o.kind).sort()).toEqual(['recorded', 'rejected']);
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ selfService: { promises: LIMITS.selfServicePromises } });
  });
});

describe('the page: POST /c/{token}', () => {
  const handler = customerPagesHandler({ tenantId: T, linkSecret: SECRET, stateMachineArn: STATE_MACHINE_ARN, sender: 'crediti@officinerossi.example' });
  const post = async (url: string, fields: Record<string, string>) => {
    const path = pathOf(url);
    const landing = await callPage(handler, { path });
    expect(landing.status).toBe(200);
    return callPage(handler, { path, form: { csrf: csrfOf(landing.body), ...fields } });
  };

  it('refuses the promise beyond the cap with a 409 page that says to contact the finance team, the form kept; the link is not consumed', async () => {
    const inv = await newInvoice({ selfService: { promises: LIMITS.selfServicePromises, paymentClaims: 0 } });
    const url = linkOf(inv, 'promise');
    const res = await post(url, { date: '2026-03-25' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const words = en.commandErrors.too_many_promises.replace('{{maxPromises}}', String(LIMITS.selfServicePromises));
    expect(res.body).toContain(words);
    expect(res.body).toContain('crediti@officinerossi.example'); // the finance team's address on the page
    expect(res.body).toContain('value="2026-03-25"');
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ status: 'open', selfService: { promises: LIMITS.selfServicePromises } });
    const { nonce } = verifyLink(tokenOf(url), ring, NOW);
    const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.linkAnswer(T, inv.invoiceId, answerKey({ nonce, action: 'promise' })) }));
    expect(Item).toBeUndefined();
  });

  it('refuses the reported payment beyond the cap the same way', async () => {
    const inv = await newInvoice({ selfService: { promises: 0, paymentClaims: LIMITS.selfServicePaymentClaims } });
    const res = await post(linkOf(inv, 'paid'), { paidOn: '2026-03-09' });
    expect(res.status).toBe(409);
    expect(res.body).toContain(en.commandErrors.too_many_payment_claims.replace('{{maxPaymentClaims}}', String(LIMITS.selfServicePaymentClaims)));
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ status: 'open' });
  });

  it('below the cap the answer is recorded (200) and counted', async () => {
    const inv = await newInvoice({ selfService: { promises: LIMITS.selfServicePromises - 1, paymentClaims: 0 } });
    const res = await post(linkOf(inv, 'promise'), { date: '2026-03-25' });
    expect(res.status).toBe(200);
    expect(await invoices.getInvoice(T, inv.invoiceId)).toMatchObject({ status: 'promised', selfService: { promises: LIMITS.selfServicePromises } });
  });
});
