/**
 * Ingesting one file already open (no storage here: ingest-document.ts brings the bytes, the
 * benchmark a local file), by what its key says it is:
 * 1. Settings (config/tenant.json, config/csv-mapping.json, config/policies.json): read and check;
 *    the tenant and the policies are stored, and what a policy change reaches is re-planned.
 *    The company's wording (config/templates/<kind>.<tone>.json): checked in every language, kept only if all pass.
 * 2. Invoices or customers: read the CSV mapping when the format uses it, and the tenant's defaults.
 * 3. Parse the records and write them in batches while the next batch is parsed, stopping early
 *    when the Lambda runs out of time; each batch's credit notes are netted off once it and every
 *    batch before it are stored (apply-credit-notes.ts).
 * 4. Count what was written. A FatturaPA's invoices are remembered under the file's SdI name, and
 *    the SdI notifications that were waiting for that file come back to be read again.
 * An SdI notification under invoices/ (RC, MC, NS, NE, DT, AT) is applied to its invoices instead
 * (app/sdi/record-sdi-receipt.ts).
 * Rejected records, and a rejected file, come back in the report; nothing throws for bad data.
 */
import { kindOf, readsCsvMapping, type DocumentKind } from '../../domain/ingest/document-keys.js';
import { RejectionReport } from '../../domain/ingest/rejection-report.js';
import { customerDefaults, type CustomerDefaults } from '../../domain/ingest/rules.js';
import { isDeepStrictEqual } from 'node:util';
import { parseJsonFile, readMappingFile, readPoliciesFile, readTenantFile } from '../../domain/ingest/settings-files.js';
import { savePolicy, type PolicyDeps } from '../policies/manage-policies.js';
import { POLICY_IDS } from '../../domain/model.js';
import { readWordingFile } from '../../domain/ingest/wording-file.js';
import type { WordingRepository } from '../ports/wording.js';
import { readDocument } from '../../domain/parsers/bytes.js';
import type { CsvMappingConfig } from '../../domain/parsers/columns.js';
import { readCustomerFile, readIncomingFile, type SourceFile } from '../../domain/parsers/read-file.js';
import { sdiFileStem, type SdiReceipt } from '../../domain/parsers/sdi-receipts.js';
import { FileRejected } from '../../domain/parsers/types.js';
import { recordSdiReceipt, type SdiReceiptDeps, type SdiReceiptOutcome } from '../sdi/record-sdi-receipt.js';
import type { Observability } from '../observability.js';
import type { CustomerBatchOutcome, CustomerDirectory, InvoiceBatchOutcome, InvoiceIngest } from '../ports/ingest.js';
import type { TenantRepository } from '../ports/tenants.js';
import { writeInBatches } from './write-in-batches.js';
import { oncePerIdentity } from '../../domain/ingest/duplicates.js';
import { applyCreditNotes, noCreditNotes, type CreditNoteDeps, type CreditNoteTotals } from './apply-credit-notes.js';

const SETTINGS_MAX_BYTES = 1024 * 1024;

export interface IngestFileDeps extends Pick<Observability, 'count'> {
  tenants: TenantRepository;
  /** Writers for one file alone: their claims and customer caches are never shared across files. */
  invoiceWriter: () => InvoiceIngest;
  customerDirectory: () => CustomerDirectory;
  now: () => Date;
  /** Nets credit notes off the invoices they name (app/ingest/apply-credit-notes.ts). */
  creditNotes: CreditNoteDeps;
  /** Applies the SdI's notifications to their invoices (app/sdi/record-sdi-receipt.ts); absent: they are refused. */
  sdi?: SdiReceiptDeps;
  /** Saves config/policies.json and re-plans what a policy change reaches; absent: that file is refused. */
  policies?: PolicyDeps;
  /** Keeps the company's accepted wording (config/templates/…); absent: such files are refused. */
  wording?: Pick<WordingRepository, 'put'>;
}

export interface IngestFileOptions {
  tenantId: string;
  /** The CSV header mapping, read only when the file needs it. */
  mapping?: () => Promise<CsvMappingConfig | undefined>;
  /** True when the Lambda must stop taking new batches. */
  deadline?: () => boolean;
}

export interface IngestSummary {
  key: string;
  kind: DocumentKind;
  records: number;
  rejected: number;
  fileRejected: boolean;
  invoices?: Omit<InvoiceBatchOutcome, 'rejections' | 'creditNotes'>;
  customers?: Omit<CustomerBatchOutcome, 'rejections'>;
  creditNotes?: CreditNoteTotals;
  /** The file was an SdI notification: what it did. */
  sdiReceipt?: Omit<SdiReceiptOutcome, 'rejections' | 'notices'>;
  /** Keys of SdI notifications that waited for this FatturaPA file: to be ingested again now. */
  waitingReceipts?: string[];
}

interface FileRun {
  deps: IngestFileDeps;
  file: SourceFile;
  tenantId: string;
  report: RejectionReport;
  summary: IngestSummary;
  mapping: CsvMappingConfig | undefined;
  defaults: CustomerDefaults;
  deadline: () => boolean;
}

const addCounts = <K extends string>(into: Record<K, number>, from: Record<K, number>): void => {
  for (const k of Object.keys(into) as K[]) into[k] += from[k];
};

const ingestSdiReceipt = async (r: FileRun, receipt: SdiReceipt): Promise<void> => {
  r.summary.records = 1;
  if (!r.deps.sdi) throw new FileRejected(`this is an SdI notification (${receipt.root}): this deployment does not read them`, { element: receipt.root });
  const { rejections, notices, ...outcome } = await recordSdiReceipt(r.deps.sdi, receipt, { tenantId: r.tenantId, key: r.file.key, now: r.deps.now(), timeZone: r.defaults.timeZone });
  r.report.add(...rejections);
  r.report.notice(...notices);
  r.summary.sdiReceipt = outcome;
  r.deps.count(`SdiReceipts${receipt.type}`);
};

const ingestInvoices = async (r: FileRun): Promise<void> => {
  const incoming = await readIncomingFile(r.file, { mapping: r.mapping });
  if (incoming.kind === 'sdiReceipt') return ingestSdiReceipt(r, incoming.receipt);
  const totals = { created: 0, unchanged: 0, superseded: 0, amended: 0, notChased: 0, needsContact: 0, customersCreated: 0 };
  const credits = noCreditNotes();
  const fatturapaIds: string[] = [];
  const writer = r.deps.invoiceWriter();
  const ctx = { tenantId: r.tenantId, now: r.deps.now(), sourceKey: r.file.key, defaults: r.defaults };
  // Batches are written two at a time, handed in file order: a batch's credit notes wait until the
  // batches before it are done, so an invoice earlier in the file is stored before a credit note
  // naming it is applied.
  let earlierBatches: Promise<void> = Promise.resolve();
  const out = await writeInBatches(oncePerIdentity(incoming.records), r.report, async (batch) => {
    const before = earlierBatches;
    let done = () => {};
    earlierBatches = new Promise<void>((resolve) => (done = resolve));
    try {
      const { rejections, creditNotes = [], fatturapaIds: ids = [], ...counts } = await writer.ingestInvoices(batch, ctx);
      addCounts(totals, counts);
      fatturapaIds.push(...ids);
      const deps = r.deps.creditNotes;
      if (!deps || creditNotes.length === 0) return rejections;
      await before;
      const applied = await applyCreditNotes(deps, creditNotes, { tenantId: r.tenantId, now: ctx.now, timeZone: r.defaults.timeZone });
      addCounts(credits, applied.totals);
      r.report.notice(...applied.notices);
      return [...rejections, ...applied.rejections];
    } finally {
      // Done once the batches before it are done too, whether or not it had credit notes to wait with.
      void before.then(done);
    }
  }, r.deadline);
  r.summary.records = out.records;
  r.summary.invoices = totals;
  if (r.deps.creditNotes) r.summary.creditNotes = credits;
  if (out.stoppedAt !== undefined) r.report.stoppedAt(out.stoppedAt);
  // The file as the SdI knows it: its notifications find these invoices by its name.
  if (r.deps.sdi && fatturapaIds.length > 0) {
    const waiting = await r.deps.sdi.files.rememberFile(r.tenantId, sdiFileStem(r.file.key), [...new Set(fatturapaIds)]);
    if (waiting.length > 0) r.summary.waitingReceipts = waiting;
  }
  r.deps.count('InvoicesCreated', totals.created);
  r.deps.count('InvoicesSuperseded', totals.superseded);
  r.deps.count('InvoicesNeedingContact', totals.needsContact);
  if (r.deps.creditNotes) r.deps.count('CreditNotesNetted', credits.netted);
};

const ingestCustomers = async (r: FileRun): Promise<void> => {
  const totals = { created: 0, updated: 0, unchanged: 0, activated: 0 };
  const directory = r.deps.customerDirectory();
  const ctx = { tenantId: r.tenantId, now: r.deps.now(), sourceKey: r.file.key, defaults: r.defaults };
  // A customer may name a preset or one of the company's policies, nothing else.
  const known = new Set<string>([...POLICY_IDS, ...(r.deps.policies ? (await r.deps.policies.policies.list(r.tenantId)).map((p) => p.id) : [])]);
  const out = await writeInBatches(readCustomerFile(r.file, { mapping: r.mapping }), r.report, async (batch) => {
    const unknown = batch.filter((c) => c.fields.policy && !known.has(c.fields.policy));
    const { rejections, ...counts } = await directory.upsertCustomers(batch.filter((c) => !unknown.includes(c)), ctx);
    addCounts(totals, counts);
    return [
      ...unknown.map((c) => ({ ...(c.row !== undefined ? { row: c.row } : {}), ...(c.element !== undefined ? { element: c.element } : {}), field: 'policy', value: c.fields.policy!, reason: `no such policy: ${[...known].join(', ')}` })),
      ...rejections,
    ];
  }, r.deadline);
  r.summary.records = out.records;
  r.summary.customers = totals;
  if (out.stoppedAt !== undefined) r.report.stoppedAt(out.stoppedAt);
  r.deps.count('CustomersUpserted', totals.created + totals.updated);
  r.deps.count('InvoicesActivated', totals.activated);
};

const ingestSettings = async (deps: IngestFileDeps, file: SourceFile, kind: 'tenant' | 'mapping', tenantId: string, report: RejectionReport): Promise<void> => {
  const json = parseJsonFile(await readDocument(file.body, SETTINGS_MAX_BYTES));
  if (kind === 'mapping') {
    const mapping = readMappingFile(json);
    if (!mapping.ok) report.add(...mapping.rejections);
    return;
  }
  const tenant = readTenantFile(json, tenantId);
  if (!tenant.ok) return report.add(...tenant.rejections);
  const before = await deps.tenants.getTenant(tenantId);
  await deps.tenants.putTenant(tenant.value);
  // Another company default or segment policy: the open invoices are re-planned from their next stage.
  if (before && deps.policies && !isDeepStrictEqual([before.defaultPolicy, before.segmentPolicies], [tenant.value.defaultPolicy, tenant.value.segmentPolicies])) {
    await deps.policies.restarts.restartOpen(tenantId, { tenantWide: true });
  }
};

/** config/policies.json: `{ "policies": [ … ] }`, each policy saved (or left unchanged) or refused on its own. */
const ingestPolicies = async (deps: IngestFileDeps, file: SourceFile, tenantId: string, report: RejectionReport, summary: IngestSummary): Promise<void> => {
  const json = parseJsonFile(await readDocument(file.body, SETTINGS_MAX_BYTES));
  const list = readPoliciesFile(json);
  if (!deps.policies) throw new FileRejected('company policies are not read by this function');
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new FileRejected('the company is not set up yet: upload config/tenant.json first, then this file again');
  summary.records = list.length;
  for (const [i, input] of list.entries()) {
    const out = await savePolicy(deps.policies, tenant, input, 'upsert', deps.now());
    if (out.kind === 'refused') report.add(...out.problems.map((p) => ({ row: i + 1, field: `policies.${i}.${p.path}`, reason: p.message })));
    else if (out.kind === 'conflict') report.add({ row: i + 1, field: `policies.${i}`, reason: `${out.message}: upload the file again` });
    else if (out.kind === 'saved') deps.count('PoliciesSaved');
  }
};

/** The uploader of config/ files, as the wording's `updatedBy` records it. */
const UPLOADED = 'upload';

const ingestWording = async (deps: IngestFileDeps, file: SourceFile, tenantId: string, report: RejectionReport): Promise<void> => {
  if (!deps.wording) throw new FileRejected('this deployment does not read wording files');
  const json = parseJsonFile(await readDocument(file.body, SETTINGS_MAX_BYTES));
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new FileRejected('the company is not set up yet: upload config/tenant.json first (the check renders the wording with its record)');
  const now = deps.now();
  const read = readWordingFile(file.key, json, tenant, now);
  if (!read.ok) {
    report.add(...read.rejections);
    return;
  }
  await deps.wording.put(tenantId, read.overrides.map((o) => ({ ...o, updatedAt: now.toISOString(), updatedBy: `${UPLOADED}:${file.key}` })));
  deps.count('WordingAccepted', read.overrides.length);
};

/** Reads one file and writes what it holds; the rejections come back in the report. */
export const ingestFile = async (deps: IngestFileDeps, file: SourceFile, opts: IngestFileOptions): Promise<{ summary: IngestSummary; report: RejectionReport }> => {
  const kind = kindOf(file.key);
  const report = new RejectionReport();
  const summary: IngestSummary = { key: file.key, kind, records: 0, rejected: 0, fileRejected: false };
  try {
    if (kind === 'tenant' || kind === 'mapping') {
      summary.records = 1;
      await ingestSettings(deps, file, kind, opts.tenantId, report);
    } else if (kind === 'policies') {
      await ingestPolicies(deps, file, opts.tenantId, report, summary);
    } else if (kind === 'wording') {
      summary.records = 1;
      await ingestWording(deps, file, opts.tenantId, report);
    } else if (kind === 'invoices' || kind === 'customers') {
      // 2. The mapping and the tenant's defaults
      const mapping = readsCsvMapping(file.key) && opts.mapping ? await opts.mapping() : undefined;
      const defaults = customerDefaults(await deps.tenants.getTenant(opts.tenantId));
      const run: FileRun = { deps, file, tenantId: opts.tenantId, report, summary, mapping, defaults, deadline: opts.deadline ?? (() => false) };
      // 3, 4. Parse, write in batches, count
      await (kind === 'invoices' ? ingestInvoices(run) : ingestCustomers(run));
    }
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    report.fileError(err);
    summary.fileRejected = true;
    deps.count('FilesRejected');
  }
  summary.rejected = report.total;
  return { summary, report };
};
