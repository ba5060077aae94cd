/**
 * The customer's credit end to end on DynamoDB Local (issue 15 item 2): an overpaying MT940
 * statement through the production bank-statements handler keeps the rest as the customer's credit
 * and opens its customerCredit task; the admin API applies it to the customer's other invoices
 * ('offset' payments with source credit, through the real Commands adapter), refuses what is not
 * allowed, refunds a credit, and an undone match takes its credit and task away. A credit note's
 * rest is offered the same way (app/ingest/apply-credit-notes.ts with its offer wired).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { startBankUploads, type BankUploads } from '../support/bank-upload.js';
import { callApi, financeUser, viewerUser } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { applyCustomerCreditTo } from '../../lambdas/app/bank/customer-credits.js';
import { applyCreditNotes } from '../../lambdas/app/ingest/apply-credit-notes.js';
import type { CustomerCredit } from '../../lambdas/domain/commands/customer-credit.js';
import { CommandRejected } from '../../lambdas/domain/commands/commands.js';
import { customerCreditTaskId } from '../../lambdas/domain/commands/tasks.js';
import { creditorReferenceFor } from '../../lambdas/domain/money/creditor-reference.js';
import { amountDue, Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
Object.assign(process.env, { STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:customer-credits', EVENT_BUS_NAME: 'sollecito-test' });

const T = 'customer-credits-co';
const OUR_IBAN = 'IT60X0542811101000000123456';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
/** Days the clock is moved on for a test (the next reminder is not the same day's). */
let laterDays = 0;
const now = () => new Date(NOW.getTime() + laterDays * 86_400_000 + ticks++);
useClock({ now });

let bank: BankUploads;
let api: ReturnType<typeof adminApiHandler>;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: OUR_IBAN,
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@officinerossi.example'],
});

const invoice = async (number: string, customerId: string, amount: number, over: Partial<Invoice> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${number.replace(/\W/g, '-')}`,
    number,
    customerId,
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    currency: 'EUR',
    amount,
    status: 'open',
    paymentReference: creditorReferenceFor(number),
    createdAt: '2026-01-15T08:00:00.000Z',
    updatedAt: '2026-01-15T08:00:00.000Z',
    ...over,
  });
  await bank.store.invoices.putInvoice(inv);
  return inv;
};

/** An MT940 statement of the company's account with the given :61:/:86: lines. */
const mt940 = (ref: string, lines: string[]) => {
  const cents = lines.map((l) => /^:61:\d{6}(?:\d{4})?C(\d+),(\d{2})/.exec(l)).reduce((sum, m) => (m ? sum + Number(`${m[1]}${m[2]}`) : sum), 100_000);
  const closing = `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  return [`:20:${ref}`, `:25:${OUR_IBAN}`, ':28C:00045/001', ':60F:C260309EUR1000,00', ...lines, `:62F:C260309EUR${closing}`, '-'].join('\r\n');
};

/** A statement whose one credit pays `inv` by its RF reference with `paid` (e.g. '1500,00'). */
const overpay = async (key: string, ref: string, inv: Invoice, paid: string, payer: string) => {
  const s = await bank.upload(key, mt940(`STMT-${ref}`, [`:61:2603090309C${paid}NTRFNONREF//${ref}`, `:86:166?00BONIFICO?21SVWZ+${inv.paymentReference}?32${payer}`]));
  expect(s?.reconciled).toMatchObject({ matched: 1, customerCredits: 1 });
  const credit = (await bank.store.bankCredits.list(T)).find((c) => c.bankReference === ref)!;
  return credit.creditId;
};

const post = (path: string, body: unknown, idempotencyKey: string, user = financeUser) => callApi(api, { method: 'POST', path, body, user, idempotencyKey });
const view = async (inv: Invoice) => (await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!;

let ses: RunningSes;

/** The real send-reminder use case on `inv` at `stage`, and the text of the e-mail it sent. */
const remind = async (inv: Invoice, stage: 'firstOverdue' | 'secondOverdue'): Promise<string> => {
  const fresh = (await view(inv)).invoice;
  const customer = (await bank.store.customers.getCustomer(T, fresh.customerId))!;
  const out = await sendStageReminder(timelineDeps(), {
    tenantId: T,
    invoiceId: fresh.invoiceId,
    revision: fresh.revision,
    run: fresh.run,
    stage,
    plan: planTimeline({ invoice: fresh, customer, policy: policyFor(customer, tenant), stagesDone: [], now: now() }),
  });
  expect(out.outcome).toBe('sent');
  const mails = (await ses.messages()).filter((m) => JSON.stringify(m).includes(fresh.number));
  return JSON.stringify(mails.at(-1));
};

beforeAll(async () => {
  ses = await startSes();
  Object.assign(process.env, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, SENDER_EMAIL: 'crediti@officinerossi.example', SES_CONFIGURATION_SET: 'credits' });
  bank = await startBankUploads({ tenantId: T, bucket: 'customer-credits', now });
  await bank.store.tenants.putTenant(tenant);
  for (const [id, name] of [['C-ROSSI', 'Rossi SpA'], ['C-VERDI', 'Verdi Srl']] as const) {
    await bank.store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: id, name, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` }));
  }
  api = adminApiHandler(T, { commands: bank.commands });
});

afterAll(async () => {
  useSystemClock();
  await bank?.stop();
  await ses?.stop();
});

describe('an overpayment becomes credit on the customer\'s account, offered against the next invoices', () => {
  let overpaid: Invoice, small: Invoice, large: Invoice, pounds: Invoice, later: Invoice;
  let creditId: string;
  let path: string;
  /** The credit as it was after the first apply (20.00 left): what a lost answer's retry would hold. */
  let afterFirst: CustomerCredit;

  it('the statement pays the invoice, keeps the rest as the customer\'s credit and opens a task with the open invoices in its currency', async () => {
    overpaid = await invoice('2026/701', 'C-ROSSI', 100_000);
    small = await invoice('2026/702', 'C-ROSSI', 30_000, { dueDate: '2026-02-20' });
    large = await invoice('2026/703', 'C-ROSSI', 200_000, { dueDate: '2026-03-05' });
    pounds = await invoice('2026/704', 'C-ROSSI', 10_000, { currency: 'GBP' });
    await invoice('2026/705', 'C-VERDI', 10_000);
    creditId = await overpay('bank/2026-03-09-over.sta', 'MT-OVER-1', overpaid, '1500,00', 'Rossi SpA');
    path = `/v1/customers/C-ROSSI/credits/${creditId}`;
    expect((await view(overpaid)).invoice.status).toBe('paid');

    const task = (await bank.store.tasks.get(T, customerCreditTaskId('C-ROSSI', creditId)))!;
    expect(task).toMatchObject({
      kind: 'customerCredit',
      status: 'open',
      customerId: 'C-ROSSI',
      createdBy: 'bank',
      customerCredit: {
        creditId,
        amount: 50_000,
        currency: 'EUR',
        source: { kind: 'bankCredit', bankCreditId: creditId },
        invoiceId: overpaid.invoiceId,
        // Neither the overpaid invoice (paid by this very run), nor the GBP one, nor another customer's.
        offer: [
          { invoiceId: small.invoiceId, number: '2026/702', dueDate: '2026-02-20', amountDue: 30_000 },
          { invoiceId: large.invoiceId, number: '2026/703', dueDate: '2026-03-05', amountDue: 200_000 },
        ],
      },
    });
    const listed = await callApi(api, { method: 'GET', path: '/v1/tasks?kind=customerCredit', user: viewerUser });
    expect((listed.body as { items: { taskId: string }[] }).items.map((t) => t.taskId)).toEqual([task.taskId]);

    const credits = await callApi(api, { method: 'GET', path: '/v1/customers/C-ROSSI/credits', user: viewerUser });
    expect(credits.status).toBe(200);
    expect(credits.body).toEqual({ items: [expect.objectContaining({ creditId, amount: 50_000, left: 50_000, status: 'open', currency: 'EUR', source: { kind: 'overpayment' }, applications: [] })] });
    expect((credits.body as { items: object[] }).items[0]).not.toHaveProperty('tenantId');
  });

  it("is shown in the customer's next reminder beside what is due, which it does not change", async () => {
    const mail = await remind(large, 'firstOverdue');
    expect(mail).toContain('Credito a vostro favore');
    expect(mail).toMatch(/Pagamento in eccedenza del 10 marzo 2026: 500,00\s€/);
    expect(mail).toMatch(/2\.000,00\s€/);
  });

  it('applied to an invoice it more than covers: an offset payment from the credit settles it, the rest stays; retried with the same key, applied once', async () => {
    const first = await post(`${path}/apply`, { invoiceId: small.invoiceId }, 'credit-apply-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      amount: 30_000,
      credit: { creditId, left: 20_000, status: 'open', applications: [{ invoiceId: small.invoiceId, invoiceNumber: '2026/702', amount: 30_000, by: financeUser.sub }] },
      invoice: { invoiceId: small.invoiceId, status: 'paid', amountDue: 0 },
      payment: { amount: 30_000, method: 'offset', source: { kind: 'credit', creditId }, actor: financeUser.sub, actorEmail: financeUser.email, date: '2026-03-10' },
      taskCompleted: false,
    });
    const again = await post(`${path}/apply`, { invoiceId: small.invoiceId }, 'credit-apply-1');
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);

    const v = await view(small);
    expect(v.payments).toEqual([expect.objectContaining({ amount: 30_000, method: 'offset', source: { kind: 'credit', creditId } })]);
    expect(v.events.filter((e) => e.type === 'payment')).toHaveLength(1);
    afterFirst = (await bank.store.bankCredits.getCustomerCredit(T, 'C-ROSSI', creditId))!;
    expect(afterFirst).toMatchObject({ remaining: 20_000, status: 'open' });
    expect((await bank.store.tasks.get(T, customerCreditTaskId('C-ROSSI', creditId)))!.status).toBe('open');
  });

  it('refuses an invoice in another currency, one already paid, another customer\'s, and an unknown one', async () => {
    expect(await post(`${path}/apply`, { invoiceId: pounds.invoiceId }, 'credit-apply-gbp')).toMatchObject({ status: 422, body: { code: 'currency_mismatch' } });
    expect(await post(`${path}/apply`, { invoiceId: overpaid.invoiceId }, 'credit-apply-paid')).toMatchObject({ status: 422, body: { code: 'invoice_paid' } });
    expect(await post(`${path}/apply`, { invoiceId: 'INV-2026-705' }, 'credit-apply-verdi')).toMatchObject({ status: 422, body: { code: 'other_customer' } });
    expect((await post(`${path}/apply`, { invoiceId: 'INV-nope' }, 'credit-apply-nope')).status).toBe(404);
    expect((await post('/v1/customers/C-ROSSI/credits/bc_nope/apply', { invoiceId: large.invoiceId }, 'credit-apply-nocredit')).status).toBe(404);
    expect((await post(`${path}/apply`, { invoiceId: large.invoiceId }, 'credit-apply-viewer', viewerUser)).status).toBe(403);
    expect((await bank.store.bankCredits.getCustomerCredit(T, 'C-ROSSI', creditId))!.remaining).toBe(20_000);
  });

  it('applied to an invoice larger than what is left: a partial payment, the credit used up and its task done; again: 409', async () => {
    const r = await post(`${path}/apply`, { invoiceId: large.invoiceId }, 'credit-apply-2');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ amount: 20_000, credit: { left: 0, status: 'used' }, invoice: { status: 'open', amountDue: 180_000 }, taskCompleted: true });
    expect(amountDue((await view(large)).invoice)).toBe(180_000);
    const task = (await bank.store.tasks.get(T, customerCreditTaskId('C-ROSSI', creditId)))!;
    expect(task).toMatchObject({ status: 'done', completedBy: financeUser.sub, resolution: 'applied to invoice 2026/702 (€300.00), invoice 2026/703 (€200.00)' });

    const beyond = await post(`${path}/apply`, { invoiceId: large.invoiceId }, 'credit-apply-3');
    expect(beyond).toMatchObject({ status: 409, body: { code: 'credit_used' } });
    expect(await post(`${path}/refund`, {}, 'credit-refund-used')).toMatchObject({ status: 409, body: { code: 'credit_used' } });

    const log = await bank.store.customers.customerLog(T, 'C-ROSSI');
    expect(log.filter((e) => e.details?.kind === 'customerCreditApplied').map((e) => [e.details?.amount, e.details?.left])).toEqual([
      [30_000, 20_000],
      [20_000, 0],
    ]);
    const listed = await callApi(api, { method: 'GET', path: '/v1/customers/C-ROSSI/credits', user: viewerUser });
    expect((listed.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ creditId, left: 0, status: 'used', applications: [expect.objectContaining({ amount: 30_000 }), expect.objectContaining({ amount: 20_000 })] })]);
  });

  it('is no longer shown once used up', async () => {
    // A week later: the customer's contact limits allow no second reminder the same day.
    laterDays = 7;
    const mail = await remind(large, 'secondOverdue').finally(() => (laterDays = 0));
    expect(mail).toMatch(/1\.800,00\s€/);
    expect(mail).not.toContain('Credito a vostro favore');
  });

  it('a retry that read the credit before its last use (its answer lost) never applies it twice', async () => {
    // The same invoice: the once-item is there.
    await expect(applyCustomerCreditTo({ ...bank.store, commands: bank.commands }, afterFirst, large.invoiceId, { actor: 'anna', now: now(), timeZone: 'Europe/Rome', channel: 'api' })).rejects.toMatchObject({ code: 'credit_already_applied' });
    // Another invoice: the credit is no longer as it was read; read again, nothing is left.
    later = await invoice('2026/706', 'C-ROSSI', 5_000);
    const err = await applyCustomerCreditTo({ ...bank.store, commands: bank.commands }, afterFirst, later.invoiceId, { actor: 'anna', now: now(), timeZone: 'Europe/Rome', channel: 'api' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandRejected);
    expect(err).toMatchObject({ kind: 'conflict', code: 'credit_used' });
    expect((await view(later)).payments).toEqual([]);
    expect((await view(large)).invoice.amountPaid).toBe(20_000);
    expect((await bank.store.bankCredits.getCustomerCredit(T, 'C-ROSSI', creditId))!.remaining).toBe(0);
  });
});

describe('a credit refunded', () => {
  it('is closed as refunded with the customer\'s log entry, its task done; a second refund or an apply: 409', async () => {
    const inv = await invoice('2026/801', 'C-VERDI', 10_000);
    const next = await invoice('2026/802', 'C-VERDI', 40_000);
    const creditId = await overpay('bank/2026-03-09-verdi.sta', 'MT-OVER-2', inv, '125,00', 'Verdi Srl');
    const path = `/v1/customers/C-VERDI/credits/${creditId}`;
    expect((await bank.store.tasks.get(T, customerCreditTaskId('C-VERDI', creditId)))!.customerCredit?.offer.map((o) => o.number)).toEqual(['2026/705', '2026/802']);

    const r = await post(`${path}/refund`, { reference: 'SEPA-RIMB-0310', note: 'rimborso su richiesta' }, 'credit-refund-1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ amount: 2_500, taskCompleted: true, credit: { left: 0, status: 'refunded', refund: { amount: 2_500, reference: 'SEPA-RIMB-0310', note: 'rimborso su richiesta', by: financeUser.sub } } });
    expect((await bank.store.tasks.get(T, customerCreditTaskId('C-VERDI', creditId)))!).toMatchObject({ status: 'done', resolution: 'refunded €25.00 (SEPA-RIMB-0310)' });
    expect((await bank.store.customers.customerLog(T, 'C-VERDI')).find((e) => e.details?.kind === 'customerCreditRefunded')?.details).toMatchObject({ amount: 2_500, reference: 'SEPA-RIMB-0310' });

    expect(await post(`${path}/refund`, {}, 'credit-refund-2')).toMatchObject({ status: 409, body: { code: 'credit_refunded' } });
    expect(await post(`${path}/apply`, { invoiceId: next.invoiceId }, 'credit-refund-apply')).toMatchObject({ status: 409, body: { code: 'credit_refunded' } });
    expect((await view(next)).payments).toEqual([]);
    expect((await post(`${path}/refund`, { reference: '' }, 'credit-refund-bad')).status).toBe(400);
  });
});

describe('a credit taken away', () => {
  it('an undone match takes the overpayment\'s credit away and closes its task', async () => {
    const inv = await invoice('2026/901', 'C-ROSSI', 10_000);
    const creditId = await overpay('bank/2026-03-09-undo.sta', 'MT-OVER-3', inv, '110,00', 'Rossi SpA');
    expect((await bank.store.tasks.get(T, customerCreditTaskId('C-ROSSI', creditId)))!.status).toBe('open');
    const undone = await post(`/v1/bank-credits/${creditId}/undo`, { reason: 'not Rossi' }, 'credit-undo-1');
    expect(undone).toMatchObject({ status: 200, body: { customerCreditRemoved: true } });
    expect(await bank.store.bankCredits.getCustomerCredit(T, 'C-ROSSI', creditId)).toBeUndefined();
    expect((await bank.store.tasks.get(T, customerCreditTaskId('C-ROSSI', creditId)))!).toMatchObject({ status: 'done', resolution: expect.stringContaining('taken away') });
  });
});

describe('a credit note\'s rest', () => {
  it('is kept as the customer\'s credit and offered against its open invoices', async () => {
    const out = await applyCreditNotes(
      { commands: bank.commands, bankCredits: bank.store.bankCredits, customerCreditOffer: { tasks: bank.store.tasks, invoices: bank.store.invoices } },
      [{ customerId: 'C-VERDI', invoiceId: 'inv_cn9', record: { format: 'fatturapa', documentKind: 'credit_note', number: 'NC-9', issueDate: '2026-03-01', currency: 'EUR', amount: 4_000 } }],
      { tenantId: T, now: now(), timeZone: 'Europe/Rome' },
    );
    expect(out.totals.customerCredit).toBe(1);
    const task = (await bank.store.tasks.get(T, customerCreditTaskId('C-VERDI', 'inv_cn9')))!;
    expect(task).toMatchObject({ status: 'open', createdBy: 'system', customerCredit: { amount: 4_000, source: { kind: 'creditNote', number: 'NC-9' }, offer: [expect.objectContaining({ number: '2026/705' }), expect.objectContaining({ number: '2026/802' })] } });
    const r = await post('/v1/customers/C-VERDI/credits/inv_cn9/apply', { invoiceId: 'INV-2026-802' }, 'credit-note-apply');
    expect(r.body).toMatchObject({ amount: 4_000, credit: { status: 'used' }, payment: { reference: 'NC-9', source: { kind: 'credit', creditId: 'inv_cn9' } }, taskCompleted: true });
  });
});
