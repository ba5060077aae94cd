/**
 * Bank statements end to end on local services: camt files PUT to s3rver under bank/, its
 * ObjectCreated events handed to the production handler (handlers/bank-statements.ts), credits
 * stored in DynamoDB Local, matched and applied as payments through the real Commands adapter;
 * then the finance team's confirmation through the admin API. Fixtures are built inline; one real
 * sample is read in place from shared/conformance/bank.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { startBankUploads, type BankUploads } from '../support/bank-upload.js';
import { callApi, financeUser } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import type { StatementSummary } from '../../lambdas/app/bank/ingest-statement.js';
import { creditorReferenceFor } from '../../lambdas/domain/money/creditor-reference.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';

await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// The admin API's wiring builds its workflow and bus clients from these; this file passes its own commands.
Object.assign(process.env, { STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:bank-test', EVENT_BUS_NAME: 'sollecito-test', POWERTOOLS_LOG_LEVEL: 'SILENT' });

const T = 'bank-co';
const OUR_IBAN = 'IT60X0542811101000000123456';
const BUCKET = 'bank-test';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });

let bank: BankUploads;
let store: BankUploads['store'];
let stops: string[];
let commands: BankUploads['commands'];
/** PUTs a statement, lets s3rver emit its event and waits for the handler: its summary. */
const upload = async (key: string, body: string | Uint8Array): Promise<StatementSummary> => (await bank.upload(key, body))!;
const report = (key: string) => bank.report(key);

// ---------------------------------------------------------------------------------------------
// fixtures, built here

interface Entry {
  amount: string;
  dir?: 'CRDT' | 'DBIT';
  ref?: string;
  date?: string;
  e2e?: string;
  debtor?: string;
  debtorIban?: string;
  rf?: string;
  text?: string;
}

const ntry = (e: Entry): string => {
  const remittance = e.rf
    ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${e.rf}</Ref></CdtrRefInf></Strd>`
    : `<Ustrd>${e.text ?? ''}</Ustrd>`;
  return (
    `<Ntry><Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>${e.dir ?? 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>` +
    `<BookgDt><Dt>${e.date ?? '2026-03-09'}</Dt></BookgDt><ValDt><Dt>${e.date ?? '2026-03-09'}</Dt></ValDt>` +
    (e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : '') +
    `<NtryDtls><TxDtls><Refs><EndToEndId>${e.e2e ?? 'NOTPROVIDED'}</EndToEndId></Refs>` +
    `<RltdPties><Dbtr><Nm>${e.debtor ?? 'Rossi SpA'}</Nm></Dbtr><DbtrAcct><Id><IBAN>${e.debtorIban ?? 'DE89370400440532013000'}</IBAN></Id></DbtrAcct></RltdPties>` +
    `<RmtInf>${remittance}</RmtInf></TxDtls></NtryDtls></Ntry>`
  );
};

const camt = (message: '053' | '054', entries: Entry[], account = OUR_IBAN): string => {
  const [doc, rep] = message === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${message}.001.02"><${doc}>` +
    `<GrpHdr><MsgId>MSG-${message}</MsgId><CreDtTm>2026-03-09T20:00:00</CreDtTm></GrpHdr>` +
    `<${rep}><Id>S-${message}</Id><Acct><Id><IBAN>${account}</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries.map(ntry).join('')}</${rep}></${doc}></Document>`
  );
};

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: OUR_IBAN,
  // The real sample's account (viafintech) is the company's second account.
  bankAccounts: [{ iban: OUR_IBAN, currency: 'EUR' }, { iban: 'DE14740618130000033626' }],
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@officinerossi.example'],
});

const customer = (id: string, name: string) =>
  Customer.parse({ tenantId: T, customerId: id, name, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` });

const invoice = async (number: string, amount: number, over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${number}`,
    number,
    customerId: 'C-ROSSI',
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
  await store.invoices.putInvoice(inv);
  return inv;
};

/** An RF reference with its check digits broken: the matcher may suggest its invoice, never apply it. */
const garble = (rf: string): string => `RF${rf.slice(2, 4) === '99' ? '98' : '99'}${rf.slice(4)}`;

beforeAll(async () => {
  bank = await startBankUploads({ tenantId: T, bucket: BUCKET, now: () => new Date(NOW.getTime() + ticks++) });
  ({ store, stops, commands } = bank);
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer('C-ROSSI', 'Rossi SpA'));
  await store.customers.putCustomer(customer('C-VERDI', 'Verdi Srl'));
});

afterAll(async () => {
  useSystemClock();
  await bank?.stop();
});

// ---------------------------------------------------------------------------------------------

describe('a camt.053 with a valid RF reference', () => {
  it('pays the invoice, the payment naming the file and entry; debits are counted; the same file again adds nothing', async () => {
    const inv = await invoice('2026/101', 120_000);
    const key = 'bank/2026-03-09.camt053.xml';
    const xml = camt('053', [{ amount: '55.10', dir: 'DBIT', ref: 'D-1' }, { amount: '1200.00', ref: 'BR-101', rf: inv.paymentReference!, e2e: 'E2E-101' }]);
    const s = await upload(key, xml);
    expect(s).toMatchObject({ kind: 'bank', format: 'camt.053', credits: 1, added: 1, duplicates: 0, debitsSkipped: 1, fileRejected: false });
    expect(s.reconciled).toMatchObject({ matched: 1, payments: 1 });

    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice.status).toBe('paid');
    expect(view.payments).toHaveLength(1);
    const [credit] = await store.bankCredits.list(T, { status: 'matched' });
    expect(view.payments[0]).toMatchObject({ amount: 120_000, actor: 'bank', date: '2026-03-09', reference: inv.paymentReference, source: { kind: 'statement', file: key, entry: 2, creditId: credit!.creditId } });
    const logged = view.events.find((e) => e.type === 'payment')!;
    expect(logged).toMatchObject({ channel: 'system', actor: 'bank', details: { source: { kind: 'statement', file: key, entry: 2 } } });
    expect(credit).toMatchObject({ amount: 120_000, bookingDate: '2026-03-09', bankReference: 'BR-101', endToEndId: 'E2E-101', status: 'matched', rule: 'creditorReference', source: { key, entryIndex: 2 } });
    expect(stops).toHaveLength(1);

    // The same statement again, under another name: nothing twice.
    const again = await upload('bank/2026-03-09-copy.camt053.xml', xml);
    expect(again).toMatchObject({ added: 0, duplicates: 1 });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toHaveLength(1);
    expect((await store.bankCredits.list(T)).filter((c) => c.bankReference === 'BR-101')).toHaveLength(1);
  });

  it('a camt.054 then the camt.053 repeating its entries: one credit, one payment', async () => {
    const inv = await invoice('2026/102', 30_000);
    const entry = { amount: '300.00', ref: 'BR-102', rf: inv.paymentReference!, e2e: 'E2E-102' };
    expect(await upload('bank/ntf-0309.camt054.xml', camt('054', [entry]))).toMatchObject({ format: 'camt.054', added: 1 });
    expect(await upload('bank/stmt-0309.camt053.xml', camt('053', [{ amount: '12.00', ref: 'BR-OTHER', dir: 'DBIT' }, entry]))).toMatchObject({ added: 0, duplicates: 1, debitsSkipped: 1 });
    expect((await store.bankCredits.list(T)).filter((c) => c.bankReference === 'BR-102')).toHaveLength(1);
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice.status).toBe('paid');
    expect(view.payments).toHaveLength(1);
  });
});

describe('statements Sollecito refuses', () => {
  it('a statement for another account is refused with the reason, nothing stored', async () => {
    const before = (await store.bankCredits.list(T)).length;
    const key = 'bank/someone-else.camt053.xml';
    const s = await upload(key, camt('053', [{ amount: '10.00', ref: 'X-1' }], 'DE89370400440532013000'));
    expect(s).toMatchObject({ fileRejected: true, added: 0, refusedAccounts: ['DE89370400440532013000'] });
    const r = await report(key);
    expect(r.errors[0]).toMatchObject({ field: 'account', value: 'DE89370400440532013000' });
    expect(r.errors[0]!.reason).toMatch(/not one of the company's accounts/);
    expect((await store.bankCredits.list(T)).length).toBe(before);
  });

  it('a file that is no statement gets a report next to it', async () => {
    const key = 'bank/notes.txt';
    expect(await upload(key, 'hello')).toMatchObject({ fileRejected: true });
    expect((await report(key)).errors[0]!.reason).toMatch(/\w/);
  });
});

describe('credits for a person to confirm', () => {
  it('a garbled reference: a creditToConfirm task and no payment; confirmed through the API: paid, IBAN learned', async () => {
    const inv = await invoice('2026/103', 45_000);
    const s = await upload('bank/garbled.camt053.xml', camt('053', [{ amount: '450.00', ref: 'BR-103', rf: garble(inv.paymentReference!), debtorIban: 'IT02L1234512345123456789012' }]));
    expect(s.reconciled).toMatchObject({ matched: 0, payments: 0, tasksOpened: 1 });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toHaveLength(0);
    const credit = (await store.bankCredits.list(T)).find((c) => c.bankReference === 'BR-103')!;
    expect(['suggested', 'unmatched']).toContain(credit.status);
    const task = (await store.tasks.list(T, { kind: 'creditToConfirm' })).find((t) => t.credit?.creditId === credit.creditId)!;
    expect(task).toMatchObject({ status: 'open', createdBy: 'bank', credit: { amount: 45_000, currency: 'EUR' } });

    const api = adminApiHandler(T, { commands });
    const list = await callApi(api, { method: 'GET', path: '/v1/bank-credits?status=' + credit.status, user: financeUser });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { creditId: string }) => c.creditId)).toContain(credit.creditId);

    const ok = await callApi(api, {
      method: 'POST',
      path: `/v1/bank-credits/${credit.creditId}/confirm`,
      body: { allocations: [{ invoiceId: inv.invoiceId, amount: 45_000 }] },
      user: financeUser,
      idempotencyKey: 'confirm-103',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ credit: { status: 'matched' }, failures: [], debtorIbanLearned: { iban: 'IT02L1234512345123456789012', customerId: 'C-ROSSI' } });
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice.status).toBe('paid');
    expect(view.payments[0]).toMatchObject({ actor: financeUser.sub, actorEmail: financeUser.email, source: { kind: 'statement', creditId: credit.creditId } });
    expect((await store.bankCredits.knownDebtorIbans(T)).get('IT02L1234512345123456789012')).toBe('C-ROSSI');
    expect((await store.tasks.get(T, task.taskId))!.status).toBe('done');

    // Decided: a second confirmation (another key) is a conflict.
    const twice = await callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/confirm`, body: {}, user: financeUser, idempotencyKey: 'confirm-103b' });
    expect(twice.status).toBe(409);
  });

  it('a credit rejected through the API', async () => {
    await upload('bank/refund.camt053.xml', camt('053', [{ amount: '77.00', ref: 'BR-REFUND', debtor: 'Fornitore Qualunque', debtorIban: 'FR1420041010050500013M02606', text: 'rimborso' }]));
    const credit = (await store.bankCredits.list(T)).find((c) => c.bankReference === 'BR-REFUND')!;
    const api = adminApiHandler(T, { commands });
    const r = await callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/reject`, body: { reason: 'a supplier refund' }, user: financeUser, idempotencyKey: 'reject-1' });
    expect(r.status).toBe(200);
    expect(r.body.credit.status).toBe('rejected');
    expect((await callApi(api, { method: 'POST', path: '/v1/bank-credits/bc_nope/reject', body: { reason: 'x' }, user: financeUser, idempotencyKey: 'reject-2' })).status).toBe(404);
  });
});

describe('an overpayment', () => {
  it('pays the invoice and records the rest as the customer credit', async () => {
    const inv = await invoice('2026/104', 50_000);
    const s = await upload('bank/over.camt053.xml', camt('053', [{ amount: '600.00', ref: 'BR-104', rf: inv.paymentReference! }]));
    expect(s.reconciled).toMatchObject({ matched: 1, customerCredits: 1 });
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice.status).toBe('paid');
    expect(view.payments[0]!.amount).toBe(50_000);
    const credits = await store.bankCredits.customerCredits(T, 'C-ROSSI');
    expect(credits).toEqual([expect.objectContaining({ amount: 10_000, currency: 'EUR', invoiceId: inv.invoiceId })]);
    const log = await store.customers.customerLog(T, 'C-ROSSI');
    expect(log.some((e) => e.details?.kind === 'customerCredit' && e.details.amount === 10_000)).toBe(true);
  });
});

describe('a real statement (shared/conformance/bank, read in place)', () => {
  it('viafintech camt.053: its credit stored and decided, its debits counted', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '../../..', 'shared', 'conformance', 'bank', 'viafintech-053-valid_example.xml'));
    const s = await upload('bank/viafintech-053.xml', bytes);
    expect(s).toMatchObject({ format: 'camt.053', credits: 1, added: 1, debitsSkipped: 3, fileRejected: false });
    const credit = (await store.bankCredits.list(T)).find((c) => c.bankReference === '2013122711085260000')!;
    expect(credit).toMatchObject({ amount: 100, account: { iban: 'DE14740618130000033626' }, source: { key: 'bank/viafintech-053.xml', entryIndex: 3 } });
    expect(credit.decidedAt).toBeDefined();
    expect(credit.status).not.toBe('matched');
  });
});
