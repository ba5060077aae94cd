/**
 * /v1/bank-statements: a statement uploaded through the API (for a finance team without access to
 * the bucket), and what reading each statement file did, however it arrived.
 */
import { randomBytes } from 'node:crypto';
import { sniffStatement } from '../../domain/bank/read-statement.js';
import { StatementRejected } from '../../domain/bank/types.js';
import { BANK_PREFIX } from '../../domain/ingest/document-keys.js';
import { localDay } from '../../domain/shared/days.js';
import { StatementList, StatementListQuery, StatementReceived, StatementUploadQuery } from '../bank-statement-schemas.js';
import { ApiError } from '../errors.js';
import { route, type RouteDef } from '../route.js';

/**
 * Lambda takes at most 6 MB in a request and API Gateway sends a file base64-encoded (4/3 of its
 * size): 4 MB of file fits. A year of one account's daily camt.053 is far less.
 */
export const STATEMENT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;

const CONTENT_TYPES = ['application/xml', 'text/xml', 'text/plain', 'text/csv', 'application/octet-stream'] as const;
const CONTENT_TYPE_OF = { camt: 'application/xml', mt940: 'text/plain', csv: 'text/csv' } as const;

export const bankStatementRoutes: RouteDef[] = [
  route({
    method: 'POST',
    path: '/v1/bank-statements',
    operationId: 'uploadBankStatement',
    summary: 'Upload a bank statement',
    description:
      'The file as the bank gave it (camt.053 or camt.054 XML, MT940, the bank\'s CSV export) as the body. It is told from its first bytes, stored under bank/ and read as any statement dropped there: credits stored once, matched, applied; rejections in a report beside it. 202: read in a few seconds, what it did at the `check` path. 422 when it is no statement Sollecito reads (a PDF, a spreadsheet…), with what to upload instead.',
    tag: 'invoices',
    access: 'write',
    query: StatementUploadQuery,
    rawBody: { contentTypes: CONTENT_TYPES, maxBytes: STATEMENT_UPLOAD_MAX_BYTES, description: 'The statement file, unchanged.' },
    response: { status: 202, schema: StatementReceived, description: 'Stored; read in a few seconds.' },
    errors: [422],
    handle: async (c) => {
      const bytes = c.raw!;
      const name = c.query.name ?? 'statement';
      let format: keyof typeof CONTENT_TYPE_OF;
      try {
        format = sniffStatement(name, bytes);
      } catch (err) {
        if (err instanceof StatementRejected) throw new ApiError(422, 'not_a_statement', err.reason, [{ field: 'body', message: err.reason }]);
        throw err;
      }
      const day = localDay(c.now, c.tenant.timeZone);
      const key = `${BANK_PREFIX}api/${day}/${c.now.toISOString().slice(11, 19).replace(/:/g, '')}-${randomBytes(4).toString('hex')}-${name}`;
      await c.deps.documents.put(key, bytes, CONTENT_TYPE_OF[format]);
      c.deps.logger.info('bank statement uploaded', { key, format, bytes: bytes.byteLength });
      return { key, format, status: 'received' as const, check: `/v1/bank-statements?key=${encodeURIComponent(key)}` };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/bank-statements',
    operationId: 'listBankStatements',
    summary: 'Bank statements read',
    description: 'What reading each statement file did, the newest first (`limit`, default 50); `key` keeps one file (empty until it was read).',
    tag: 'invoices',
    access: 'read',
    query: StatementListQuery,
    response: { status: 200, schema: StatementList, description: 'The files read.' },
    handle: async (c) => ({ items: await c.deps.statementFeed.reads(c.tenant.tenantId, { ...(c.query.key ? { key: c.query.key } : {}), limit: c.query.limit ?? 50 }) }),
  }),
];
