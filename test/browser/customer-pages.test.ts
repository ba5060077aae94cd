/**
 * The customer pages in a real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): a reminder is sent through the production send path (app/messaging/send-guarded-message.ts,
 * rendered e-mail into SES v2 local), its links are taken from the e-mail's HTML, and each form is
 * filled in and submitted like a customer would. The effect is checked in DynamoDB Local; axe-core
 * checks the pages. Boots only what it needs: the loopback HTTP API (local/services/http-api.ts)
 * in front of the customer-pages handler, SES local and the Step Functions emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { useLocalTable } from '../support/dynamo.js';
import { customerPagesHandler } from '../support/customer-pages.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCustomers } from '../../lambdas/adapters/dynamo-customers.js';
import { DynamoInvoices } from '../../lambdas/adapters/dynamo-invoices.js';
import { DynamoTasks } from '../../lambdas/adapters/dynamo-tasks.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import type { LinkAction } from '../../lambdas/domain/messages/links.js';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { LocalHttpApi, type HttpHandler } from '../../local/services/http-api.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { freePort } from '../../local/services/ports.js';
import { localContext } from '../../local/lambda-context.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { sendGuardedMessage } from '../../lambdas/app/messaging/send-guarded-message.js';
import { timelineDeps } from '../support/timeline-deps.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs Debian's chromium)`);
if (!available) console.warn(`Browser tests skipped: ${CHROMIUM} not found (apt-get install chromium). In CI they always run.`);

const T = 'acme';
const NOW = new Date('2026-03-10T09:00:00Z');

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  phone: '+390212345678',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'en',
  financeInboxes: ['amministrazione@officinerossi.example'],
});
const customer = Customer.parse({
  tenantId: T,
  customerId: 'C-1',
  name: 'Bianchi Costruzioni S.p.A.',
  country: 'IT',
  language: 'en',
  timeZone: 'Europe/Rome',
  email: 'ap@bianchi.example',
});

// Generous per-test limits for loaded CI machines; on an idle machine the whole file takes seconds.
describe.skipIf(!available)('customer pages in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let api: LocalHttpApi;
  let ses: RunningSes;
  let emulator: SfnEmulator;
  let store: { tenants: DynamoTenants; customers: DynamoCustomers; invoices: DynamoInvoices; tasks: DynamoTasks };
  let baseUrl: string;
  let seq = 0;

  /** A reminder about a new invoice, sent through the production path; its links from the e-mail, by action. */
  const reminder = async (): Promise<{ inv: Invoice; links: Partial<Record<LinkAction, string>> }> => {
    // A customer of its own for each: one customer hears one voice a day (the gate defers a second reminder).
    const own = Customer.parse({ ...customer, customerId: `C-B${++seq}` });
    await store.customers.putCustomer(own);
    const inv = Invoice.parse({
      tenantId: T,
      invoiceId: `INV-B${seq}`,
      number: `2026/B${seq}`,
      customerId: own.customerId,
      issueDate: '2026-01-10',
      dueDate: '2026-02-09',
      currency: 'EUR',
      amount: 98_765,
      status: 'open',
      paymentReference: `RF-B${seq}`,
      createdAt: '2026-01-10T08:00:00Z',
      updatedAt: '2026-01-10T08:00:00Z',
    });
    await store.invoices.putInvoice(inv);
    const out = await sendGuardedMessage(timelineDeps(), {
      invoice: inv,
      // Read afresh, as each Lambda does: the send records itself on the customer (contact limits).
      customer: (await store.customers.getCustomer(T, own.customerId))!,
      tenant,
      policy: policyFor(customer, tenant),
      kind: 'firstOverdue',
      guardKey: 'firstOverdue',
      requiredStatus: 'open',
      revision: inv.revision,
      run: inv.run,
    });
    expect(out.outcome).toBe('sent');
    const mail = ses.messages().find((m) => m.destination.to.includes('ap@bianchi.example') && m.body.html?.includes(inv.number));
    expect(mail, 'the reminder e-mail').toBeDefined();
    const links: Partial<Record<LinkAction, string>> = {};
    const decode = (s: string) => s.replace(/&#x2F;|&#47;/gi, '/').replace(/&#x3D;|&#61;/gi, '=').replace(/&amp;/g, '&');
    for (const [, href] of mail!.body.html!.matchAll(/href=['"]([^'"]+)['"]/g)) {
      const url = decode(href!);
      if (!url.startsWith(`${baseUrl}/c/`)) continue;
      const payload = new URL(url).pathname.split('/').pop()!.split('.')[0]!;
      const action = (JSON.parse(Buffer.from(payload, 'base64url').toString()) as string[])[3] as LinkAction;
      links[action] = url;
    }
    return { inv, links };
  };

  const noViolations = async (page: Page) => {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  };

  beforeAll(async () => {
    polyfillWithResolvers();
    await useLocalTable();
    let ticks = 0;
    useClock({ now: () => new Date(NOW.getTime() + ticks++) });
    ses = await startSes();
    emulator = new SfnEmulator({
      definition: { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Timestamp: '2099-01-01T00:00:00Z', End: true } } } as unknown as StateMachineDefinition,
      stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:browser-test',
      clock: new VirtualClock({ start: NOW, mode: 'discrete' }),
      activity: new Activity(),
      resolveTask: () => async () => null,
    });
    const sfnEndpoint = await emulator.listen(await freePort());
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    Object.assign(process.env, {
      TENANT_ID: T,
      STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:browser-test',
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      SENDER_EMAIL: 'crediti@officinerossi.example',
      BUCKET_NAME: 'unused-in-this-test',
      LINK_SECRET: 'browser-test-link-secret-0123456789abcdef',
      PUBLIC_BASE_URL: baseUrl,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: 'customer-pages',
    });
    const table = tableFromEnv();
    store = { tenants: new DynamoTenants(table), customers: new DynamoCustomers(table), invoices: new DynamoInvoices(table), tasks: new DynamoTasks(table) };
    await store.tenants.putTenant(tenant);
    await store.customers.putCustomer(customer);
    const handler = await customerPagesHandler({
      tenantId: T,
      linkSecret: process.env.LINK_SECRET!,
      stateMachineArn: process.env.STATE_MACHINE_ARN!,
      sender: process.env.SENDER_EMAIL!,
    });
    api = new LocalHttpApi({
      port,
      clock: { now: () => new Date(NOW.getTime() + ticks++) },
      activity: new Activity(),
      admin: async () => undefined,
      customer: async () => handler as HttpHandler,
      context: localContext,
    });
    await api.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    // A phone-sized window: the pages are built for the mobile first.
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await ses?.stop();
    await emulator?.shutdown();
    useSystemClock();
  });

  const open = async (url: string) => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const res = await page.goto(url);
    return { page, res, errors, close: () => page.close() };
  };

  it('"I will pay on": the link from the e-mail, the form, the confirmation, the promise in the table', async () => {
    const { inv, links } = await reminder();
    expect(Object.keys(links).sort()).toEqual(['contact', 'dispute', 'paid', 'plan', 'promise']);
    const { page, res, errors, close } = await open(links.promise!);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toContain(inv.number);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await noViolations(page);
    // The copy button is the page's one script: it runs under the CSP (no violation reported).
    await expect(page.getByRole('button', { name: 'Copy: IBAN' }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);

    await page.getByLabel('Payment date').fill('2026-03-27');
    await page.getByRole('button', { name: 'Confirm the date' }).click();
    await page.getByRole('heading', { name: 'Thank you, we have noted your date' }).waitFor();
    await noViolations(page);
    await close();

    const after = (await store.invoices.getInvoice(T, inv.invoiceId))!;
    expect(after).toMatchObject({ status: 'promised', promise: { date: '2026-03-27' } });
  });

  it('"I have paid", "There is a problem", "payment plan" and "someone else": each form to its confirmation and its effect', async () => {
    const cases: { action: LinkAction; fill: (p: Page) => Promise<void>; submit: string; done: string }[] = [
      {
        action: 'paid',
        fill: async (p) => {
          await p.getByLabel('Date of payment').fill('2026-03-09');
          await p.getByLabel(/Transfer reference/).fill('TRN 4455');
        },
        submit: 'Send',
        done: 'Thank you, we have your message',
      },
      {
        action: 'dispute',
        fill: async (p) => {
          await p.getByLabel('The amount is wrong').check();
          await p.getByLabel('Please describe the problem').fill('We were charged twice for delivery.');
        },
        submit: 'Send',
        done: 'Thank you for telling us',
      },
      {
        action: 'plan',
        fill: async (p) => {
          await p.getByLabel('Number of monthly instalments').selectOption('6');
        },
        submit: 'Ask for a plan',
        done: 'Thank you, we have your request',
      },
      {
        action: 'contact',
        fill: async (p) => {
          await p.getByLabel('Name').fill('Giulia Verdi');
          await p.getByLabel('E-mail').fill('giulia@bianchi.example');
        },
        submit: 'Send',
        done: 'Thank you, we have the new contact',
      },
    ];
    const invoices: Record<string, Invoice> = {};
    for (const c of cases) {
      const { inv, links } = await reminder();
      invoices[c.action] = inv;
      const { page, close } = await open(links[c.action]!);
      if (c.action === 'dispute') await noViolations(page);
      await c.fill(page);
      await page.getByRole('button', { name: c.submit, exact: true }).click();
      await page.getByRole('heading', { name: c.done }).waitFor();
      await close();
    }
    expect(await store.invoices.getInvoice(T, invoices.paid!.invoiceId)).toMatchObject({ status: 'payment_claimed', paymentClaim: { paidOn: '2026-03-09', reference: 'TRN 4455' } });
    expect(await store.invoices.getInvoice(T, invoices.dispute!.invoiceId)).toMatchObject({ status: 'disputed', dispute: { reason: 'amount' } });
    const open_ = await store.tasks.list(T);
    expect(open_.find((t) => t.invoiceId === invoices.plan!.invoiceId)).toMatchObject({ kind: 'planRequest', plan: { instalments: 6 } });
    expect(open_.find((t) => t.invoiceId === invoices.contact!.invoiceId)).toMatchObject({ kind: 'contactChange', contact: { name: 'Giulia Verdi', email: 'giulia@bianchi.example' } });
  });

  it('a form with a mistake shows accessible errors, keeps the values, and a second submit after the answer says "already answered"', async () => {
    const { inv, links } = await reminder();
    const { page, close } = await open(links.promise!);
    await page.getByLabel('Note').fill('after the month end');
    await page.getByRole('button', { name: 'Confirm the date' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Payment date').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Note').inputValue()).toBe('after the month end');
    await noViolations(page);

    await page.getByLabel('Payment date').fill('2026-04-01');
    await page.getByRole('button', { name: 'Confirm the date' }).click();
    await page.getByRole('heading', { name: 'Thank you, we have noted your date' }).waitFor();
    await close();
    // The same link opened again (a second tab, a forwarded e-mail) and the same form sent again.
    const again = await open(links.promise!);
    await again.page.getByLabel('Payment date').fill('2026-04-15');
    await again.page.getByRole('button', { name: 'Confirm the date' }).click();
    await again.page.getByRole('heading', { name: 'You have already answered' }).waitFor();
    await again.close();
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.events.filter((e) => e.type === 'promise')).toHaveLength(1);
  });

  it('a tampered link shows the friendly error page, which passes the accessibility check', async () => {
    const { inv, links } = await reminder();
    const url = new URL(links.paid!);
    const [payload, sig] = url.pathname.split('/').pop()!.split('.') as [string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
    fields[2] = 'INV-SOMEONE-ELSE';
    url.pathname = `/c/${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${sig}`;
    const { page, res, close } = await open(url.href);
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    expect(await page.getByRole('link', { name: 'crediti@officinerossi.example' }).count()).toBe(1);
    expect(await page.content()).not.toContain(inv.number);
    await noViolations(page);
    await close();
  });
});
