/**
 * A bank statement arrived under bank/ in the documents bucket:
 * 1. Open it (a delete may have raced the event: then there is nothing to read) and find the tenant.
 * 2. Read it (camt.053/054, MT940, bank CSV: domain/bank/read-statement.ts; a CSV with the company's
 *    column names from config/bank-csv-mapping.json, domain/bank/bank-csv-mapping.ts); a file that
 *    cannot be read at all is refused with the reason.
 * 3. Refuse the statements of an account that is not one of the company's (domain/bank/credit-records.ts).
 * 4. Store each booked credit (and each return) once, by account + bank entry reference: the same
 *    entry read again adds nothing. Debits and pending entries are skipped and counted. The
 *    statement feed keeps, per account, the last day a statement covered (firm stages wait while
 *    it is stale: domain/bank/statement-freshness.ts).
 * 5. Match and apply the undecided credits (reconcile-credits.ts).
 * 5b. Act on this statement's returns not acted on yet: the payments of the credit each takes back
 *    are reversed, or a task says why not (apply-returns.ts).
 * 6. Write the rejections next to the file, in rejected/<key>.errors.json; keep what the read did
 *    (the statement feed's file record, GET /v1/bank-statements) and log the summary.
 * The object itself is never altered or deleted; nothing throws for bad data.
 */
import { creditRecord, foreignAccountReason, returnRecord, tenantAccounts } from '../../domain/bank/credit-records.js';
import { BANK_CSV_MAPPING_KEY, readBankCsvMapping } from '../../domain/bank/bank-csv-mapping.js';
import { readStatement, sniffStatement } from '../../domain/bank/read-statement.js';
import { feedMarks } from '../../domain/bank/statement-freshness.js';
import { StatementRejected, type BankAccountRef, type BankRejection, type StatementRead } from '../../domain/bank/types.js';
import { isBankKey, reportKey } from '../../domain/ingest/document-keys.js';
import { RejectionReport } from '../../domain/ingest/rejection-report.js';
import { readBytes, readDocument } from '../../domain/parsers/bytes.js';
import { localDay } from '../../domain/shared/days.js';
import { FileRejected, type Rejection } from '../../domain/parsers/types.js';
import type { Blobs } from '../ports/blobs.js';
import type { StatementFeed, StatementRecord } from '../ports/statement-feed.js';
import type { TenantRepository } from '../ports/tenants.js';
import { applyReturns, type ApplyReturnsDeps, type ReturnsSummary } from './apply-returns.js';
import { reconcileCredits, type ReconcileDeps, type ReconcileSummary } from './reconcile-credits.js';

export interface IngestStatementDeps extends ReconcileDeps {
  tasks: ReconcileDeps['tasks'] & ApplyReturnsDeps['tasks'];
  tenants: Pick<TenantRepository, 'getTenant'>;
  documents: Pick<Blobs, 'open' | 'put'>;
  statementFeed: Pick<StatementFeed, 'record' | 'recordRead'>;
}

export interface StatementSummary {
  key: string;
  kind: 'bank' | 'ignored';
  format?: StatementRead['format'];
  credits: number;
  returns: number;
  added: number;
  duplicates: number;
  debitsSkipped: number;
  pendingSkipped: number;
  /** Accounts whose statements were refused: not the company's. */
  refusedAccounts: string[];
  rejected: number;
  fileRejected: boolean;
  reconciled?: ReconcileSummary;
  returned?: ReturnsSummary;
}

const accountName = (a: BankAccountRef): string => a.iban ?? a.otherId ?? '(none)';

const rejectionOf = (r: BankRejection): Rejection => ({
  ...(r.entry !== undefined ? { row: r.entry } : {}),
  ...(r.transaction !== undefined ? { element: `transaction ${r.transaction}` } : r.statement !== undefined ? { element: `statement ${r.statement}` } : {}),
  field: r.field,
  ...(r.value !== undefined ? { value: r.value } : {}),
  reason: r.reason,
});

const MAPPING_MAX_BYTES = 64 * 1024;

/** The company's CSV column names (config/bank-csv-mapping.json), when it has written any. */
const companyCsvMapping = async (documents: Pick<Blobs, 'open'>) => {
  const file = await documents.open(BANK_CSV_MAPPING_KEY);
  return file ? readBankCsvMapping(await readDocument(file.body, MAPPING_MAX_BYTES)) : undefined;
};

/** `versionId`: the object version the S3 event named (the bucket is versioned): that upload is read, not a later one. */
export const ingestStatement = async (deps: IngestStatementDeps, input: { tenantId: string; key: string; versionId?: string }): Promise<StatementSummary> => {
  const { key, tenantId } = input;
  const summary: StatementSummary = { key, kind: 'bank', credits: 0, returns: 0, added: 0, duplicates: 0, debitsSkipped: 0, pendingSkipped: 0, refusedAccounts: [], rejected: 0, fileRejected: false };
  if (!isBankKey(key)) {
    deps.logger.info('object ignored: not a bank statement key', { key });
    return { ...summary, kind: 'ignored' };
  }
  const report = new RejectionReport();
  const refuse = (reason: string, field = 'file') => {
    report.add({ field, reason });
    summary.fileRejected = true;
    deps.count('FilesRejected');
  };

  // 1. Open it, find the tenant
  const file = await deps.documents.open(key, input.versionId ? { versionId: input.versionId } : {});
  if (!file) {
    deps.logger.warn('object gone before it could be read', { key });
    return summary;
  }
  const tenant = await deps.tenants.getTenant(tenantId);
  let read: StatementRead | undefined;
  if (!tenant) refuse('the company is not set up yet: upload config/tenant.json first, then this statement again');
  else {
    // 2. Read it
    try {
      const account = tenantAccounts(tenant)[0];
      const bytes = await readBytes(file.body);
      const csvMapping = sniffStatement(key, bytes) === 'csv' ? await companyCsvMapping(deps.documents) : undefined;
      read = await readStatement({ name: key, bytes, ...(account ? { account } : {}), ...(csvMapping ? { csvMapping } : {}) });
    } catch (err) {
      if (err instanceof StatementRejected) refuse(err.reason, err.field ?? 'file');
      else if (err instanceof FileRejected) refuse(err.reason);
      else throw err;
    }
  }

  if (tenant && read) {
    summary.format = read.format;
    report.add(...read.rejections.map(rejectionOf));
    // 3. The company's accounts only
    const refused = new Map<string, string>();
    for (const s of read.statements) {
      const why = foreignAccountReason(tenant, s.account);
      if (why) refused.set(accountName(s.account), why);
    }
    for (const c of [...read.credits, ...read.returns]) {
      const why = foreignAccountReason(tenant, c.account);
      if (why) refused.set(accountName(c.account), why);
    }
    for (const [account, reason] of refused) report.add({ field: 'account', value: account, reason });
    summary.refusedAccounts = [...refused.keys()];
    const ours = <T extends { account: BankAccountRef }>(list: readonly T[]) => list.filter((m) => !refused.has(accountName(m.account)));
    if (refused.size > 0 && read.statements.every((s) => refused.has(accountName(s.account)))) {
      summary.fileRejected = true;
      deps.count('FilesRejected');
    }

    // 4. Stored once
    const ctx = { tenantId, key, at: deps.now().toISOString() };
    const returns = ours(read.returns).map((r) => returnRecord(r, ctx));
    const records = [...ours(read.credits).map((c) => creditRecord(c, ctx)), ...returns];
    summary.credits = ours(read.credits).length;
    summary.returns = ours(read.returns).length;
    summary.debitsSkipped = read.debitsSkipped;
    summary.pendingSkipped = read.pendingSkipped;
    Object.assign(summary, await deps.bankCredits.addNew(records));
    const marks = feedMarks(read, { key, receivedAt: ctx.at, receivedDay: localDay(deps.now(), tenant.timeZone), ours: (a) => !refused.has(accountName(a)) });
    for (const mark of marks) await deps.statementFeed.record(tenantId, mark);
    deps.count('BankCreditsStored', summary.added);
    deps.count('BankDebitsSkipped', summary.debitsSkipped);

    // 5. Matched and applied
    summary.reconciled = await reconcileCredits(deps, tenant);
    // 5b. The returns acted on
    summary.returned = await applyReturns(deps, tenant, returns.map((r) => r.creditId));
  }

  // 6. The report and the summary
  summary.rejected = report.total;
  if (report.total > 0) {
    deps.count('RecordsRejected', report.total);
    await deps.documents.put(reportKey(key), report.document(key), 'application/json');
  }
  if (tenant) await deps.statementFeed.recordRead(tenantId, statementRecord(summary, deps.now().toISOString()));
  deps.logger.info('bank statement read', { ...summary, refusedAccounts: summary.refusedAccounts.length });
  return summary;
};

/** What the finance team sees of a file read (GET /v1/bank-statements). */
const statementRecord = (s: StatementSummary, readAt: string): StatementRecord => {
  const { reconciled, kind: _kind, ...counts } = s;
  return {
    ...counts,
    readAt,
    ...(s.rejected > 0 ? { reportKey: reportKey(s.key) } : {}),
    ...(reconciled ? { matched: reconciled.matched, suggested: reconciled.suggested, unmatched: reconciled.unmatched, payments: reconciled.payments } : {}),
  };
};
