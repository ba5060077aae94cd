/**
 * Money that comes back, end to end on DynamoDB Local with the real adapters: a direct-debit
 * collection read from a camt.053 pays an invoice, then the camt.054 with its SDD return (AM04,
 * a bank charge) takes the payment back: the invoice is open again with the charge on it, the
 * log says why, and the table stream's reaction restarts its timeline; the same camt.054 again
 * reverses nothing. A RiBa insoluto in a bank CSV does the same; a return with no credit behind it
 * is a task. Then a match undone through the admin API. Statements are handed to the use case
 * (ingest-statement.ts) from memory; fixtures are built here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { localStreamPoller, useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { callApi, financeUser } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { invoiceChangeOf } from '../../lambdas/adapters/dynamo/stream-images.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoReports } from '../../lambdas/adapters/dynamo-reports.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { ingestStatement, type IngestStatementDeps } from '../../lambdas/app/bank/ingest-statement.js';
import type { Blobs } from '../../lambdas/app/ports/blobs.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { creditorReferenceFor } from '../../lambdas/domain/money/creditor-reference.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { reactionsTo } from '../../lambdas/domain/timeline/invoice-reactions.js';
import { recordInvoiceActivity } from '../../lambdas/app/timeline/record-invoice-activity.js';
import { withoutReversed } from '../../lambdas/domain/reports/activity.js';
import { timelineDeps } from '../support/timeline-deps.js';

const table = await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
Object.assign(process.env, { STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:returns-test', EVENT_BUS_NAME: 'sollecito-test', POWERTOOLS_LOG_LEVEL: 'SILENT' });

const T = 'returns-co';
const OUR_IBAN = 'IT60X0542811101000000123456';
const BIANCHI_IBAN = 'IT02L1234512345123456789012';
const NOW = new Date('2026-03-20T09:00:00Z');
let ticks = 0;
const now = () => new Date(NOW.getTime() + ticks++);
useClock({ now });

const store = dynamoRepositories(tableFromEnv());
const stops: string[] = [];
const workflow: Workflow = { start: async () => ({ executionArn: 'arn', alreadyStarted: false }), stop: async (name) => void stops.push(name) };
const commands = new DynamoCommands(workflow, tableFromEnv());

/** The statements, kept in memory: the use case opens the one it is told. */
const files = new Map<string, string>();
const documents: Pick<Blobs, 'open' | 'put'> = {
  open: async (key) => {
    const text = files.get(key);
    return text === undefined ? undefined : { body: (async function* () { yield Buffer.from(text); })() };
  },
  put: async () => undefined,
};
const deps: IngestStatementDeps = {
  ...testObservability('bank-returns'),
  tenants: store.tenants,
  bankCredits: store.bankCredits,
  receivables: new DynamoReports(tableFromEnv()),
  commands,
  tasks: store.tasks,
  statementFeed: store.statementFeed,
  documents,
  now,
};
const ingest = (key: string, text: string) => {
  files.set(key, text);
  return ingestStatement(deps, { tenantId: T, key });
};

/** What the table stream asks of the timeline for each invoice change (the reactions of react-to-invoice-change.ts). */
const started: string[] = [];
const poller = localStreamPoller(table, {
  filter: (r) => (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.entity?.S === 'invoice',
  handler: async (event: DynamoDBStreamEvent) => {
    for (const record of event.Records) {
      const c = invoiceChangeOf(record);
      if (typeof c === 'string') continue;
      // What the weekly report reads (record-invoice-activity.ts, as the table-stream function runs it).
      await recordInvoiceActivity(timelineDeps(), { ...(c.beforeInvoice ? { before: c.beforeInvoice } : {}), ...(c.afterInvoice ? { after: c.afterInvoice } : {}) });
      for (const r of reactionsTo(c.change, c.before, c.after)) {
        if ((r.action === 'start' || r.action === 'restart') && c.after) started.push(executionName(c.after.tenantId, c.after.invoiceId, c.after.revision, c.after.run));
      }
    }
    return { batchItemFailures: [] };
  },
});
const drain = async () => {
  while ((await poller.pollOnce()) > 0);
};

// ---------------------------------------------------------------------------------------------
// fixtures

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: OUR_IBAN,
  bankAccounts: [{ iban: OUR_IBAN, currency: 'EUR' }],
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@officinerossi.example'],
});

const customer = (id: string, name: string) =>
  Customer.parse({ tenantId: T, customerId: id, name, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` });

const invoice = async (number: string, amount: number, customerId: string, over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${number.replace('/', '-')}`,
    number,
    customerId,
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    currency: 'EUR',
    amount,
    status: 'open',
    paymentReference: creditorReferenceFor(number),
    run: 1,
    createdAt: '2026-01-15T08:00:00.000Z',
    updatedAt: '2026-01-15T08:00:00.000Z',
    ...over,
  });
  await store.invoices.putInvoice(inv);
  return inv;
};

const camt = (message: '053' | '054', entries: string[]): string => {
  const [doc, rep] = message === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${message}.001.08"><${doc}>` +
    `<GrpHdr><MsgId>MSG-${message}</MsgId><CreDtTm>2026-03-19T20:00:00</CreDtTm></GrpHdr>` +
    `<${rep}><Id>S-${message}</Id><Acct><Id><IBAN>${OUR_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries.join('')}</${rep}></${doc}></Document>`
  );
};

/** The day's SDD collection: one batch entry, one transaction per debtor. */
const collection = (rf: string) =>
  `<Ntry><Amt Ccy="EUR">150.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>` +
  `<AcctSvcrRef>COLL-0302</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>` +
  `<NtryDtls><TxDtls><Refs><EndToEndId>SDD-201-0302</EndToEndId><MndtId>MANDATE-BIANCHI-1</MndtId></Refs><Amt Ccy="EUR">150.00</Amt>` +
  `<RltdPties><Dbtr><Pty><Nm>Bianchi Srl</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${BIANCHI_IBAN}</IBAN></Id></DbtrAcct></RltdPties>` +
  `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${rf}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`;

/** Its return, days later: AM04 (insufficient funds), the bank's 3.50 charge kept apart from the booked amount. */
const sddReturn =
  `<Ntry><Amt Ccy="EUR">150.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-09</Dt></BookgDt><ValDt><Dt>2026-03-09</Dt></ValDt>` +
  `<AcctSvcrRef>RTRN-0309-1</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>` +
  `<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">3.50</TtlChrgsAndTaxAmt><Rcrd><Amt Ccy="EUR">3.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>false</ChrgInclInd></Rcrd></Chrgs>` +
  `<NtryDtls><TxDtls><Refs><EndToEndId>SDD-201-0302</EndToEndId></Refs><Amt Ccy="EUR">150.00</Amt>` +
  `<RltdPties><Dbtr><Pty><Nm>Bianchi Srl</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${BIANCHI_IBAN}</IBAN></Id></DbtrAcct></RltdPties>` +
  `<RtrInf><Rsn><Cd>AM04</Cd></Rsn><AddtlInf>Insufficient funds</AddtlInf></RtrInf></TxDtls></NtryDtls></Ntry>`;

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer('C-BIANCHI', 'Bianchi Srl'));
  await store.customers.putCustomer(customer('C-VERDI', 'Verdi Snc'));
  await store.customers.putCustomer(customer('C-NERI', 'Neri Sas'));
  await poller.init();
});

afterAll(() => {
  poller.stop();
  useSystemClock();
});

// ---------------------------------------------------------------------------------------------

describe('an SDD collection returned AM04 (camt.053, then camt.054)', () => {
  it('opens the invoice again with the charge shown, logs why, restarts its timeline; the same camt.054 again reverses nothing', async () => {
    const inv = await invoice('2026/201', 15_000, 'C-BIANCHI');
    const collected = await ingest('bank/2026-03-02.camt053.xml', camt('053', [collection(inv.paymentReference!)]));
    expect(collected.reconciled).toMatchObject({ matched: 1, payments: 1 });
    const paid = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(paid.invoice.status).toBe('paid');
    const [credit] = (await store.bankCredits.list(T, { status: 'matched' })).filter((c) => c.endToEndId === 'SDD-201-0302');
    expect(credit!.applied).toEqual([{ invoiceId: inv.invoiceId, amount: 15_000, paymentId: paid.payments[0]!.paymentId, invoiceNumber: '2026/201' }]);
    await drain();
    started.length = 0;

    const key = 'bank/2026-03-09.camt054.xml';
    const xml = camt('054', [sddReturn]);
    const s = await ingest(key, xml);
    expect(s).toMatchObject({ format: 'camt.054', returns: 1, added: 1 });
    expect(s.returned).toEqual({ actedOn: 1, creditsReturned: 1, paymentsReversed: 1, tasksOpened: 0 });

    // The invoice: open again, the amount due back, the charge recorded, a new run.
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice).toMatchObject({ status: 'open', amountPaid: 0, run: paid.invoice.run + 1 });
    const [ret] = (await store.bankCredits.list(T, { status: 'returned' })).filter((c) => c.bankReference === 'RTRN-0309-1');
    expect(view.invoice.reversals).toEqual([
      expect.objectContaining({ paymentId: paid.payments[0]!.paymentId, amount: 15_000, kind: 'return', by: 'bank', reason: 'AM04', reasonText: 'Insufficient funds', charge: 350, creditId: ret!.creditId }),
    ]);
    expect(view.payments[0]!.reversed).toMatchObject({ kind: 'return', by: 'bank', reason: 'AM04', creditId: ret!.creditId });
    const logged = view.events.filter((e) => e.type === 'payment_reversed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ channel: 'system', actor: 'bank', details: { reason: 'AM04', charge: 350, amountDue: 15_000, from: 'paid', to: 'open' } });
    expect(logged[0]!.details!.text).toMatch(/returned by the bank \(AM04 Insufficient funds\); bank charge for the returned payment €3\.50; €150\.00 due again/);

    // The credit taken back, the return acted on.
    expect(await store.bankCredits.get(T, credit!.creditId)).toMatchObject({ status: 'returned', returnedBy: { creditId: ret!.creditId, reason: 'AM04' } });
    expect(ret).toMatchObject({ returned: { kind: 'return', direction: 'debit', reason: 'AM04', charge: 350, originalEndToEndId: 'SDD-201-0302' }, actedOn: { originalCreditId: credit!.creditId, rule: 'endToEndId' } });
    expect(ret!.actedOn!.reversed).toEqual([{ invoiceId: inv.invoiceId, paymentId: paid.payments[0]!.paymentId, amount: 15_000 }]);

    // The stream restarts the timeline under the new run.
    await drain();
    expect(started).toEqual([executionName(T, inv.invoiceId, view.invoice.revision, view.invoice.run)]);

    // The weekly report's feed: the payment collected, then taken back on the day of the return; it no longer counts.
    const feed = (await new DynamoReports(tableFromEnv()).activity(T, '2026-03-01', '2026-03-31')).filter((a) => a.invoiceId === inv.invoiceId);
    expect(feed.filter((a) => a.kind === 'collected' || a.kind === 'reversed')).toEqual([
      expect.objectContaining({ kind: 'collected', amount: 15_000, paymentId: paid.payments[0]!.paymentId }),
      expect.objectContaining({ kind: 'reversed', amount: 15_000, paymentId: paid.payments[0]!.paymentId, reason: 'return', date: '2026-03-20' }),
    ]);
    expect(withoutReversed(feed).filter((a) => a.kind === 'collected' || (a.kind === 'closed' && a.outcome === 'paid'))).toEqual([]);

    // The same notification again: stored once, acted on once.
    const again = await ingest('bank/2026-03-09-again.camt054.xml', xml);
    expect(again).toMatchObject({ added: 0, duplicates: 1, returned: { actedOn: 0, paymentsReversed: 0 } });
    const after = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(after.invoice).toMatchObject({ amountPaid: 0, run: view.invoice.run });
    expect(after.invoice.reversals).toHaveLength(1);
    expect(after.events.filter((e) => e.type === 'payment_reversed')).toHaveLength(1);
  });
});

describe('a RiBa insoluto in a bank CSV', () => {
  it('takes back the RiBa credit of the invoice it names, its commission row the charge', async () => {
    const inv = await invoice('2026/301', 122_000, 'C-VERDI', { dueDate: '2026-03-05' });
    const header = 'Data contabile;Data valuta;Importo;Divisa;Causale;Descrizione';
    const credited = await ingest('bank/movimenti-0305.csv', [header, '05/03/2026;05/03/2026;1.220,00;EUR;ACCREDITO EFFETTI;ACCREDITO RIBA FT 2026/301 VERDI SNC'].join('\n'));
    expect(credited.reconciled).toMatchObject({ matched: 1, payments: 1 });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.status).toBe('paid');

    const s = await ingest(
      'bank/movimenti-0316.csv',
      [header, '16/03/2026;16/03/2026;-1.220,00;EUR;INSOLUTI;RIBA INSOLUTA FT 2026/301 SCAD. 05/03/2026 VERDI SNC', '16/03/2026;16/03/2026;-7,50;EUR;COMMISSIONI;COMM. INSOLUTO RIBA'].join('\n'),
    );
    expect(s).toMatchObject({ format: 'csv', returns: 1, debitsSkipped: 0, returned: { actedOn: 1, paymentsReversed: 1 } });
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice).toMatchObject({ status: 'open', amountPaid: 0 });
    expect(view.invoice.reversals).toEqual([expect.objectContaining({ reason: 'RIBA_UNPAID', charge: 750 })]);
    const ret = (await store.bankCredits.list(T, { status: 'returned' })).find((c) => c.returned?.reason === 'RIBA_UNPAID')!;
    expect(ret.actedOn).toMatchObject({ rule: 'invoiceNamedAmount' });
  });
});

describe('a return no credit can be found for', () => {
  it('opens a return-to-review task and reverses nothing', async () => {
    const orphan =
      `<Ntry><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-18</Dt></BookgDt><AcctSvcrRef>RTRN-0318-9</AcctSvcrRef>` +
      `<NtryDtls><TxDtls><Refs><EndToEndId>UNKNOWN-E2E</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>Neri Sas</Nm></Pty></Dbtr></RltdPties><RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`;
    const s = await ingest('bank/2026-03-18.camt054.xml', camt('054', [orphan]));
    expect(s.returned).toMatchObject({ actedOn: 1, creditsReturned: 0, paymentsReversed: 0, tasksOpened: 1 });
    const [task] = await store.tasks.list(T, { kind: 'returnToReview' });
    expect(task).toMatchObject({ status: 'open', createdBy: 'bank', credit: { amount: 9_900, debtorName: 'Neri Sas' } });
    expect(task!.credit!.reasons[0]).toMatch(/MD06.*no earlier credit it returns was found/);
  });
});

describe('a match undone through the admin API', () => {
  const RF_WRONG = (rf: string): string => `RF${rf.slice(2, 4) === '99' ? '98' : '99'}${rf.slice(4)}`;

  it('reverses the payment, forgets the IBAN it alone taught, and lets the credit be confirmed again; replayed once, then 409', async () => {
    const inv = await invoice('2026/401', 50_000, 'C-NERI');
    const entry =
      `<Ntry><Amt Ccy="EUR">500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-19</Dt></BookgDt><AcctSvcrRef>BR-401</AcctSvcrRef>` +
      `<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>N. S.</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>` +
      `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${RF_WRONG(inv.paymentReference!)}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    await ingest('bank/2026-03-19.camt053.xml', camt('053', [entry]));
    const credit = (await store.bankCredits.list(T)).find((c) => c.bankReference === 'BR-401')!;
    const api = adminApiHandler(T, { commands });
    const confirm = (key: string) =>
      callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/confirm`, body: { allocations: [{ invoiceId: inv.invoiceId, amount: 50_000 }] }, user: financeUser, idempotencyKey: key });
    expect((await confirm('confirm-401')).body).toMatchObject({ credit: { status: 'matched' }, debtorIbanLearned: { customerId: 'C-NERI' } });
    const paid = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(paid.invoice.status).toBe('paid');

    const undo = () => callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/undo`, body: { reason: 'the transfer was for another supplier' }, user: financeUser, idempotencyKey: 'undo-401' });
    const r = await undo();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      credit: { status: credit.suggestions.length > 0 ? 'suggested' : 'unmatched', applied: [] },
      reversed: [{ invoiceId: inv.invoiceId, paymentId: paid.payments[0]!.paymentId, amount: 50_000, reopened: true }],
      failures: [],
      customerCreditRemoved: false,
      debtorIbanForgotten: { iban: 'FR1420041010050500013M02606', customerId: 'C-NERI' },
    });
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice).toMatchObject({ status: 'open', amountPaid: 0, run: paid.invoice.run + 1 });
    expect(view.invoice.reversals).toEqual([expect.objectContaining({ kind: 'undo', by: financeUser.sub, reasonText: 'the transfer was for another supplier', creditId: credit.creditId })]);
    expect(view.events.find((e) => e.type === 'payment_reversed')).toMatchObject({ channel: 'api', actor: financeUser.sub, actorEmail: financeUser.email, details: { kind: 'undo' } });
    expect((await store.bankCredits.knownDebtorIbans(T)).has('FR1420041010050500013M02606')).toBe(false);
    expect(await store.tasks.get(T, `creditToConfirm#${credit.creditId}`)).toMatchObject({ status: 'open', createdBy: financeUser.sub });

    // The same request replayed answers the same; another one finds nothing left to undo.
    const replay = await undo();
    expect(replay.status).toBe(200);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    const twice = await callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/undo`, body: {}, user: financeUser, idempotencyKey: 'undo-401b' });
    expect(twice.status).toBe(409);

    // Confirmed again: the same invoice may be paid from it once more.
    expect((await confirm('confirm-401-again')).body).toMatchObject({ credit: { status: 'matched' }, failures: [] });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice).toMatchObject({ status: 'paid', amountPaid: 50_000 });
  });

  it('takes away the customer credit an overpayment left; a credit that paid nothing is a conflict', async () => {
    const inv = await invoice('2026/402', 40_000, 'C-NERI');
    const over =
      `<Ntry><Amt Ccy="EUR">450.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-19</Dt></BookgDt><AcctSvcrRef>BR-402</AcctSvcrRef>` +
      `<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${inv.paymentReference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`;
    expect((await ingest('bank/2026-03-19-b.camt053.xml', camt('053', [over]))).reconciled).toMatchObject({ matched: 1, customerCredits: 1 });
    const credit = (await store.bankCredits.list(T)).find((c) => c.bankReference === 'BR-402')!;
    expect(await store.bankCredits.customerCredits(T, 'C-NERI')).toHaveLength(1);

    const api = adminApiHandler(T, { commands });
    const r = await callApi(api, { method: 'POST', path: `/v1/bank-credits/${credit.creditId}/undo`, body: {}, user: financeUser, idempotencyKey: 'undo-402' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ customerCreditRemoved: true, credit: { applied: [] } });
    expect(r.body.credit).not.toHaveProperty('customerCredit');
    expect(r.body.credit).not.toHaveProperty('rule');
    expect(await store.bankCredits.customerCredits(T, 'C-NERI')).toEqual([]);
    expect((await store.customers.customerLog(T, 'C-NERI')).some((e) => e.details?.kind === 'customerCreditRemoved')).toBe(true);
    expect((await store.bankCredits.get(T, credit.creditId))).not.toHaveProperty('customerCredit');

    const orphan = (await store.bankCredits.list(T, { status: 'returned' }))[0]!;
    expect((await callApi(api, { method: 'POST', path: `/v1/bank-credits/${orphan.creditId}/undo`, body: {}, user: financeUser, idempotencyKey: 'undo-ret' })).status).toBe(409);
  });
});
