/** SdI notifications: read from their files, and what each does to its invoice (pure rules, no mocks). */
import { describe, expect, it } from 'vitest';
import { Customer, Tenant, type Invoice } from '../../../lambdas/domain/model.js';
import { readIncomingFile } from '../../../lambdas/domain/parsers/read-file.js';
import { sdiFileStem, type SdiReceipt } from '../../../lambdas/domain/parsers/sdi-receipts.js';
import { FileRejected } from '../../../lambdas/domain/parsers/types.js';
import { applySdiReceipt, deliveredThroughSdi, receiptConcerns } from '../../../lambdas/domain/sdi/receipts.js';
import { planTimeline } from '../../../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../../../lambdas/domain/timeline/policies.js';
import { renderMessage } from '../../../lambdas/domain/messages/rendering/render.js';
import { invoiceOf, supplier } from '../../support/fixtures.js';
import { fromText } from '../parsers/read.js';
import { at, dt, mc, ne, ns, rc } from './sdi-fixtures.js';

const receiptOf = async (xml: string, key = 'invoices/IT01234567890_00042_RC_001.xml'): Promise<SdiReceipt> => {
  const f = await readIncomingFile(fromText(key, xml));
  if (f.kind !== 'sdiReceipt') throw new Error('not a receipt');
  return f.receipt;
};
const ctx = { actor: 'sdi', channel: 'system' as const, now: new Date('2026-03-12T08:00:00Z'), timeZone: 'Europe/Rome' };
const inv = (over: Partial<Invoice> = {}) => invoiceOf({ tenantId: 't', invoiceId: 'inv_1', issueDate: '2026-03-11', dueDate: '2026-04-10', sdi: { file: 'IT01234567890_00042' }, ...over });

describe('reading SdI notifications', () => {
  it('RC: the SdI id, the file and the delivery instant', async () => {
    expect(await receiptOf(rc())).toMatchObject({ type: 'RC', root: 'RicevutaConsegna', sdiId: '4411223344', fileName: 'IT01234567890_00042.xml.p7m', receivedAt: '2026-03-11T09:15:00.000Z', deliveredAt: '2026-03-11T09:20:00.000Z', messageId: '901' });
  });

  it('NS: the errors; NE: the outcome and the invoice it names; MC, DT, AT by their roots', async () => {
    expect((await receiptOf(ns())).errors).toEqual([
      { code: '00305', description: '1.4.1.1.2 IdCodice non valido : 02345678901', hint: 'Verificare il codice' },
      { code: '00404', description: 'Fattura duplicata' },
    ]);
    expect(await receiptOf(ne({ number: 'FT-42' }))).toMatchObject({ type: 'NE', outcome: { code: 'EC02', description: 'Manca il codice CIG nel documento' }, invoiceNumber: 'FT-42' });
    expect((await Promise.all([mc(), dt(), at()].map((x) => receiptOf(x)))).map((r) => r.type)).toEqual(['MC', 'DT', 'AT']);
  });

  it('as the SdI sends them: signed (an enveloped XML signature beside the fields), another prefix, no XML declaration', async () => {
    const signature =
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="Signature1"><ds:SignedInfo><ds:Reference URI=""><ds:DigestValue>q83v</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>c2ln</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>TUlJ</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>';
    const signed = rc().replace('<?xml version="1.0" encoding="UTF-8"?>\n', '').replace(/ns3:/g, 'types:').replace('xmlns:ns3', 'xmlns:types').replace('<MessageId>901</MessageId>', `<MessageId>901</MessageId>${signature}`);
    expect(signed).toContain('<types:RicevutaConsegna');
    expect(await receiptOf(signed)).toMatchObject({ type: 'RC', sdiId: '4411223344', deliveredAt: '2026-03-11T09:20:00.000Z', messageId: '901' });
  });

  it('a notification without its ids, or an RC without its delivery date, is refused with the element', async () => {
    const refused = (xml: string) => receiptOf(xml).then(() => undefined, (e: FileRejected) => [e.at.field, e.reason]);
    expect(await refused(rc({ sdiId: '' }))).toEqual(['IdentificativoSdI', expect.stringMatching(/no valid IdentificativoSdI/)]);
    expect(await refused(rc({ file: '../x.xml' }))).toEqual(['NomeFile', expect.stringMatching(/no valid NomeFile/)]);
    expect(await refused(rc({ deliveredAt: 'ieri' }))).toEqual(['DataOraConsegna', expect.stringMatching(/DataOraConsegna/)]);
  });

  it('an SdI message Sollecito does not read, and a notification read as an invoice, are refused with the reason', async () => {
    const other = '<?xml version="1.0"?><ns3:FileMetadati xmlns:ns3="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0"><IdentificativoSdI>1</IdentificativoSdI></ns3:FileMetadati>';
    await expect(readIncomingFile(fromText('invoices/m.xml', other))).rejects.toThrow(/SdI message Sollecito does not read/);
  });

  it('file names match whatever their path and signature: invoices/x/IT..._00042.xml is NomeFile IT..._00042.xml.p7m', () => {
    expect(sdiFileStem('invoices/2026/it01234567890_00042.xml')).toBe(sdiFileStem('IT01234567890_00042.xml.p7m'));
  });
});

describe('what each notification does to its invoice', () => {
  it('RC: proof of delivery, logged; run bumped so the receipt check is planned away; the same RC twice changes nothing', async () => {
    const d = applySdiReceipt(inv(), await receiptOf(rc()), ctx);
    expect(d.invoice.sdi).toEqual({ file: 'IT01234567890_00042', id: '4411223344', delivered: { at: '2026-03-11T09:20:00.000Z', by: 'RC' } });
    expect(d.invoice.run).toBe(1);
    expect(d.events.map((e) => [e.type, e.details?.text])).toEqual([['sdi_receipt', 'delivered through the SdI on 2026-03-11']]);
    expect(applySdiReceipt(d.invoice, await receiptOf(rc()), ctx)).toMatchObject({ alreadyApplied: true, events: [] });
    expect(deliveredThroughSdi(d.invoice.sdi)).toBe('delivered through the SdI on 2026-03-11');
  });

  it('the planner skips the "did it reach you?" check of an invoice the SdI delivered', () => {
    const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'Bianchi', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@bianchi.example' });
    const plan = (i: Invoice) => planTimeline({ invoice: i, customer, policy: BUILT_IN_POLICIES.relationship, stagesDone: [], now: new Date('2026-03-11T12:00:00Z') });
    expect(BUILT_IN_POLICIES.relationship.stages.receiptCheck?.enabled).toBe(true);
    expect(plan(inv()).next).toBe('receiptCheck');
    const delivered = plan(inv({ sdi: { file: 'X', delivered: { at: '2026-03-11T09:20:00.000Z', by: 'RC' } } }));
    expect(delivered.skip).toContain('receiptCheck');
    expect(delivered.next).not.toBe('receiptCheck');
  });

  it('AT after an MC counts as delivered too (attested), and never replaces an RC', async () => {
    const d = applySdiReceipt(inv(), await receiptOf(at()), ctx);
    expect(d.invoice.sdi?.delivered).toEqual({ at: '2026-03-11T09:15:00.000Z', by: 'AT' });
    const afterRc = applySdiReceipt(inv({ sdi: { file: 'X', delivered: { at: '2026-03-11T09:20:00.000Z', by: 'RC' } } }), await receiptOf(at()), ctx);
    expect(afterRc.alreadyApplied).toBe(true);
  });

  it('MC: the fiscal drawer, which the first reminder names; later reminders do not repeat it', async () => {
    const d = applySdiReceipt(inv(), await receiptOf(mc()), ctx);
    expect(d.invoice.sdi?.fiscalDrawer).toEqual({ at: '2026-03-11T09:15:00.000Z' });
    expect(d.invoice.run).toBe(0);
    const tenant: Tenant = supplier('t');
    const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'Bianchi', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@bianchi.example' });
    const render = (i: Invoice) => renderMessage({ kind: 'preDue', tone: 'gentle', language: 'it', tenant, customer, lines: [{ invoice: i, kind: 'preDue', amountDue: i.amount, daysLate: 0 }], now: new Date('2026-04-03T08:00:00Z') });
    expect(render(d.invoice).text).toMatch(/cassetto fiscale/);
    expect(render({ ...d.invoice, lastContactAt: '2026-03-20T08:00:00.000Z' }).text).not.toMatch(/cassetto fiscale/);
    const delivered = applySdiReceipt(inv(), await receiptOf(rc()), ctx).invoice;
    expect(render(delivered).text).toMatch(/Consegnata tramite SdI/);
  });

  it('NS: not a valid invoice; not chased, with the SdI reasons; a task tells the finance team why', async () => {
    const d = applySdiReceipt(inv({ promise: { date: '2026-04-20', recordedAt: '2026-03-11T12:00:00.000Z' }, status: 'promised' }), await receiptOf(ns()), ctx);
    expect(d.invoice).toMatchObject({ status: 'not_chased', run: 1, needsContact: false });
    expect(d.invoice.promise).toBeUndefined();
    expect(d.invoice.notChasedReason).toMatch(/refused by the SdI .*00305 .*00404 Fattura duplicata/);
    expect(d.task).toMatchObject({ kind: 'sdiRejected', taskId: 'sdiRejected#inv_1#4411223344', invoiceId: 'inv_1', status: 'open' });
    expect(d.task?.note).toMatch(/correct the file and send it through the SdI again/);
    const paid = applySdiReceipt(inv({ status: 'paid', amountPaid: 120_000 }), await receiptOf(ns()), ctx);
    expect(paid.invoice.status).toBe('paid');
    expect(paid.task).toBeDefined();
  });

  it('NE EC02: a dispute opened with the public administration\'s reason; EC01 and DT are recorded', async () => {
    const d = applySdiReceipt(inv(), await receiptOf(ne()), ctx);
    expect(d.invoice).toMatchObject({ status: 'disputed', run: 1, dispute: { reason: 'invoice_details', text: 'Refused by the public administration through the SdI (esito EC02: Manca il codice CIG nel documento).' } });
    expect(d.events.map((e) => e.type)).toEqual(['sdi_receipt', 'dispute']);
    expect(applySdiReceipt(inv(), await receiptOf(ne({ esito: 'EC01' })), ctx).invoice).toMatchObject({ status: 'open', sdi: { outcome: { code: 'EC01' } } });
    expect(applySdiReceipt(inv(), await receiptOf(dt()), ctx).invoice.sdi?.outcome?.code).toBe('DT');
    const paid = applySdiReceipt(inv({ status: 'paid', amountPaid: 120_000 }), await receiptOf(ne()), ctx);
    expect(paid.invoice.status).toBe('paid');
  });

  it('an NE naming another invoice number of the file is not about this invoice', async () => {
    expect(receiptConcerns(inv({ number: 'FT-1' }), await receiptOf(ne({ number: 'FT-2' })))).toBe(false);
    expect(receiptConcerns(inv({ number: 'ft-2' }), await receiptOf(ne({ number: 'FT-2' })))).toBe(true);
  });
});
