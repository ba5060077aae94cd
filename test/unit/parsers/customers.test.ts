import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWeekdays } from '../../../lambdas/domain/parsers/customers.js';
import { FIXTURES, SEED, customers, fromDisk, fromText } from './read.js';

describe('customer directory', () => {
  it('reads an Italian CSV directory: E.164 phones, office days and hours, payment days, terms, policy, notes', async () => {
    const out = await customers(fromDisk(join(FIXTURES, 'customers.csv'), 'customers/customers.csv'));
    const alfa = out.ok.find((c) => c.customerId === 'C-ALFA')!;
    expect(alfa.fields).toEqual({
      name: 'Alfa S.r.l.',
      vatId: 'IT02345678901',
      country: 'IT',
      language: 'it',
      email: 'amministrazione@alfa.example',
      phone: '+390511234567',
      billingContact: { name: 'Giulia Alfa', email: 'giulia@alfa.example' },
      officeHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '13:00' },
      paymentDays: [10, 25],
      paymentTermsDays: 60,
      policy: 'relationship',
      preserveRelationship: true,
      salesNotes: ['Paga sempre il 10.'],
    });
    const beta = out.ok.find((c) => c.customerId === 'C-BETA')!;
    // No e-mail column value: nothing is set, so a stored address is never blanked by an empty cell.
    expect(beta.fields.email).toBeUndefined();
    expect(beta.fields.officeHours).toEqual({ days: [1, 2, 3, 4], from: '10:00', to: '16:00' });
  });

  it('rejects a bad record with one entry per bad field', async () => {
    const out = await customers(fromDisk(join(FIXTURES, 'customers.csv'), 'customers/customers.csv'));
    expect(out.ok.map((c) => c.customerId)).toEqual(['C-ALFA', 'C-BETA']);
    expect(out.rejections.map((r) => [r.row, r.field]).sort()).toEqual(
      [
        [4, 'language'],
        [4, 'email'],
        [4, 'phone'],
        [4, 'officeFrom'],
        [4, 'officeTo'],
        [4, 'paymentDays'],
        [4, 'policy'],
        [4, 'preserveRelationship'],
      ].sort(),
    );
  });

  it('reads the JSON directory of the sample company whole', async () => {
    const out = await customers(fromDisk(join(SEED, 'customers.json'), 'customers/customers.json'));
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((c) => c.customerId)).toEqual(['C-BIANCHI', 'C-VERDI', 'C-ESPOSITO', 'C-TRANSILVANIA', 'C-CARPATHIA', 'C-THAMES', 'C-BRIGHTON', 'C-LOMBARDI']);
    expect(out.ok[0]!.fields).toMatchObject({ officeHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '13:00' }, paymentDays: [10, 25], preserveRelationship: true });
    expect(out.ok[5]!.fields.phone).toBe('+447700900123');
  });

  it('an XML, a signed .p7m or a PDF uploaded as a directory is refused with what a directory is (a .p7m read nothing before)', async () => {
    const reason = async (key: string, file: string) => (await customers(fromDisk(join(FIXTURES, file), key))).fileError?.reason;
    expect(await reason('customers/x.xml', 'fatturapa-split-payment.xml')).toBe('a customer directory is a CSV or JSON file, not XML');
    expect(await reason('customers/x.xml.p7m', 'signed/IT01234567890_FPR01.xml.p7m')).toBe('a customer directory is a CSV or JSON file, not a signed (.p7m) document');
    expect((await customers(fromText('customers/x.pdf', '%PDF-1.7\n'))).fileError?.reason).toBe('a customer directory is a CSV or JSON file, not a PDF');
  });

  it('needs a code and a name', async () => {
    const out = await customers(fromText('customers/x.json', '[{"name":"No code"},{"customerId":"C-1"}]'));
    expect(out.rejections.map((r) => [r.row, r.field])).toEqual([
      [1, 'customerId'],
      [2, 'name'],
    ]);
  });

  it('understands weekdays written in several ways', () => {
    expect(parseWeekdays('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays('Mon - Thu')).toEqual([1, 2, 3, 4]);
    expect(parseWeekdays('lun, mer, ven')).toEqual([1, 3, 5]);
    expect(parseWeekdays('Luni-Vineri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays('someday')).toBeUndefined();
  });
});
