/**
 * What Lambda's event source mapping puts in the StreamFailures queue when a stream batch fails
 * every retry (its on-failure record), delivered as the SQS event stream-failures receives in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import type { GivenUpBatch } from './services/stream-poller.js';

export const streamFailureEvent = (batch: GivenUpBatch, region: string, at: Date): SQSEvent => ({
  Records: [
    {
      messageId: randomUUID(),
      receiptHandle: 'local',
      body: JSON.stringify({
        requestContext: { requestId: randomUUID(), functionArn: 'local:table-stream', condition: 'RetryAttemptsExhausted', approximateInvokeCount: batch.batchSize },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: at.toISOString(),
        DDBStreamBatchInfo: { ...batch, approximateArrivalOfFirstRecord: at.toISOString(), approximateArrivalOfLastRecord: at.toISOString() },
      }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(at.getTime()), SenderId: 'local', ApproximateFirstReceiveTimestamp: String(at.getTime()) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:000000000000:StreamFailures`,
      awsRegion: region,
    },
  ],
});
