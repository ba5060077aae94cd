/**
 * Column names -> fields, for CSV headers and JSON keys alike. The defaults understand common
 * English, Italian and Romanian exports; a tenant adds its own names in `config/csv-mapping.json`
 * (docs/ingest.md has the table). Names are compared normalised: case, accents, punctuation,
 * camelCase and repeated spaces do not matter ("Data Scadenza", "data_scadenza", "dataScadenza").
 */
import * as z from 'zod/mini';
import { lazySchema } from '../shared/lazy-schema.js';

export const INVOICE_FIELDS = [
  'number',
  'customerId',
  'customerTaxId',
  'customerName',
  'issueDate',
  'dueDate',
  'amount',
  'currency',
  'paymentReference',
  'instalment',
  'instalmentCount',
  'documentType',
  'correctsInvoice',
] as const;
export type InvoiceField = (typeof INVOICE_FIELDS)[number];

export const CUSTOMER_FIELDS = [
  'customerId',
  'name',
  'vatId',
  'fiscalCode',
  'country',
  'language',
  'timeZone',
  'email',
  'phone',
  'billingContactName',
  'billingContactEmail',
  'billingContactPhone',
  'billingContactRole',
  'salesRepName',
  'salesRepEmail',
  'officeDays',
  'officeHours',
  'officeFrom',
  'officeTo',
  'paymentDays',
  'paymentTermsDays',
  'policy',
  'segment',
  'preserveRelationship',
  'salesNotes',
  'city',
  'region',
  'closures',
  'sendWindow',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export const DEFAULT_INVOICE_COLUMNS: Record<InvoiceField, string[]> = {
  number: ['number', 'invoice number', 'invoice no', 'invoice nr', 'invoice', 'invoice id', 'document number', 'doc no', 'numero', 'numero fattura', 'n fattura', 'nr fattura', 'num fattura', 'numero documento', 'fattura', 'numar factura', 'nr factura'],
  customerId: ['customer id', 'customer code', 'customer number', 'customer no', 'account code', 'client id', 'client code', 'codice cliente', 'cod cliente', 'id cliente', 'cod client'],
  customerTaxId: ['customer tax id', 'customer vat', 'vat', 'vat number', 'vat id', 'tax id', 'partita iva', 'p iva', 'piva', 'codice fiscale', 'cod fiscal', 'cui', 'cif'],
  customerName: ['customer name', 'client name', 'ragione sociale', 'denominazione', 'nome cliente', 'denumire client'],
  issueDate: ['issue date', 'invoice date', 'date', 'document date', 'data', 'data fattura', 'data emissione', 'data documento', 'data factura', 'data emiterii'],
  dueDate: ['due date', 'due', 'payment due', 'due on', 'data scadenza', 'scadenza', 'data scadenza pagamento', 'data scadentei', 'scadenta'],
  amount: ['amount', 'amount due', 'total', 'total amount', 'invoice total', 'gross amount', 'importo', 'importo totale', 'totale', 'totale documento', 'importo fattura', 'importo da pagare', 'suma', 'total factura', 'valoare'],
  currency: ['currency', 'currency code', 'ccy', 'valuta', 'divisa', 'moneda'],
  paymentReference: ['payment reference', 'reference', 'remittance reference', 'riferimento pagamento', 'rif pagamento', 'riferimento', 'referinta plata'],
  instalment: ['instalment', 'installment', 'instalment number', 'installment number', 'rata', 'numero rata'],
  instalmentCount: ['instalment count', 'installment count', 'instalments', 'installments', 'numero rate', 'rate totali'],
  documentType: ['document type', 'type', 'tipo documento', 'tipo', 'tip document'],
  correctsInvoice: ['corrects invoice', 'corrected invoice', 'original invoice', 'related invoice', 'credited invoice', 'fattura collegata', 'fattura di riferimento', 'fattura rettificata', 'rif fattura', 'riferimento fattura', 'factura stornata', 'factura de referinta'],
};

export const DEFAULT_CUSTOMER_COLUMNS: Record<CustomerField, string[]> = {
  customerId: ['customer id', 'customer code', 'customer number', 'id', 'code', 'codice cliente', 'cod cliente', 'id cliente', 'codice', 'cod client'],
  name: ['name', 'company', 'company name', 'customer name', 'ragione sociale', 'denominazione', 'nome', 'denumire'],
  vatId: ['vat', 'vat id', 'vat number', 'partita iva', 'p iva', 'piva', 'cod tva', 'cui'],
  fiscalCode: ['fiscal code', 'tax code', 'codice fiscale', 'cf', 'cod fiscal'],
  country: ['country', 'country code', 'nazione', 'paese', 'tara'],
  language: ['language', 'lang', 'lingua', 'limba'],
  timeZone: ['time zone', 'timezone', 'tz', 'fuso orario'],
  email: ['email', 'e mail', 'mail', 'indirizzo email'],
  phone: ['phone', 'telephone', 'tel', 'mobile', 'telefono', 'cellulare', 'telefon'],
  billingContactName: ['billing contact', 'billing contact name', 'contact', 'contact name', 'contact person', 'referente', 'referente amministrativo', 'persoana de contact'],
  billingContactEmail: ['billing contact email', 'contact email', 'email referente'],
  billingContactPhone: ['billing contact phone', 'contact phone', 'telefono referente'],
  billingContactRole: ['billing contact role', 'contact role', 'role', 'ruolo'],
  salesRepName: ['sales rep', 'sales rep name', 'salesperson', 'account manager', 'commerciale', 'agente'],
  salesRepEmail: ['sales rep email', 'salesperson email', 'email commerciale'],
  officeDays: ['office days', 'accounts office days', 'giorni ufficio'],
  officeHours: ['office hours', 'accounts office hours', 'orario ufficio', 'orario'],
  officeFrom: ['office from', 'office hours from', 'orario dalle', 'dalle'],
  officeTo: ['office to', 'office hours to', 'orario alle', 'alle'],
  paymentDays: ['payment days', 'payment days of month', 'giorni pagamento', 'giorni di pagamento'],
  paymentTermsDays: ['payment terms', 'payment terms days', 'terms', 'termini di pagamento', 'termini pagamento', 'giorni scadenza'],
  policy: ['policy', 'politica', 'strategia'],
  segment: ['segment', 'customer segment', 'segmento', 'segmento cliente'],
  preserveRelationship: ['preserve relationship', 'key account', 'cliente chiave'],
  salesNotes: ['sales notes', 'notes', 'note', 'note commerciali'],
  city: ['city', 'town', 'citta', 'città', 'comune', 'localita', 'località', 'oras', 'oraș'],
  region: ['region', 'state', 'regione', 'stato', 'judet', 'județ'],
  closures: ['closures', 'closed', 'closing days', 'chiusure', 'chiusura', 'ferie', 'giorni chiusura'],
  sendWindow: ['send window', 'send hours', 'sending hours', 'orario invio', 'fascia invio', 'fascia oraria'],
};

/** "Data Scadenza", "data_scadenza", "dataScadenza", "DATA SCADENZA:" -> "data scadenza". */
export const normaliseName = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const Aliases = lazySchema(() => z.union([z.string().check(z.minLength(1), z.maxLength(200)), z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(50))]));

/** `config/csv-mapping.json`: extra column names per field, the decimal mark, a default currency. */
export const CsvMappingConfig = lazySchema(() => z.object({
  invoices: z.optional(
    z.object({
      columns: z.optional(z.partialRecord(z.enum(INVOICE_FIELDS), Aliases)),
      decimalMark: z.optional(z.enum([',', '.'])),
      defaultCurrency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR'))),
    }),
  ),
  customers: z.optional(
    z.object({
      columns: z.optional(z.partialRecord(z.enum(CUSTOMER_FIELDS), Aliases)),
    }),
  ),
}));
export type CsvMappingConfig = z.infer<typeof CsvMappingConfig>;

export interface ColumnMap<F extends string> {
  /** Column index -> field (only mapped columns). */
  byIndex: Map<number, F>;
  /** Fields found. */
  fields: Set<F>;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The alias lookup: custom names first (they win over a default naming another field), then the defaults. */
export const aliasLookup = <F extends string>(
  defaults: Record<F, string[]>,
  custom: Partial<Record<F, string | string[]>> = {},
): Map<string, F> => {
  const lookup = new Map<string, F>();
  for (const [field, names] of Object.entries(custom) as [F, string | string[] | undefined][]) {
    for (const n of asList(names)) if (!lookup.has(normaliseName(n))) lookup.set(normaliseName(n), field);
  }
  for (const [field, names] of Object.entries(defaults) as [F, string[]][]) {
    const canonical = normaliseName(field);
    if (!lookup.has(canonical)) lookup.set(canonical, field);
    for (const n of names) if (!lookup.has(normaliseName(n))) lookup.set(normaliseName(n), field);
  }
  return lookup;
};

/** Maps a header row; each field takes the first column naming it, unknown columns are ignored. */
export const mapHeader = <F extends string>(header: string[], lookup: Map<string, F>): ColumnMap<F> => {
  const byIndex = new Map<number, F>();
  const fields = new Set<F>();
  header.forEach((name, i) => {
    const f = lookup.get(normaliseName(name));
    if (f && !fields.has(f)) {
      byIndex.set(i, f);
      fields.add(f);
    }
  });
  return { byIndex, fields };
};
