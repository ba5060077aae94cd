/**
 * A document arrived in the documents bucket (invoices/, customers/, config/):
 * 1. Route it by its key: a key ingest does not read is ignored.
 * 2. Open it as a stream, the very version the event announced when it names one (a later upload
 *    of the same key has an event of its own; a delete may have raced the event: then there is
 *    nothing to ingest).
 * 3. Ingest the file (ingest-file.ts), reading config/csv-mapping.json when its format needs it and
 *    stopping new batches when the Lambda is about to run out of time.
 * 4. Write its rejections (and notices) next to it, in rejected/<key>.errors.json, and count them.
 * 5. Log the summary.
 * 6. A FatturaPA file that SdI notifications were waiting for: ingest those notifications now (each
 *    one's report is written again, replacing the one that said it was waiting).
 * The object itself is never altered or deleted.
 */
import { MAPPING_KEY, kindOf, reportKey } from '../../domain/ingest/document-keys.js';
import { mappingForDataFile, parseJsonFile } from '../../domain/ingest/settings-files.js';
import { readDocument } from '../../domain/parsers/bytes.js';
import type { CsvMappingConfig } from '../../domain/parsers/columns.js';
import type { Observability } from '../observability.js';
import type { Blobs } from '../ports/blobs.js';
import { ingestFile, type IngestFileDeps, type IngestSummary } from './ingest-file.js';

/** Left for writing the report when a huge file meets the Lambda's time limit. */
const TIME_RESERVE_MS = 20_000;
const MAPPING_MAX_BYTES = 1024 * 1024;

export type IngestDocumentDeps = IngestFileDeps & Observability & { documents: Pick<Blobs, 'open' | 'put'> };

export interface IngestDocumentInput {
  tenantId: string;
  key: string;
  /** The S3 event's object version (a versioned bucket): that version is read, not the latest. */
  versionId?: string;
  /** What is left of the invocation's time, when there is a limit. */
  remainingTimeMs?: () => number;
}

const readMapping = async (documents: Pick<Blobs, 'open'>): Promise<CsvMappingConfig | undefined> => {
  const file = await documents.open(MAPPING_KEY);
  return file ? mappingForDataFile(parseJsonFile(await readDocument(file.body, MAPPING_MAX_BYTES)), MAPPING_KEY) : undefined;
};

export const ingestDocument = (deps: IngestDocumentDeps, input: IngestDocumentInput): Promise<IngestSummary> => ingestOne(deps, input, false);

const ingestOne = async (deps: IngestDocumentDeps, input: IngestDocumentInput, replay: boolean): Promise<IngestSummary> => {
  const { key } = input;
  const nothing: IngestSummary = { key, kind: kindOf(key), records: 0, rejected: 0, fileRejected: false };

  // 1. Route by key
  if (nothing.kind === 'ignored') {
    deps.logger.info('object ignored: not an ingest key', { key });
    return nothing;
  }

  // 2. Open it
  const file = await deps.documents.open(key, input.versionId ? { versionId: input.versionId } : {});
  if (!file) {
    deps.logger.warn('object gone before it could be read', { key, ...(input.versionId ? { versionId: input.versionId } : {}) });
    return nothing;
  }

  // 3. Ingest the file
  const { remainingTimeMs } = input;
  const { summary, report } = await ingestFile(deps, { key, ...file }, {
    tenantId: input.tenantId,
    mapping: () => readMapping(deps.documents),
    deadline: () => (remainingTimeMs ? remainingTimeMs() < TIME_RESERVE_MS : false),
  });

  // 4. Its rejections next to it
  if (report.total > 0) deps.count('RecordsRejected', report.total);
  if (report.hasEntries || replay) await deps.documents.put(reportKey(key), report.document(key), 'application/json');

  // 5. The summary
  deps.logger.info('ingested', { ...summary });

  // 6. The SdI notifications that came before this file
  for (const waiting of summary.waitingReceipts ?? []) {
    // The waiting notification's own latest version: its event named a version of another key.
    const { versionId: _own, ...rest } = input;
    if (waiting !== key && kindOf(waiting) === 'invoices') await ingestOne(deps, { ...rest, key: waiting }, true);
  }
  return summary;
};
