/** Where things live in the documents bucket. The ingest Lambda is notified for the first three. */
export const DOCUMENT_PREFIXES = {
  invoices: 'invoices/',
  customers: 'customers/',
  config: 'config/',
  rejected: 'rejected/',
  dossiers: 'dossiers/',
  /** Bank statements (camt.053/054, MT940, bank CSV): read by the bank-statements function. */
  bank: 'bank/',
} as const;
