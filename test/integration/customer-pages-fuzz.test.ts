/**
 * Hostile input against the customer pages: every answer form, through the real handler, with
 * arbitrary fields and values (markup, CR/LF, formula starters, odd Unicode, over-long text) and
 * arbitrary raw bodies. Whatever comes in, the answer is a page with a 2xx, 3xx or 4xx, never a
 * 5xx, and nothing sent comes back as live markup. Bounded: a fixed number of runs per form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callPage, csrfOf, customerPagesHandler, pathOf, type PageRequest } from '../support/customer-pages.js';
import { invoiceOf, supplier } from '../support/fixtures.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCustomers } from '../../lambdas/adapters/dynamo-customers.js';
import { DynamoInvoices } from '../../lambdas/adapters/dynamo-invoices.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { FORM_FIELDS } from '../../lambdas/domain/messages/customer-forms.js';
import { linkExpiry, messageLinks, newNonce } from '../../lambdas/domain/messages/links.js';
import { Customer } from '../../lambdas/domain/model.js';
import { startSes } from '../../local/services/ses.js';

await useLocalTable();

const T = 'fuzz-pages';
const SECRET = 'fuzz-link-secret-0123456789abcdefghijklmnop';
const NOW = new Date('2026-03-10T09:00:00Z');
useClock({ now: () => NOW });
const workflow = await startStandInWorkflow('arn:aws:states:eu-south-1:000000000000:stateMachine:fuzz-pages', NOW);
const ses = await startSes();
Object.assign(process.env, {
  ...workflow.env,
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_LAMBDA_FUNCTION_NAME: 'customer-pages',
});
const handler = customerPagesHandler({ tenantId: T, linkSecret: SECRET, stateMachineArn: workflow.env.STATE_MACHINE_ARN, sender: 'crediti@officinerossi.example', eventBus: 'fuzz' });
const page = (req: PageRequest) => callPage(handler, req);
const table = tableFromEnv();
const invoices = new DynamoInvoices(table);

beforeAll(async () => {
  await new DynamoTenants(table).putTenant(supplier(T));
  await new DynamoCustomers(table).putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'c@c.example' }));
});
afterAll(async () => {
  useSystemClock();
  await workflow.stop();
  await ses.stop();
});

let seq = 0;
/** A fresh open invoice and the answer link of one reminder about it: each run answers once. */
const freshLink = async (action: keyof typeof FORM_FIELDS): Promise<string> => {
  const inv = invoiceOf({ tenantId: T, invoiceId: `FZ-${++seq}`, number: `F/${seq}` });
  await invoices.putInvoice(inv);
  const links = messageLinks(
    { baseUrl: 'https://pay.example', tenantId: T, invoiceId: inv.invoiceId, nonce: newNonce(), ref: 'firstOverdue', expiresAt: linkExpiry(NOW), hasDocument: false },
    { current: new TextEncoder().encode(SECRET) },
  );
  return pathOf(links[action]!);
};

const MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"];
const hostile = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    ...MARKUP,
    'Rossi\r\nBcc: victim@example.com',
    '=cmd|"/c calc"!A1',
    '+SUM(A1)',
    '\u202eevil\u0000\uffff\ud800',
    'x'.repeat(20_000),
    '2026-03-20',
    '2026-02-30',
    '9999-12-31',
    '+39 347 123 4567',
    'someone@cliente.example',
    '2026-03-31:600.00;2026-04-30:634.56',
  ),
);
const fieldName = (action: keyof typeof FORM_FIELDS) => fc.oneof(fc.constantFrom(...FORM_FIELDS[action], '__proto__', 'constructor', 'csrf'), fc.string({ maxLength: 20 }));

const expectHandled = (res: { status: number; body: string }, what: string) => {
  expect(res.status, what).toBeGreaterThanOrEqual(200);
  expect(res.status, what).toBeLessThan(500);
  for (const m of MARKUP) expect(res.body, what).not.toContain(m);
};

describe('the customer pages under hostile input', () => {
  it.each(Object.keys(FORM_FIELDS) as (keyof typeof FORM_FIELDS)[])('the "%s" form answers any fields with a page, never a 5xx, never live markup', async (action) => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fieldName(action), hostile, { maxKeys: 6 }), fc.boolean(), async (fields, withCsrf) => {
        const path = await freshLink(action);
        const landing = await page({ path });
        expect(landing.status).toBe(200);
        const form = withCsrf ? { ...fields, csrf: csrfOf(landing.body) } : fields;
        expectHandled(await page({ path, form }), `${action} ${JSON.stringify(fields).slice(0, 200)}`);
      }),
      { numRuns: 25 },
    );
  });

  it('answers raw bodies of any content type with a 4xx at worst', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(FORM_FIELDS) as (keyof typeof FORM_FIELDS)[])),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'),
        async (action, raw, contentType) => {
          const path = await freshLink(action);
          expectHandled(await page({ path, rawBody: raw, contentType }), `${action} ${contentType} ${raw.slice(0, 80)}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});
