/**
 * The table's stream drives the timelines: table-stream starts an execution for a new or revised
 * invoice, stops it when the invoice is paid and thanks the customer. Only invoice items reach the
 * function (event filter, the same one the local stream poller applies). A failing record is
 * reported alone (partial batch response) and, after the retries, parked in a queue with its
 * shard position, so one bad invoice never holds the others back. stream-failures reads that queue:
 * it reads the parked records back from the stream and writes the failure on their invoices, so the
 * finance team sees which invoices may have no running timeline.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';

export interface TableStreamProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

/** Invoice items only, whether created, changed or (rarely) removed. */
export const INVOICE_FILTERS = [
  lambda.FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('invoice') } } } }),
  lambda.FilterCriteria.filter({ dynamodb: { OldImage: { entity: { S: lambda.FilterRule.isEqual('invoice') } } } }),
];

export class TableStream extends Construct {
  readonly fn: HandlerFunction;
  /** Stream batches that kept failing: their shard and sequence numbers (the mapping's on-failure records). */
  readonly failures: sqs.Queue;
  /** Reads those back from the stream and marks their invoices failed. */
  readonly failuresFn: HandlerFunction;
  /** On-failure records stream-failures could not act on (the stream had trimmed them, an outage). */
  readonly unhandled: sqs.Queue;

  constructor(scope: Construct, id: string, props: TableStreamProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'TableStreamFunction', {
      handler: 'table-stream',
      description: 'Starts, stops and closes invoice timelines from the table stream',
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
    });
    applyAccess(this.fn, accessOf('table-stream'), props.resources);

    this.unhandled = deadLetterQueue(this, 'StreamFailuresUnhandled', 'table-stream failure records stream-failures could not act on');
    const failuresTimeout = Duration.seconds(60);
    this.failures = new sqs.Queue(this, 'StreamFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The stream keeps the records 24 hours: a message is only useful while they are there, but it stays
      // for whoever replays by hand.
      retentionPeriod: Duration.days(14),
      // AWS's advice for a Lambda-drained queue: six times the function's timeout.
      visibilityTimeout: Duration.seconds(failuresTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.unhandled, maxReceiveCount: 5 },
    });
    this.fn.addEventSource(
      new sources.DynamoEventSource(props.resources.storage.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 50,
        maxBatchingWindow: Duration.seconds(1),
        filters: INVOICE_FILTERS,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 8,
        maxRecordAge: Duration.days(1),
        onFailure: new sources.SqsDlq(this.failures),
      }),
    );

    this.failuresFn = new HandlerFunction(this, 'StreamFailuresFunction', {
      handler: 'stream-failures',
      description: 'Marks the invoices of table-stream batches that failed every retry',
      logRetention: props.logRetention,
      timeout: failuresTimeout,
    });
    applyAccess(this.failuresFn, accessOf('stream-failures'), props.resources);
    this.failuresFn.addEventSource(new sources.SqsEventSource(this.failures, { batchSize: 10, reportBatchItemFailures: true }));
  }
}
