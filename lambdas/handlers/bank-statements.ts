/**
 * S3 ObjectCreated on the documents bucket's bank/ prefix: bank statements in.
 * (adapter) --> use case --> domain: this S3 event --> app/bank/ingest-statement.ts -->
 * domain/bank (read-statement.ts, credit-records.ts) and domain/money/matching.
 * Its own function rather than a fourth route of ingest: it applies payments through the Commands
 * port, which stops the executions of settled invoices (states:StopExecution), and reads bank/ only;
 * ingest keeps neither. S3 delivers at least once: every write is idempotent by data (a credit's
 * id is its account + bank entry reference, a payment is joined to a credit-applied item written once).
 * Config: TENANT_ID, TABLE_NAME, BUCKET_NAME, STATE_MACHINE_ARN; the SDK's endpoint variables locally.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { decodeKey } from '../domain/ingest/document-keys.js';
import { ingestStatement, type IngestStatementDeps, type StatementSummary } from '../app/bank/ingest-statement.js';
import { clock } from '../adapters/clock.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { requiredEnv } from './lib/env.js';
import { count, logger, metrics } from './lib/powertools.js';
import { S3Event } from './lib/s3-event.js';

export interface BankStatementsDeps extends IngestStatementDeps {
  tenantId: string;
  logger: Logger;
  metrics: Metrics;
}

/** The Lambda handler over any dependencies: tests pass theirs, the deployed function those of its environment. */
export const makeBankStatementsHandler = (d: BankStatementsDeps) => {
  const run = async (event: unknown): Promise<StatementSummary[]> => {
    const parsed = z.safeParse(S3Event, event);
    if (!parsed.success) {
      d.logger.error('not an S3 event', { issues: parsed.error.issues.length });
      return [];
    }
    const out: StatementSummary[] = [];
    for (const r of parsed.data.Records) {
      if (r.eventName.startsWith('ObjectCreated')) {
        const { versionId } = r.s3.object;
        out.push(await ingestStatement(d, { tenantId: d.tenantId, key: decodeKey(r.s3.object.key), ...(versionId ? { versionId } : {}) }));
      }
    }
    return out;
  };
  return middy(run).use(injectLambdaContext(d.logger)).use(logMetrics(d.metrics));
};

const fromEnvironment = (): BankStatementsDeps => ({
  tenantId: requiredEnv('TENANT_ID'),
  tenants: deps.tenants(),
  bankCredits: deps.bankCredits(),
  statementFeed: deps.statementFeed(),
  receivables: deps.receivables(),
  commands: deps.commandsWarningOnStopFailure(logger),
  tasks: deps.tasks(),
  documents: deps.blobs(),
  now: () => clock.now(),
  logger,
  metrics,
  count,
});

export const handler = builtOnFirstCall(() => makeBankStatementsHandler(fromEnvironment()));
