/**
 * Files dropped in the documents bucket become invoices and customers: S3 ObjectCreated on
 * invoices/, customers/ and config/ invokes the ingest Lambda asynchronously. Ingest is idempotent
 * (S3 delivers at least once); an event that still fails after Lambda's two retries lands in a
 * dead-letter queue with the object key, so no upload is silently lost.
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

export interface IngestProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

export class Ingest extends Construct {
  readonly fn: HandlerFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, 'IngestDeadLetters', 'S3 events the ingest function failed on after its retries');
    this.fn = new HandlerFunction(this, 'IngestFunction', {
      handler: 'ingest',
      description: 'Reads uploaded invoice and customer files into the table',
      logRetention: props.logRetention,
      // Streams files of 100k rows: memory for parsing, minutes for the batched writes.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      deadLetterQueue: this.deadLetters,
    });
    applyAccess(this.fn, accessOf('ingest'), props.resources);

    const target = new s3n.LambdaDestination(this.fn);
    for (const prefix of INGEST_PREFIXES) {
      props.resources.storage.documents.addEventNotification(s3.EventType.OBJECT_CREATED, target, { prefix });
    }
  }
}
