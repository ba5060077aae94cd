/**
 * The company's own column names for its bank's CSV export, as the invoice CSV has
 * config/csv-mapping.json: config/bank-csv-mapping.json, e.g.
 * `{ "columns": { "bookingDate": "Data operazione", "description": ["Causale estesa", "Note"] }, "decimalMark": "," }`.
 * Read by the bank-statements function when a CSV statement arrives; the defaults
 * (bank-csv.ts DEFAULT_BANK_CSV_COLUMNS) stay underneath. Pure.
 */
import * as z from 'zod/mini';
import { parseJsonFile } from '../ingest/settings-files.js';
import { FileRejected } from '../parsers/types.js';
import { BankCsvMapping } from './bank-csv.js';
import { StatementRejected } from './types.js';

export const BANK_CSV_MAPPING_KEY = 'config/bank-csv-mapping.json';

/** The mapping the file holds; StatementRejected naming the file, the field and why when it cannot be used. */
export const readBankCsvMapping = (text: string): BankCsvMapping => {
  let json: unknown;
  try {
    json = parseJsonFile(text);
  } catch (err) {
    if (err instanceof FileRejected) throw new StatementRejected(`${BANK_CSV_MAPPING_KEY} is ${err.reason}: fix it, then upload this statement again`, BANK_CSV_MAPPING_KEY);
    throw err;
  }
  const parsed = z.safeParse(BankCsvMapping, json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; ');
  throw new StatementRejected(`${BANK_CSV_MAPPING_KEY} cannot be used (${problems}): fix it, then upload this statement again`, BANK_CSV_MAPPING_KEY);
};
