/**
 * SMS short links end to end, over the production adapters against DynamoDB Local, SES v2 local
 * and the SMS sink: a written stage that goes by SMS carries `<base>/s/<code>`; the customer pages'
 * handler redirects the code to the message's signed page, which opens like the e-mail's link; a
 * retried send reuses the code; an unknown, malformed, foreign or expired code gets the expired page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { callPage, customerPagesHandler, type PageRequest } from '../support/customer-pages.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startSmsSink, type RunningSmsSink } from '../../local/services/sms-sink.js';
import { LocalHttpApi, type HttpHandler } from '../../local/services/http-api.js';
import { freePort } from '../../local/services/ports.js';
import { Activity } from '../../local/activity.js';
import { localContext } from '../../local/lambda-context.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoShortLinks } from '../../lambdas/adapters/dynamo-short-links.js';
import { envMessageLinks } from '../../lambdas/adapters/message-links.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { Mailer } from '../../lambdas/app/ports/mailer.js';
import { TransientError } from '../../lambdas/app/task-errors.js';
import { linkExpiry, newNonce, signLink } from '../../lambdas/domain/messages/links.js';
import { SHORT_LINK_ACTION } from '../../lambdas/domain/messages/short-links.js';
import { Customer, Invoice, Tenant, type ContactEvent } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';

await useLocalTable();

const T = 'short-co';
const SECRET = 'test-link-secret-0123456789abcdefghijklmnop';
const ring = { current: new TextEncoder().encode(SECRET) };
const BASE = 'https://pay.example';
const SHORT = /https:\/\/pay\.example\/s\/([0-9A-Za-z]{10})$/;
// Monday 16 February 2026, 09:00 in Rome: the due date of the invoices below.
const NOW = new Date('2026-02-16T08:00:00Z');
let now = NOW;
let ticks = 0;
useClock({ now: () => new Date(now.getTime() + ticks++) });

let ses: RunningSes;
let sms: RunningSmsSink;
let store: DynamoRepositories;
let handler: ReturnType<typeof customerPagesHandler>;
let page: (req: PageRequest) => ReturnType<typeof callPage>;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  phone: '+390212345678',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'firm',
  language: 'it',
  financeInboxes: ['amministrazione@officinerossi.example'],
});

let seq = 0;
/** A customer of the firm policy (SMS from the due date) with one invoice due today. */
const newCase = async (language: 'it' | 'en' | 'ro' = 'it') => {
  const n = ++seq;
  const customer = Customer.parse({
    tenantId: T,
    customerId: `C-${n}`,
    name: 'Bianchi Costruzioni S.p.A.',
    country: 'IT',
    language,
    timeZone: 'Europe/Rome',
    email: `ap${n}@bianchi.example`,
    phone: `+3934700000${String(n).padStart(2, '0')}`,
  });
  const invoice = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${n}`,
    number: `2026/${100 + n}`,
    customerId: customer.customerId,
    issueDate: '2026-01-16',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 123_456,
    status: 'open',
    paymentReference: `RF18 0000 ${100 + n}`,
    createdAt: '2026-01-16T08:00:00Z',
    updatedAt: '2026-01-16T08:00:00Z',
  });
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(invoice);
  return { customer, invoice };
};

const sendStage = (c: { customer: Customer; invoice: Invoice }, stage: Stage, deps = timelineDeps()) =>
  sendStageReminder(deps, {
    tenantId: T,
    invoiceId: c.invoice.invoiceId,
    revision: c.invoice.revision,
    run: c.invoice.run,
    stage,
    plan: planTimeline({ invoice: c.invoice, customer: c.customer, policy: policyFor(c.customer, tenant), stagesDone: [], now }),
  });

const textsTo = (phone: string) => sms.messages().filter((m) => m.to === phone);
const mailsTo = (to: string) => ses.messages().filter((m) => JSON.stringify(m).includes(to));
const codeIn = (text: string): string => {
  const m = SHORT.exec(text);
  if (!m) throw new Error(`no short link at the end of: ${text}`);
  return m[1]!;
};
const eventsOf = async (invoiceId: string, type: ContactEvent['type']) =>
  ((await store.invoices.getInvoiceView(T, invoiceId))?.events ?? []).filter((e) => e.type === type);
const shortLinkItems = async (invoiceId: string) =>
  ((await store.doc.send(new ScanCommand({ TableName: store.name, ConsistentRead: true }))).Items ?? []).filter(
    (i) => (i.entity === 'shortLink' || i.entity === 'messageShortLink') && i.invoiceId === invoiceId,
  );

beforeAll(async () => {
  [ses, sms] = await Promise.all([startSes(), startSmsSink()]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'short',
    SMS_ORIGINATION_IDENTITY: '+390200000000',
    PUBLIC_BASE_URL: BASE,
    LINK_SECRET: SECRET,
  });
  store = dynamoRepositories();
  await store.tenants.putTenant(tenant);
  // GETs only: no execution is started or stopped, so the state machine needs no emulator.
  handler = customerPagesHandler({ tenantId: T, linkSecret: SECRET, stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:none', sender: 'crediti@officinerossi.example' });
  page = (req) => callPage(handler, req);
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop()]);
});

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};

describe('the SMS of a stage carries a short link to the reminder page', () => {
  it('follows from the text through /s/{code} to the same signed page as the e-mail, and logs the view with the message nonce', async () => {
    now = NOW;
    const c = await newCase();
    const out = await sendStage(c, 'dueDate');
    expect(out.outcome).toBe('sent');
    expect(out.channels.map((x) => `${x.channel}:${x.outcome}`).sort()).toEqual(['email:sent', 'sms:sent']);

    const [text] = textsTo(c.customer.phone!);
    expect(text).toBeDefined();
    expect(text!.body).toContain(c.invoice.number);
    const code = codeIn(text!.body);

    const redirect = await page({ path: `/s/${code}` });
    expect(redirect.status).toBe(303);
    expect(redirect.body).toBe('');
    expect(redirect.headers).toMatchObject(SECURITY_HEADERS);
    expect(redirect.headers['content-security-policy']).toContain("default-src 'none'");
    const location = redirect.headers.location!;
    expect(location).toMatch(/^\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // The e-mail of the same message carries this very link ("I have paid"): one reminder, one nonce.
    const [mail] = mailsTo(c.customer.email!);
    expect(JSON.stringify(mail)).toContain(`${BASE}${location}`);

    const landing = await page({ path: location });
    expect(landing.status).toBe(200);
    expect(landing.body).toContain(c.invoice.number);
    expect(landing.body).toContain('IT60 X054 2811 1010 0000 0123 456');
    const [message] = (await eventsOf(c.invoice.invoiceId, 'message')).filter((e) => e.channel === 'sms');
    const nonce = message!.details?.linkNonce;
    expect(nonce).toEqual(expect.any(String));
    expect(await eventsOf(c.invoice.invoiceId, 'link_view')).toMatchObject([{ details: { action: SHORT_LINK_ACTION, ref: 'dueDate', nonce } }]);
  });

  it('keeps the code in the table until the link expires: two items, expiring through ttl, and nothing in the contact log names it', async () => {
    now = NOW;
    const c = await newCase();
    await sendStage(c, 'dueDate');
    const code = codeIn(textsTo(c.customer.phone!)[0]!.body);
    const items = await shortLinkItems(c.invoice.invoiceId);
    const expiresAt = linkExpiry(NOW, 60);
    expect(items.map((i) => `${i.entity} ${i.pk} ${i.sk}`).sort()).toEqual([
      `messageShortLink T#${T}#INV#${c.invoice.invoiceId} SHORTLINK#0#dueDate`,
      `shortLink T#${T}#SHORT#${code} SHORT`,
    ]);
    for (const i of items) {
      expect(i.code).toBe(code);
      // The clock ticks a millisecond a reading: the same second or the next.
      expect(i.expiresAt - expiresAt).toBeGreaterThanOrEqual(0);
      expect(i.expiresAt - expiresAt).toBeLessThanOrEqual(1);
      expect(i.ttl).toBe(i.expiresAt);
    }
    const view = await store.invoices.getInvoiceView(T, c.invoice.invoiceId);
    expect(JSON.stringify(view!.events)).not.toContain(code);
  });

  it('is in the text in every language, last, within the SMS budget', async () => {
    now = NOW;
    for (const language of ['it', 'en', 'ro'] as const) {
      const c = await newCase(language);
      await sendStage(c, 'dueDate');
      const [text] = textsTo(c.customer.phone!);
      codeIn(text!.body);
      expect(text!.body.length, text!.body).toBeLessThanOrEqual(3 * 153);
      expect((await page({ path: `/s/${codeIn(text!.body)}` })).status).toBe(303);
    }
  });

  it('an e-mail-only stage mints no short link', async () => {
    now = new Date('2026-02-11T08:00:00Z');
    const c = await newCase();
    const out = await sendStage(c, 'preDue');
    expect(out.channels.map((x) => x.channel)).toEqual(['email']);
    expect(JSON.stringify(mailsTo(c.customer.email!))).not.toContain('/s/');
    expect(await shortLinkItems(c.invoice.invoiceId)).toEqual([]);
  });
});

describe('a retried send', () => {
  it('reuses the code, the nonce and the links of its first attempt', async () => {
    now = NOW;
    const c = await newCase();
    // The e-mail goes first: its transient failure gives the claim back before anything left.
    const real = timelineDeps().mailer;
    let calls = 0;
    const flaky: Mailer = {
      deadlineMs: real.deadlineMs,
      send: async (mail) => {
        if (calls++ === 0) throw new TransientError('SES throttled');
        return real.send(mail);
      },
    };
    await expect(sendStage(c, 'dueDate', timelineDeps({ mailer: flaky }))).rejects.toThrow(TransientError);
    expect(textsTo(c.customer.phone!)).toEqual([]);
    const afterFirst = await shortLinkItems(c.invoice.invoiceId);
    expect(afterFirst).toHaveLength(2);

    const out = await sendStage(c, 'dueDate', timelineDeps({ mailer: flaky }));
    expect(out.outcome).toBe('sent');
    const texts = textsTo(c.customer.phone!);
    expect(texts).toHaveLength(1);
    expect(codeIn(texts[0]!.body)).toBe(afterFirst[0]!.code);
    expect(await shortLinkItems(c.invoice.invoiceId)).toEqual(expect.arrayContaining(afterFirst));
    expect(await shortLinkItems(c.invoice.invoiceId)).toHaveLength(2);
    // Both attempts logged the same nonce: the skipped entry of the first and the sent one of the retry.
    const messages = await eventsOf(c.invoice.invoiceId, 'message');
    expect(messages.map((e) => e.outcome).sort()).toEqual(['sent', 'sent', 'skipped', 'skipped']);
    const nonces = new Set(messages.map((e) => e.details?.linkNonce));
    expect(nonces.size).toBe(1);
    expect([...nonces][0]).toEqual(expect.any(String));
  });

  it('gets the very same links from the signer, and a later run gets a code of its own', async () => {
    now = NOW;
    const c = await newCase();
    const first = await envMessageLinks.linksFor(c.invoice, 'dueDate', now, { shortLink: true });
    now = new Date(NOW.getTime() + 90_000);
    const again = await envMessageLinks.linksFor(c.invoice, 'dueDate', now, { shortLink: true });
    expect(again).toEqual(first);
    expect(first!.links.short).toMatch(SHORT);
    const otherStage = await envMessageLinks.linksFor(c.invoice, 'firstOverdue', now, { shortLink: true });
    expect(otherStage!.links.short).not.toBe(first!.links.short);
    expect(otherStage!.nonce).not.toBe(first!.nonce);
    const nextRun = await envMessageLinks.linksFor({ ...c.invoice, run: 1 }, 'dueDate', now, { shortLink: true });
    expect(nextRun!.links.short).not.toBe(first!.links.short);
    // Without an SMS, links are fresh each time, as before.
    const plain = await envMessageLinks.linksFor(c.invoice, 'dueDate', now);
    expect(plain!.links.short).toBeUndefined();
    expect(plain!.nonce).not.toBe(first!.nonce);
  });
});

describe('codes that open nothing', () => {
  /** The page an expired /c/ link gets: the short links' refusals must be indistinguishable from it. */
  const expiredPage = async (invoiceId: string) => {
    const token = signLink({ tenantId: T, invoiceId, action: 'paid', expiresAt: Math.floor(now.getTime() / 1000) - 1, nonce: newNonce(), ref: '' }, ring);
    return page({ path: `/c/${token}` });
  };

  it('an expired code gets the expired-link page, and changes nothing', async () => {
    now = NOW;
    const c = await newCase();
    await sendStage(c, 'dueDate');
    const code = codeIn(textsTo(c.customer.phone!)[0]!.body);
    const before = await store.invoices.getInvoiceView(T, c.invoice.invoiceId);
    now = new Date(linkExpiry(NOW, 60) * 1000 + 1_000);
    const res = await page({ path: `/s/${code}` });
    const expired = await expiredPage(c.invoice.invoiceId);
    expect(expired.status).toBe(410);
    expect({ status: res.status, body: res.body }).toEqual({ status: expired.status, body: expired.body });
    expect(res.body).toContain('Officine Rossi S.r.l.');
    expect(res.body).not.toContain(c.invoice.number);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    expect(res.headers.location).toBeUndefined();
    expect(await store.invoices.getInvoiceView(T, c.invoice.invoiceId)).toEqual(before);
  });

  it('unknown, malformed and foreign codes get exactly the same answer as an expired one', async () => {
    now = NOW;
    const c = await newCase();
    const foreign = { code: 'F0reign000', tenantId: 'someone-else', invoiceId: c.invoice.invoiceId, run: 0, ref: 'dueDate', nonce: newNonce(), expiresAt: linkExpiry(NOW, 60) };
    expect(await new DynamoShortLinks({ doc: store.doc, name: store.name }).keep(foreign, now)).toEqual(foreign);
    const expired = await expiredPage(c.invoice.invoiceId);
    for (const code of ['Zz9Zz9Zz9Z', foreign.code, 'short', 'a1B2c3D4e5f', 'a1B2c3D4e-', '%2e%2e', 'a1B2c3D4e%C3%A9']) {
      const res = await page({ path: `/s/${code}` });
      expect({ code, status: res.status, body: res.body }).toEqual({ code, status: 410, body: expired.body });
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
    }
    expect(await eventsOf(c.invoice.invoiceId, 'link_view')).toEqual([]);
  });

  it('other methods: 405; nothing below /s/{code}: 404', async () => {
    expect((await page({ method: 'POST', path: '/s/a1B2c3D4e5', form: { x: '1' } })).status).toBe(405);
    expect((await page({ path: '/s/a1B2c3D4e5/more' })).status).toBe(404);
    expect((await page({ path: '/s' })).status).toBe(404);
  });
});

describe('npm start', () => {
  it("serves /s/{code} on the local stack's HTTP port, without a token, like the gateway", async () => {
    now = NOW;
    const c = await newCase();
    await sendStage(c, 'dueDate');
    const code = codeIn(textsTo(c.customer.phone!)[0]!.body);
    const api = new LocalHttpApi({
      port: await freePort(),
      clock: { now: () => now },
      activity: new Activity(),
      admin: async () => undefined,
      customer: async () => handler as HttpHandler,
      context: localContext,
    });
    const url = await api.listen();
    try {
      const res = await fetch(`${url}/s/${code}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const landing = await fetch(new URL(res.headers.get('location')!, url));
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain(c.invoice.number);
      expect((await fetch(`${url}/s/Zz9Zz9Zz9Z`)).status).toBe(410);
    } finally {
      await api.stop();
    }
  });
});
