/**
 * What an object key in the documents bucket means to ingest (infra/constructs/storage.ts lists the
 * prefixes): invoices/… and customers/… are data files, three config/ keys are settings, config/templates/…
 * the company's own wording (domain/ingest/wording-file.ts), bank/… are
 * bank statements (read by their own function), and every file's rejections go to a report under rejected/.
 */

export const MAPPING_KEY = 'config/csv-mapping.json';
export const TENANT_KEY = 'config/tenant.json';
/** The company's own chase policies (docs/timeline.md, "Policies as data"). */
export const POLICIES_KEY = 'config/policies.json';

/** The company's wording of its messages: config/templates/<kind>.<tone>.json. */
export const WORDING_PREFIX = 'config/templates/';

export type DocumentKind = 'invoices' | 'customers' | 'tenant' | 'mapping' | 'policies' | 'wording' | 'ignored';

export const kindOf = (key: string): DocumentKind => {
  if (key.startsWith('invoices/')) return 'invoices';
  if (key.startsWith('customers/')) return 'customers';
  if (key === TENANT_KEY) return 'tenant';
  if (key === MAPPING_KEY) return 'mapping';
  if (key === POLICIES_KEY) return 'policies';
  if (key.startsWith(WORDING_PREFIX) && key.endsWith('.json')) return 'wording';
  return 'ignored';
};

/** Bank statements (camt.053/054, MT940, bank CSV) are read by their own function (handlers/bank-statements.ts). */
export const BANK_PREFIX = 'bank/';
export const isBankKey = (key: string): boolean => key.startsWith(BANK_PREFIX) && !key.endsWith('/');

/** E-invoices (FatturaPA, UBL, CII; signed .p7m; Factur-X PDFs) name their fields themselves: only the other formats read the CSV mapping. */
export const readsCsvMapping = (key: string): boolean => kindOf(key) === 'customers' || (kindOf(key) === 'invoices' && !/\.(xml|p7m|pdf)$/i.test(key));

/** S3 event keys are URL-encoded, spaces as '+'. */
export const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

export const reportKey = (key: string): string => `rejected/${key}.errors.json`;
