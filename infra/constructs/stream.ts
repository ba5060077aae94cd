/**
 * The table's stream drives the timelines: table-stream starts an execution for a new or revised
 * invoice, stops it when the invoice is paid and thanks the customer. Only invoice items reach the
 * function (event filter, the same one the local stream poller applies). A failing record is
 * reported alone (partial batch response) and, after the retries, parked in a queue with its
 * shard position, so one bad invoice never holds the others back.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
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
  /** Stream records that kept failing: their shard and sequence numbers, to replay by hand. */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: TableStreamProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'TableStreamFunction', {
      handler: 'table-stream',
      description: 'Starts, stops and closes invoice timelines from the table stream',
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
    });
    applyAccess(this.fn, accessOf('table-stream'), props.resources);

    this.failures = deadLetterQueue(this, 'StreamFailures', 'table-stream records that failed every retry');
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
  }
}
