/**
 * PlaceCreditHold through its real handler module (makeCreditHoldHandler over the production
 * adapters, test/support/timeline-deps.ts) against DynamoDB Local, the local SES v2 server
 * and the local EventBridge stand-in: the hold on the customer, CreditHoldPlaced, the final notice
 * to the customer and the sales rep's notice, each once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdReason } from '../../lambdas/domain/reports/report-email.js';
import { reportStrings } from '../../lambdas/domain/reports/report-strings.js';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { lambdaContext } from '../support/api-events.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { startSes } from '../../local/services/ses.js';
import { makeCreditHoldHandler } from '../../lambdas/handlers/credit-hold.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
const ses = await startSes();
// 4 March 2026, 10:00 in Rome: 31 days after a 1 February due date.
const NOW = new Date('2026-03-04T09:00:00Z');
let now = NOW;
useClock({ now: () => now });
const events = await startEventsSink(await freePort(), { now: () => NOW });
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
  EVENT_BUS_NAME: 'sollecito-test',
  SENDER_EMAIL: 'crediti@officinerossi.example',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
});
const handler = makeCreditHoldHandler(timelineDeps());

const T = 'acme-placed';
const REP = 'marco.neri@officinerossi.example';
const store = dynamoRepositories();

afterAll(async () => {
  useSystemClock();
  await ses.stop();
  await events.stop();
});

beforeAll(async () => {
  await store.tenants.putTenant(
    supplier(T, { language: 'it' }),
  );
  await store.customers.putCustomer(
    Customer.parse({
      tenantId: T,
      customerId: 'C-1',
      name: 'Alfa Meccanica S.p.A.',
      country: 'IT',
      language: 'it',
      timeZone: 'Europe/Rome',
      email: 'ap@alfa.example',
      salesRep: { name: 'Marco Neri', email: REP },
    }),
  );
  await store.invoices.putInvoice(
    Invoice.parse({
      tenantId: T,
      invoiceId: 'CH-1',
      number: '2026/77',
      customerId: 'C-1',
      issueDate: '2026-01-02',
      dueDate: '2026-02-01',
      currency: 'EUR',
      amount: 150_000,
      amountPaid: 30_000,
      status: 'open',
      createdAt: '2026-01-02T08:00:00Z',
      updatedAt: '2026-01-02T08:00:00Z',
    }),
  );
});

const input = {
  tenantId: T,
  invoiceId: 'CH-1',
  revision: 1,
  run: 0,
  stage: 'creditHold',
  plan: { mode: 'timeline', next: 'creditHold', at: Object.fromEntries(STAGE_IDS.map((s) => [s, NOW.toISOString()])), skip: [], reason: 'test' },
};

describe('PlaceCreditHold', () => {
  it('holds the customer, announces it, and tells the customer and the sales rep', async () => {
    const out = await handler(input, lambdaContext('credit-hold'));
    expect(out).toMatchObject({ stage: 'creditHold', outcome: 'placed' });

    const customer = await store.customers.getCustomer(T, 'C-1');
    expect(customer?.creditHold).toMatchObject({ invoiceId: 'CH-1', placedAt: NOW.toISOString() });

    const placed = events.events.filter((e) => e.detailType === 'CreditHoldPlaced');
    expect(placed).toHaveLength(1);
    expect(placed[0]!.detail).toMatchObject({ tenantId: T, customerId: 'C-1', invoiceId: 'CH-1', currency: 'EUR', amountDue: 120_000, daysPastDue: 31 });

    const rep = ses.messages().filter((m) => m.destination.to.includes(REP));
    expect(rep).toHaveLength(1);
    expect(rep[0]!.subject).toContain('Alfa Meccanica S.p.A.');
    expect(rep[0]!.body.text).toContain('2026/77');
    expect(rep[0]!.body.text).toMatch(/1\.200,00\s€/);
    expect(ses.messages().filter((m) => m.destination.to.includes('ap@alfa.example'))).toHaveLength(1);

    const log = (await store.invoices.getInvoiceView(T, 'CH-1'))!.events;
    expect(log.filter((e) => e.type === 'credit_hold')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'internal_notice')).toEqual([
      expect.objectContaining({ channel: 'email', to: REP, outcome: 'sent', messageId: rep[0]!.messageId, stage: 'creditHold' }),
    ]);
  });

  it('does not hold, notify or mail twice when the task is retried', async () => {
    const mails = ses.messages().length;
    const out = await handler(input, lambdaContext('credit-hold'));
    expect(out).toMatchObject({ outcome: 'alreadyPlaced' });
    expect(ses.messages().length).toBe(mails);
    const log = (await store.invoices.getInvoiceView(T, 'CH-1'))!.events;
    expect(log.filter((e) => e.type === 'internal_notice')).toHaveLength(1);
    // The event goes out again (at least once) with the same hold id, for consumers to de-duplicate.
    const ids = new Set(events.events.filter((e) => e.detailType === 'CreditHoldPlaced').map((e) => e.detail.holdId));
    expect(ids.size).toBe(1);
  });
});

describe('the customer, not the invoice, is on hold', () => {
  const T2 = 'acme-customer-hold';
  const AP = 'ap@beta.example';
  const inv = (id: string, over: Partial<InvoiceInput> = {}) =>
    Invoice.parse({
      tenantId: T2,
      invoiceId: id,
      number: `2026/${id}`,
      customerId: 'C-B',
      issueDate: '2026-01-02',
      dueDate: '2026-02-01',
      currency: 'EUR',
      amount: 100_000,
      status: 'open',
      createdAt: '2026-01-02T08:00:00Z',
      updatedAt: '2026-01-02T08:00:00Z',
      ...over,
    });
  /** The stages a timeline did before today, as the send guard records them. */
  const done = async (i: Invoice, stages: string[]) => {
    for (const stage of stages) {
      await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T2, i.invoiceId, stage), entity: 'stageDone', stage, at: '2026-02-20T08:00:00.000Z', revision: 1, run: 0 } }));
    }
  };
  const UP_TO_CALL = ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall'];
  const held = [inv('H-1'), inv('H-2', { amount: 250_000 }), inv('H-3', { currency: 'GBP', amount: 90_000 })];
  const firstOverdue = inv('D-1', { dueDate: '2026-02-20' });
  const notYet = inv('E-1', { dueDate: '2026-03-20' });
  const later = inv('F-1', { dueDate: '2026-02-05' });
  const stageInput = (i: Invoice) => ({ ...input, tenantId: T2, invoiceId: i.invoiceId });
  const mailsTo = (to: string) => ses.messages().filter((m) => m.destination.to.includes(to));
  const placedEvents = () => events.events.filter((e) => e.detailType === 'CreditHoldPlaced' && e.detail.tenantId === T2);

  beforeAll(async () => {
    now = NOW;
    await store.tenants.putTenant(supplier(T2, { language: 'it' }));
    await store.customers.putCustomer(
      Customer.parse({ tenantId: T2, customerId: 'C-B', name: 'Beta Utensili S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: AP, salesRep: { name: 'Marco Neri', email: REP } }),
    );
    for (const i of [...held, firstOverdue, notYet, later]) await store.invoices.putInvoice(i);
    for (const i of held) await done(i, UP_TO_CALL);
    await done(firstOverdue, ['preDue', 'dueDate']);
    await done(later, UP_TO_CALL);
  });

  it('sends one final notice listing every overdue invoice with its claim per currency, one sales-rep notice, one event', async () => {
    const out = await handler(stageInput(held[0]!), lambdaContext('credit-hold'));
    expect(out).toMatchObject({ outcome: 'placed', invoices: ['H-1', 'H-2', 'H-3'] });

    const notices = mailsTo(AP);
    expect(notices).toHaveLength(1);
    const text = notices[0]!.body.text!;
    for (const i of [...held, firstOverdue]) expect(text).toContain(i.number);
    expect(text).not.toContain(notYet.number);
    expect(text).toMatch(/Totale in EUR/);
    expect(text).toMatch(/Totale in GBP/);
    // The 40 EUR compensation of each of the four overdue euro invoices (the later one is listed too), added up per currency.
    expect(text).toMatch(/Risarcimento forfettario costi di recupero: 160,00\s€/);

    const rep = mailsTo(REP).filter((m) => m.subject.includes('Beta Utensili'));
    expect(rep).toHaveLength(1);
    for (const i of held) expect(rep[0]!.body.text).toContain(i.number);

    expect(placedEvents()).toHaveLength(1);
    expect(placedEvents()[0]!.detail).toMatchObject({ customerId: 'C-B', invoiceIds: ['H-1', 'H-2', 'H-3'] });
    const customer = (await store.customers.getCustomer(T2, 'C-B'))!;
    expect(customer.creditHold).toMatchObject({ invoiceId: 'H-1', invoiceIds: ['H-1', 'H-2', 'H-3'], basis: { invoices: 3 } });
    // The hold keeps its facts, so the Italian team's report words it in Italian.
    const row = { customerId: 'C-B', name: customer.name, ...customer.creditHold! };
    expect(holdReason(row, reportStrings('it'))).toMatch(/^3 fatture non pagate, la più vecchia a \d+ giorni dalla scadenza$/);
    for (const i of held) {
      const view = (await store.invoices.getInvoiceView(T2, i.invoiceId))!;
      expect(view.stagesDone.map((s) => s.stage)).toEqual(expect.arrayContaining(['creditHold', 'creditHold#notice']));
      expect(view.events.filter((e) => e.type === 'credit_hold')).toHaveLength(1);
    }
    // The invoice whose first overdue reminder fell today rode in the final notice.
    expect((await store.invoices.getInvoiceView(T2, firstOverdue.invoiceId))!.stagesDone.map((s) => s.stage)).toContain('firstOverdue');
  });

  it('lets the other executions find their hold placed, sending and announcing nothing', async () => {
    const mails = ses.messages().length;
    now = new Date(NOW.getTime() + 5_000);
    for (const i of held.slice(1)) expect(await handler(stageInput(i), lambdaContext('credit-hold'))).toMatchObject({ outcome: 'alreadyPlaced' });
    expect(ses.messages().length).toBe(mails);
    expect(placedEvents()).toHaveLength(1);
  });

  it('has an invoice that reaches its hold later join the customer hold, with no second notice nor event', async () => {
    const mails = ses.messages().length;
    now = new Date('2026-03-09T09:00:00Z');
    expect(await handler(stageInput(later), lambdaContext('credit-hold'))).toMatchObject({ outcome: 'joined' });
    expect(ses.messages().length).toBe(mails);
    expect(placedEvents()).toHaveLength(1);
    expect((await store.customers.getCustomer(T2, 'C-B'))!.creditHold?.invoiceIds).toEqual(['H-1', 'H-2', 'H-3', 'F-1']);
    const log = (await store.invoices.getInvoiceView(T2, later.invoiceId))!.events;
    expect(log.filter((e) => e.type === 'credit_hold')).toEqual([expect.objectContaining({ details: expect.objectContaining({ joined: true }) })]);
  });
});
