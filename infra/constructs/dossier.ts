/**
 * The collection-dossier hand-over: a second consumer of the table's stream, woken only by invoice
 * items whose new image is escalated (the function skips the rare record whose old image already
 * was). It is its own function so that the PDF library it needs weighs on no other cold start,
 * above all not on table-stream's, which reads every invoice change. Failures are reported per
 * record and, after the retries, parked in a queue with their shard position (an alarm watches it).
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';

export interface DossierHandOverProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

/** Invoice items that are escalated after the change. */
export const ESCALATION_FILTERS = [
  lambda.FilterCriteria.filter({
    dynamodb: { NewImage: { entity: { S: lambda.FilterRule.isEqual('invoice') }, status: { S: lambda.FilterRule.isEqual('escalated') } } },
  }),
];

export class DossierHandOver extends Construct {
  readonly fn: HandlerFunction;
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: DossierHandOverProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'DossierFunction', {
      handler: 'hand-over-dossier',
      description: 'Assembles the collection dossier (PDF, JSON, invoice copies) of an escalated invoice and hands it to the agency',
      logRetention: props.logRetention,
      // Builds a PDF and a zip of the invoice copies in memory.
      memorySize: 1024,
      timeout: Duration.seconds(60),
    });
    applyAccess(this.fn, accessOf('hand-over-dossier'), props.resources);

    this.failures = deadLetterQueue(this, 'DossierFailures', 'dossier hand-overs that failed every retry');
    this.fn.addEventSource(
      new sources.DynamoEventSource(props.resources.storage.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        filters: ESCALATION_FILTERS,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 8,
        maxRecordAge: Duration.days(1),
        onFailure: new sources.SqsDlq(this.failures),
      }),
    );
  }
}
