/**
 * Bank statements PUT to s3rver under bank/ and handed, as its ObjectCreated events, to the
 * production handler (handlers/bank-statements.ts) over the real adapters on DynamoDB Local. The
 * workflow only records the stops asked of it (a settled invoice's execution): no state machine here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { expect } from 'vitest';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { localContext } from '../../local/lambda-context.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoReports } from '../../lambdas/adapters/dynamo-reports.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import type { StatementSummary } from '../../lambdas/app/bank/ingest-statement.js';
import { makeBankStatementsHandler } from '../../lambdas/handlers/bank-statements.js';
import { testObservability } from './observability.js';

export interface BankUploads {
  store: ReturnType<typeof dynamoRepositories>;
  /** Executions asked to stop (a settled invoice's). */
  stops: string[];
  /** The Commands the handler applies payments through (for an admin API wired beside it). */
  commands: DynamoCommands;
  /** The bucket as the functions see it: an admin API wired beside puts its uploads there. */
  documents: S3Blobs;
  /** The summary of the file under `key` once the handler has read it (an upload made by someone else, e.g. the admin API). */
  summaryOf(key: string): Promise<StatementSummary | undefined>;
  /** PUTs a statement (or a config file), waits for the handler when it is a bank/ key: its summary. */
  upload(key: string, body: string | Uint8Array): Promise<StatementSummary | undefined>;
  /** The rejection report next to a file. */
  report(key: string): Promise<{ errors: { row?: number; element?: string; field: string; value?: string; reason: string }[] }>;
  stop(): Promise<void>;
}

export const startBankUploads = async (opts: { tenantId: string; bucket: string; now: () => Date }): Promise<BankUploads> => {
  const table = tableFromEnv();
  const store = dynamoRepositories(table);
  const stops: string[] = [];
  const workflow: Workflow = { start: async () => ({ executionArn: 'arn', alreadyStarted: false }), stop: async (name) => void stops.push(name) };
  const summaries: StatementSummary[] = [];
  const pending: Promise<unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sollecito-bank-'));
  let client: S3Client | undefined;
  let bank: ReturnType<typeof makeBankStatementsHandler> | undefined;
  const s3: RunningS3 = await startS3({
    directory: dir,
    bucket: opts.bucket,
    onObjectCreated: (event: S3Event) => {
      if (!bank || !event.Records.every((r) => r.s3.object.key.startsWith('bank/'))) return;
      pending.push(bank(event, localContext('bank-statements')).then((s) => summaries.push(...s)));
    },
  });
  client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint, region: 'eu-south-1', credentials: S3_LOCAL_CREDENTIALS, maxAttempts: 4 });
  const commands = new DynamoCommands(workflow, table);
  bank = makeBankStatementsHandler({
    ...testObservability('bank-statements'),
    tenantId: opts.tenantId,
    tenants: store.tenants,
    bankCredits: store.bankCredits,
    statementFeed: store.statementFeed,
    receivables: new DynamoReports(table),
    commands,
    tasks: store.tasks,
    documents: new S3Blobs(opts.bucket, client),
    now: opts.now,
  });
  const s3Client = client;
  const documents = new S3Blobs(opts.bucket, client);
  return {
    store,
    stops,
    commands,
    documents,
    async summaryOf(key) {
      for (let i = 0; i < 500 && !summaries.some((x) => x.key === key); i++) {
        while (pending.length) await pending.shift();
        await new Promise((r) => setTimeout(r, 10));
      }
      return summaries.findLast((x) => x.key === key);
    },
    async upload(key, body) {
      const before = summaries.length;
      await s3Client.send(new PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: typeof body === 'string' ? Buffer.from(body) : body }));
      if (!key.startsWith('bank/')) return undefined;
      for (let i = 0; i < 500 && pending.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      while (pending.length) await pending.shift();
      expect(summaries.length).toBe(before + 1);
      return summaries.at(-1);
    },
    async report(key) {
      const out = await s3Client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: `rejected/${key}.errors.json` }));
      return JSON.parse(await out.Body!.transformToString());
    },
    async stop() {
      s3Client.destroy();
      await s3.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
