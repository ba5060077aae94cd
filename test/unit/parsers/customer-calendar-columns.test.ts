import { describe, expect, it } from 'vitest';
import { Customer } from '../../../lambdas/domain/model.js';
import { InvalidRecord, mergeDirectoryRecord } from '../../../lambdas/domain/ingest/rules.js';
import { customers, fromText } from './read.js';

const CSV = [
  'codice cliente;ragione sociale;paese;città;regione;chiusure;orario invio',
  // The closures cell holds the list's own ';': quoted, as a spreadsheet writes it.
  'C-MI;Milano S.p.A.;IT;Milano;25;"08-08..08-23 Ferie estive; 12-24..01-06 Natale";14:00-17:00',
  'C-DE;München GmbH;DE;München;bayern;2026-10-02;',
  'C-BAD;Sbagliato S.r.l.;IT;Roma;LM;08-08..2026-08-23;17:00-14:00',
  'C-BAD2;Altro S.r.l.;IT;;;02-30..03-02;dalle nove',
].join('\n');

describe('the calendar columns of the customer directory', () => {
  it('reads city, region (code or name), closures with labels and a send window from a CSV', async () => {
    const out = await customers(fromText('customers/calendar.csv', CSV));
    const milan = out.ok.find((c) => c.customerId === 'C-MI')!;
    expect(milan.fields).toMatchObject({
      city: 'Milano',
      region: '25',
      closures: [
        { from: '08-08', to: '08-23', label: 'Ferie estive' },
        { from: '12-24', to: '01-06', label: 'Natale' },
      ],
      sendWindow: { from: '14:00', to: '17:00' },
    });
    const munich = out.ok.find((c) => c.customerId === 'C-DE')!;
    // Bayern is date-holidays' name for BY; one date alone is a closure of that day.
    expect(munich.fields).toMatchObject({ city: 'München', region: 'BY', closures: [{ from: '2026-10-02', to: '2026-10-02' }] });
    expect(munich.fields.sendWindow).toBeUndefined();
  });

  it('rejects a region the country does not have, a closure of mixed kinds or no real day, and a window that ends before it starts, each with its row and field', async () => {
    const out = await customers(fromText('customers/calendar.csv', CSV));
    expect(out.ok.map((c) => c.customerId)).toEqual(['C-MI', 'C-DE']);
    expect(out.rejections.map((r) => [r.row, r.field]).sort()).toEqual(
      [
        [4, 'region'],
        [4, 'closures'],
        [4, 'sendWindow'],
        [5, 'closures'],
        [5, 'sendWindow'],
      ].sort(),
    );
    const region = out.rejections.find((r) => r.row === 4 && r.field === 'region')!;
    expect(region.reason).toMatch(/not a region of IT date-holidays knows \(.*25 Lombardy/);
    expect(out.rejections.find((r) => r.row === 4 && r.field === 'closures')!.reason).toMatch(/both be MM-DD/);
    expect(out.rejections.find((r) => r.row === 4 && r.field === 'sendWindow')!.reason).toMatch(/end after it starts/);
    expect(out.rejections.find((r) => r.row === 5 && r.field === 'closures')!.reason).toMatch(/not a day of the year/);
  });

  it('reads the JSON shapes: closures as objects, a window as { from, to }', async () => {
    const json = JSON.stringify([{ customerId: 'C-J', name: 'Json', country: 'IT', city: 'Roma', closures: [{ from: '08-10', to: '08-21', label: 'Agosto' }], sendWindow: { from: '9', to: '12:30' } }]);
    const out = await customers(fromText('customers/c.json', json));
    expect(out.rejections).toEqual([]);
    expect(out.ok[0]!.fields).toMatchObject({ city: 'Roma', closures: [{ from: '08-10', to: '08-21', label: 'Agosto' }], sendWindow: { from: '09:00', to: '12:30' } });
  });

  it("refuses, when the record names no country, a region the stored customer's country does not have", () => {
    const stored = Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Alfa', country: 'IT', language: 'it', timeZone: 'Europe/Rome' });
    const defaults = { country: 'IT', timeZone: 'Europe/Rome' };
    expect(() => mergeDirectoryRecord(stored, { customerId: 'C-1', fields: { region: 'BY' } }, 't1', defaults, new Date('2026-03-01T09:00:00Z'))).toThrow(InvalidRecord);
    expect(mergeDirectoryRecord(stored, { customerId: 'C-1', fields: { region: '62', city: 'Roma' } }, 't1', defaults, new Date('2026-03-01T09:00:00Z')).customer).toMatchObject({ region: '62', city: 'Roma' });
  });
});
