/**
 * MT940 and a bank's CSV export end to end, as camt is in bank-statements.test.ts: PUT to s3rver
 * under bank/, read by the production handler, credits stored once in DynamoDB Local, matched and
 * applied through the real Commands adapter; a broken file reported next to the original; the
 * statement feed marked with the day each file covers. Fixtures are built here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { startBankUploads, type BankUploads } from '../support/bank-upload.js';
import { callApi, financeUser, viewerUser } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoReports } from '../../lambdas/adapters/dynamo-reports.js';
import { creditorReferenceFor } from '../../lambdas/domain/money/creditor-reference.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';

await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
// The admin API's wiring builds its workflow and bus clients from these.
Object.assign(process.env, { STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:bank-formats', EVENT_BUS_NAME: 'sollecito-test' });

const T = 'bank-formats-co';
const OUR_IBAN = 'IT60X0542811101000000123456';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
const now = () => new Date(NOW.getTime() + ticks++);
useClock({ now });

let bank: BankUploads;

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: OUR_IBAN,
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@officinerossi.example'],
  bankStatements: { everyBusinessDays: 1, staleAfterBusinessDays: 2 },
  // Up to 2.00 EUR short (the payer's bank charges) still settles an invoice.
  paymentTolerances: [{ currency: 'EUR', shortBy: 200 }],
});

const invoice = async (number: string, customerId: string, amount: number): Promise<Invoice> => {
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
  });
  await bank.store.invoices.putInvoice(inv);
  return inv;
};

/** An MT940 statement of the company's account with the given :61:/:86: lines, its closing balance adding them up. */
const mt940 = (lines: string[], opts: { ref?: string; account?: string; day?: string } = {}) => {
  const day = opts.day ?? '260309';
  const cents = lines
    .map((l) => /^:61:\d{6}(?:\d{4})?(C|D)(\d+),(\d{2})/.exec(l))
    .reduce((sum, m) => (m ? sum + (m[1] === 'C' ? 1 : -1) * Number(`${m[2]}${m[3]}`) : sum), 100_000);
  const closing = `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  return [`:20:${opts.ref ?? 'STMT-0309'}`, `:25:${opts.account ?? OUR_IBAN}`, ':28C:00045/001', `:60F:C${day}EUR1000,00`, ...lines, `:62F:C${day}EUR${closing}`, '-'].join('\r\n');
};

beforeAll(async () => {
  bank = await startBankUploads({ tenantId: T, bucket: 'bank-formats', now });
  await bank.store.tenants.putTenant(tenant);
  for (const [id, name] of [['C-ROSSI', 'Rossi SpA'], ['C-VERDI', 'Verdi Srl']] as const) {
    await bank.store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: id, name, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` }));
  }
});

afterAll(async () => {
  useSystemClock();
  await bank?.stop();
});

describe('an MT940 statement', () => {
  it('pays an invoice by its RF reference and another by the number in the text; the same file again adds nothing; the feed is marked', async () => {
    const byRf = await invoice('2026/201', 'C-ROSSI', 120_000);
    const byNumber = await invoice('2026/202', 'C-VERDI', 45_050);
    const text = mt940([
      ':61:2603090309C1200,00NTRFNONREF//MT-BR-1',
      `:86:166?00BONIFICO?20EREF+E2E-201?21SVWZ+${byRf.paymentReference}?32Rossi SpA?31DE89370400440532013000`,
      ':61:2603090309C450,50NTRFNONREF//MT-BR-2',
      ':86:166?00BONIFICO?20SVWZ+Saldo Fatt. n. 2026/202?32Verdi Srl?31IT02A0301503200000003517230',
      ':61:2603090309D80,00NTRFNONREF//MT-BR-3',
      ':86:177?00UTENZE?20Energia marzo',
    ]);
    const s = await bank.upload('bank/2026-03-09.sta', text);
    expect(s).toMatchObject({ format: 'mt940', credits: 2, added: 2, debitsSkipped: 1, fileRejected: false, reconciled: { matched: 2, payments: 2 } });

    for (const inv of [byRf, byNumber]) {
      const view = (await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.invoice.status, inv.number).toBe('paid');
      expect(view.payments[0], inv.number).toMatchObject({ amount: inv.amount, actor: 'bank', date: '2026-03-09', source: { kind: 'statement', file: 'bank/2026-03-09.sta' } });
    }
    const credits = await bank.store.bankCredits.list(T, { status: 'matched' });
    expect(credits.map((c) => [c.bankReference, c.rule, c.source.format]).sort()).toEqual([
      ['MT-BR-1', 'creditorReference', 'mt940'],
      ['MT-BR-2', 'invoiceNumbers', 'mt940'],
    ]);
    expect(await bank.store.statementFeed.marks(T)).toEqual([expect.objectContaining({ account: OUR_IBAN, lastDay: '2026-03-09', key: 'bank/2026-03-09.sta' })]);

    const again = await bank.upload('bank/2026-03-09-again.sta', text);
    expect(again).toMatchObject({ added: 0, duplicates: 2, reconciled: { decided: 0 } });
    expect((await bank.store.invoices.getInvoiceView(T, byRf.invoiceId))!.payments).toHaveLength(1);
  });

  it('reports a broken tag with the entry and the reason next to the file, and still reads the file’s other statements', async () => {
    const inv = await invoice('2026/203', 'C-ROSSI', 30_000);
    const good = mt940([':61:2603090309C300,00NTRFNONREF//MT-BR-4', `:86:166?00BONIFICO?21SVWZ+${inv.paymentReference}?32Rossi SpA`], { ref: 'STMT-A' });
    const broken = mt940([':61:26031X0309C12,00NTRFNONREF//MT-BR-5', ':86:166?00BONIFICO?20SVWZ+acconto'], { ref: 'STMT-B' });
    const s = await bank.upload('bank/broken.sta', `${good}\r\n${broken}`);
    expect(s).toMatchObject({ fileRejected: false, credits: 1, rejected: 1 });
    const r = await bank.report('bank/broken.sta');
    expect(r.errors).toEqual([
      expect.objectContaining({ row: 2, element: 'statement 2', field: ':61:', value: '26031X0309C12,00NTRFNONREF//MT-BR-5', reason: expect.stringContaining('expected value date YYMMDD') }),
    ]);
    expect((await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.status).toBe('paid');
  });

  it('refuses a statement of another account by name, applying nothing', async () => {
    const s = await bank.upload('bank/other.sta', mt940([':61:2603090309C99,00NTRFNONREF//MT-X', ':86:166?20SVWZ+Fattura 2026/201'], { account: 'DE89370400440532013000', ref: 'OTHER' }));
    expect(s).toMatchObject({ fileRejected: true, added: 0, refusedAccounts: ['DE89370400440532013000'] });
    expect((await bank.report('bank/other.sta')).errors).toEqual([expect.objectContaining({ field: 'account', value: 'DE89370400440532013000' })]);
  });
});

describe('an Italian home-banking CSV export', () => {
  it('pays by the invoice number in the description; a part payment from an unknown account waits for the finance team; rows without a bank reference are keyed', async () => {
    const full = await invoice('2026/301', 'C-VERDI', 98_000);
    const part = await invoice('2026/302', 'C-ROSSI', 200_000);
    const csv = [
      'Conto corrente;IT60 X054 2811 1010 0000 0123 456',
      '',
      'Data contabile;Data valuta;Importo;Divisa;Descrizione operazione;Causale',
      '10/03/2026;10/03/2026;980,00;EUR;BONIFICO A VOSTRO FAVORE DA VERDI SRL PER FT 2026/301;48 BONIFICO',
      '10/03/2026;10/03/2026;500,00;EUR;BONIFICO DA ROSSI SPA ACCONTO FATTURA NR. 2026/302;48 BONIFICO',
      '10/03/2026;10/03/2026;-45,10;EUR;ADDEBITO SDD UTENZE;50 SDD',
    ].join('\r\n');
    const s = await bank.upload('bank/movimenti-2026-03-10.csv', csv);
    expect(s).toMatchObject({ format: 'csv', credits: 2, added: 2, debitsSkipped: 1, reconciled: { matched: 1, suggested: 1, payments: 1, tasksOpened: 1 } });
    const paid = (await bank.store.invoices.getInvoiceView(T, full.invoiceId))!;
    expect(paid.invoice.status).toBe('paid');
    expect(paid.payments[0]).toMatchObject({ amount: 98_000, source: { kind: 'statement', file: 'bank/movimenti-2026-03-10.csv', entry: 4 } });
    // A part payment is taken on an invoice by its number only from an account known as the customer's.
    expect((await bank.store.invoices.getInvoiceView(T, part.invoiceId))!.invoice).toMatchObject({ status: 'open', amountPaid: 0 });
    const [suggested] = await bank.store.bankCredits.list(T, { status: 'suggested' });
    expect(suggested).toMatchObject({ amount: 50_000, suggestions: [expect.objectContaining({ invoiceIds: [part.invoiceId] })], source: { entryIndex: 5 } });

    // The same export again: the rows are keyed without a bank reference, and land on the same keys.
    expect(await bank.upload('bank/movimenti-copia.csv', csv)).toMatchObject({ added: 0, duplicates: 2 });
    expect((await bank.store.statementFeed.marks(T))[0]).toMatchObject({ lastDay: '2026-03-10' });
  });

  it('reports an amount with the wrong number of decimals on its row, and reads the other rows', async () => {
    const inv = await invoice('2026/303', 'C-VERDI', 12_000);
    const csv = ['Data contabile;Data valuta;Importo;Divisa;Descrizione operazione', '10/03/2026;10/03/2026;120,00;EUR;BONIFICO DA VERDI SRL FATT. 2026/303', '10/03/2026;10/03/2026;12,345;EUR;BONIFICO DA ALTRI'].join('\n');
    const s = await bank.upload('bank/bad-decimals.csv', csv);
    expect(s).toMatchObject({ credits: 1, rejected: 1, fileRejected: false });
    expect((await bank.report('bank/bad-decimals.csv')).errors).toEqual([expect.objectContaining({ row: 3, field: expect.stringMatching(/amount|importo/i), value: '12,345' })]);
    expect((await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.status).toBe('paid');
  });
});

describe('the company’s own CSV column names (config/bank-csv-mapping.json)', () => {
  it('reads an export whose headers only the company’s mapping names, and refuses CSVs with the reason while the mapping is broken', async () => {
    const inv = await invoice('2026/501', 'C-VERDI', 61_000);
    const csv = ['Giorno;Somma;Div.;Testo movimento', '11/03/2026;610,00;EUR;BONIFICO DA VERDI SRL SALDO FT 2026/501'].join('\n');
    await bank.upload('config/bank-csv-mapping.json', JSON.stringify({ columns: { bookingDate: 'Giorno', amount: 'Somma', currency: 'Div.', description: ['Testo movimento'] }, decimalMark: ',' }));
    const s = await bank.upload('bank/home-banking-2026-03-11.csv', csv);
    expect(s).toMatchObject({ format: 'csv', credits: 1, fileRejected: false, reconciled: { matched: 1 } });
    expect((await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.status).toBe('paid');

    await bank.upload('config/bank-csv-mapping.json', JSON.stringify({ columns: { bookingDate: 'Giorno', colour: 'Blu' }, decimalMark: ';' }));
    const refused = await bank.upload('bank/home-banking-2026-03-12.csv', csv.replace('11/03', '12/03'));
    expect(refused).toMatchObject({ fileRejected: true, credits: 0 });
    const [error] = (await bank.report('bank/home-banking-2026-03-12.csv')).errors;
    expect(error).toMatchObject({ field: 'config/bank-csv-mapping.json', reason: expect.stringMatching(/^config\/bank-csv-mapping\.json cannot be used \(.*decimalMark/) });
    // An MT940 or camt statement does not read the CSV mapping: it still goes through.
    expect(await bank.upload('bank/2026-03-12.sta', mt940([], { ref: 'STMT-0312', day: '260312' }))).toMatchObject({ fileRejected: false });
  });
});

describe('a credit short by bank charges', () => {
  it('settles the invoice within the company’s tolerance, the difference recorded on it and in its log; beyond it, a partial payment', async () => {
    const within = await invoice('2026/401', 'C-ROSSI', 120_000);
    const beyond = await invoice('2026/402', 'C-ROSSI', 50_000);
    const s = await bank.upload(
      'bank/2026-03-09-charges.sta',
      mt940(
        [
          ':61:2603090309C1198,50NTRFNONREF//MT-CH-1',
          `:86:166?00BONIFICO?21SVWZ+${within.paymentReference}?32Rossi SpA`,
          ':61:2603090309C497,00NTRFNONREF//MT-CH-2',
          `:86:166?00BONIFICO?21SVWZ+${beyond.paymentReference}?32Rossi SpA`,
        ],
        { ref: 'STMT-CH' },
      ),
    );
    expect(s?.reconciled).toMatchObject({ matched: 2, payments: 2 });
    const settled = (await bank.store.invoices.getInvoiceView(T, within.invoiceId))!;
    expect(settled.invoice).toMatchObject({ status: 'paid', amountPaid: 119_850, settledDifference: { amount: 150, paymentId: settled.payments[0]!.paymentId } });
    expect(settled.events.find((e) => e.type === 'payment')?.details).toMatchObject({ amount: 119_850, difference: 150, amountDue: 0 });
    // 3.00 EUR short is beyond 2.00: the payment is recorded as partial, 3.00 left due.
    expect((await bank.store.invoices.getInvoiceView(T, beyond.invoiceId))!.invoice).toMatchObject({ status: 'open', amountPaid: 49_700 });
  });
});

describe('an invoice with the collection agency', () => {
  it('is recognised by its RF and left to the finance team, never paid automatically nor moved to another invoice', async () => {
    const handed = await invoice('2025/901', 'C-ROSSI', 70_000);
    await bank.store.invoices.putInvoice({ ...handed, status: 'escalated' });
    // What the table stream records when an invoice is handed over (domain/reports/activity.ts).
    await new DynamoReports(tableFromEnv()).recordActivity([
      { kind: 'closed', outcome: 'escalated', tenantId: T, invoiceId: handed.invoiceId, number: handed.number, customerId: 'C-ROSSI', dueDate: handed.dueDate, date: '2026-03-02', currency: 'EUR', amount: 70_000, policy: 'standard', lastStage: 'creditHold' },
    ]);
    const sameAmount = await invoice('2026/902', 'C-ROSSI', 70_000);
    const s = await bank.upload('bank/agency.sta', mt940([':61:2603090309C700,00NTRFNONREF//MT-AG-1', `:86:166?00BONIFICO?21SVWZ+${handed.paymentReference}?32Rossi SpA?31DE89370400440532013000`], { ref: 'STMT-AG' }));
    expect(s?.reconciled).toMatchObject({ matched: 0, suggested: 1, payments: 0, tasksOpened: 1 });
    const [credit] = (await bank.store.bankCredits.list(T, { status: 'suggested' })).filter((c) => c.bankReference === 'MT-AG-1');
    expect(credit?.reasons.join(' ')).toContain('with the collection agency');
    expect((await bank.store.invoices.getInvoiceView(T, sameAmount.invoiceId))!.invoice.amountPaid).toBe(0);
  });
});

describe('a statement uploaded through the admin API', () => {
  it('is stored under bank/ and read like any statement; what the read did is listed; a PDF is refused with what to upload instead', async () => {
    const inv = await invoice('2026/601', 'C-VERDI', 33_000);
    const api = adminApiHandler(T, { documents: bank.documents });
    const file = new TextEncoder().encode(mt940([':61:2603100310C330,00NTRFNONREF//MT-API-1', `:86:166?00BONIFICO?21SVWZ+${inv.paymentReference}?32Verdi Srl`], { ref: 'STMT-API', day: '260310' }));
    const up = await callApi(api, { method: 'POST', path: '/v1/bank-statements?name=march-10.sta', fileBody: file, headers: { 'Content-Type': 'application/octet-stream' }, user: financeUser, idempotencyKey: 'upload-1' });
    expect(up.status).toBe(202);
    expect(up.body).toMatchObject({ format: 'mt940', status: 'received', key: expect.stringMatching(/^bank\/api\/2026-03-10\/\d{6}-[0-9a-f]{8}-march-10\.sta$/) });
    const key = (up.body as { key: string }).key;
    expect(await bank.summaryOf(key)).toMatchObject({ format: 'mt940', credits: 1, reconciled: { matched: 1 } });
    expect((await bank.store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.status).toBe('paid');

    const listed = await callApi(api, { method: 'GET', path: `/v1/bank-statements?key=${encodeURIComponent(key)}`, user: financeUser });
    expect((listed.body as { items: unknown[] }).items).toEqual([expect.objectContaining({ key, format: 'mt940', credits: 1, added: 1, matched: 1, payments: 1, fileRejected: false })]);
    const recent = await callApi(api, { method: 'GET', path: '/v1/bank-statements?limit=3', user: financeUser });
    expect((recent.body as { items: { key: string }[] }).items[0]?.key).toBe(key);

    const pdf = await callApi(api, { method: 'POST', path: '/v1/bank-statements', fileBody: new TextEncoder().encode('%PDF-1.7 estratto conto'), headers: { 'Content-Type': 'application/octet-stream' }, user: financeUser, idempotencyKey: 'upload-2' });
    expect(pdf.status).toBe(422);
    expect((pdf.body as { message: string }).message).toContain('download the statement as camt.053 XML, MT940 or CSV');
    const json = await callApi(api, { method: 'POST', path: '/v1/bank-statements', body: { file: 'x' }, user: financeUser, idempotencyKey: 'upload-3' });
    expect(json.status).toBe(415);
    const viewer = await callApi(api, { method: 'POST', path: '/v1/bank-statements', fileBody: file, headers: { 'Content-Type': 'text/plain' }, user: viewerUser, idempotencyKey: 'upload-4' });
    expect(viewer.status).toBe(403);
  });
});

describe('listing the credits', () => {
  it('reads one status from its index partition, follows a decision to its new status, and keeps to the booking days asked for', async () => {
    const all = await bank.store.bankCredits.list(T);
    const byStatus = async (status: 'matched' | 'suggested' | 'rejected') => (await bank.store.bankCredits.list(T, { status })).map((c) => c.creditId).sort();
    expect(await byStatus('matched')).toEqual(all.filter((c) => c.status === 'matched').map((c) => c.creditId).sort());
    const [waiting] = await bank.store.bankCredits.list(T, { status: 'suggested' });
    expect(waiting).toBeDefined();

    const api = adminApiHandler(T, {});
    const rejected = await callApi(api, { method: 'POST', path: `/v1/bank-credits/${waiting!.creditId}/reject`, body: { reason: 'a refund from a supplier' }, user: financeUser, idempotencyKey: 'formats-reject-1' });
    expect(rejected.status).toBe(200);
    expect(await byStatus('suggested')).not.toContain(waiting!.creditId);
    expect(await byStatus('rejected')).toEqual([waiting!.creditId]);

    const march10 = await callApi(api, { method: 'GET', path: '/v1/bank-credits?status=matched&from=2026-03-10&to=2026-03-10', user: financeUser });
    expect(march10.status).toBe(200);
    const items = (march10.body as { items: { bookingDate: string; status: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((c) => c.bookingDate === '2026-03-10' && c.status === 'matched')).toBe(true);
    const everyDay = await callApi(api, { method: 'GET', path: '/v1/bank-credits?from=2026-03-01&to=2026-03-31', user: financeUser });
    expect((everyDay.body as { items: unknown[] }).items).toHaveLength(all.length);
    const oneDay = await callApi(api, { method: 'GET', path: '/v1/bank-credits?from=2026-03-11&to=2026-03-11', user: financeUser });
    expect((oneDay.body as { items: { bookingDate: string }[] }).items.map((c) => c.bookingDate)).toEqual(all.filter((c) => c.bookingDate === '2026-03-11').map(() => '2026-03-11'));
    const backwards = await callApi(api, { method: 'GET', path: '/v1/bank-credits?from=2026-03-10&to=2026-03-09', user: financeUser });
    expect(backwards.status).toBe(400);
  });
});
