/**
 * Files dropped in the documents bucket: S3 ObjectCreated on invoices/, customers/ and config/
 * invokes the ingest Lambda, and on bank/ the bank-statements Lambda, asynchronously. Both are
 * idempotent (S3 delivers at least once); an event that still fails after Lambda's two retries
 * lands in the function's dead-letter queue with the object key, so no upload is silently lost.
 * bank-statements is its own function because it applies payments, which stop the settled
 * invoices' executions (states:StopExecution): ingest never needs that.
 * Very large files may later move to a Step Functions Distributed Map over the object.
 */
import { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';
import { DOCUMENT_PREFIXES } from './storage.js';

export const INGEST_PREFIXES = [DOCUMENT_PREFIXES.invoices, DOCUMENT_PREFIXES.customers, DOCUMENT_PREFIXES.config] as const;
export const BANK_PREFIXES = [DOCUMENT_PREFIXES.bank] as const;

export interface IngestProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

interface DocumentFunctionSpec {
  readonly id: string;
  readonly handler: string;
  readonly description: string;
  readonly deadLetters: string;
  readonly prefixes: readonly string[];
  readonly memorySize: number;
}

/** A function notified of new objects under `prefixes`, with its dead-letter queue and its access. */
class DocumentFunction extends Construct {
  readonly fn: HandlerFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestProps, spec: DocumentFunctionSpec) {
    super(scope, id);
    // Ids as the ingest function always had them (Ingest/IngestFunction …): no resource is replaced.
    this.deadLetters = deadLetterQueue(this, `${spec.id}DeadLetters`, spec.deadLetters);
    this.fn = new HandlerFunction(this, `${spec.id}Function`, {
      handler: spec.handler,
      description: spec.description,
      logRetention: props.logRetention,
      memorySize: spec.memorySize,
      // Minutes for the batched writes (ingest) and the payments one by one (bank statements).
      timeout: Duration.minutes(5),
      deadLetterQueue: this.deadLetters,
    });
    applyAccess(this.fn, accessOf(spec.handler), props.resources);
    const target = new s3n.LambdaDestination(this.fn);
    for (const prefix of spec.prefixes) {
      props.resources.storage.documents.addEventNotification(s3.EventType.OBJECT_CREATED, target, { prefix });
    }
  }
}

export class Ingest extends DocumentFunction {
  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id, props, {
      id: 'Ingest',
      handler: 'ingest',
      description: 'Reads uploaded invoice and customer files into the table',
      deadLetters: 'S3 events the ingest function failed on after its retries',
      prefixes: INGEST_PREFIXES,
      // Streams files of 100k rows: memory for parsing.
      memorySize: 1024,
    });
  }
}

export class BankStatements extends DocumentFunction {
  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id, props, {
      id: 'BankStatements',
      handler: 'bank-statements',
      description: 'Reads bank statements, stores their credits, matches and applies them as payments',
      deadLetters: 'S3 events the bank-statements function failed on after its retries',
      prefixes: BANK_PREFIXES,
      memorySize: 512,
    });
  }
}
