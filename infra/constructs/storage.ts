/**
 * The data that must survive everything else: the single table (source of truth, see
 * docs/data-model.md) and the documents bucket (uploaded invoice and customer files, rejection
 * reports, collection dossiers), plus the bucket that receives the documents bucket's access logs.
 * Both are retained when the stack is deleted.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambdas/adapters/dynamo/schema.js';

export { DOCUMENT_PREFIXES } from './document-prefixes.js';
import { DOCUMENT_PREFIXES } from './document-prefixes.js';

/** Powertools idempotency records and other expiring items carry their epoch-seconds expiry here. */
export const TTL_ATTRIBUTE = 'ttl';

const str = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class Storage extends Construct {
  readonly table: dynamodb.Table;
  readonly documents: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: str(TABLE_SCHEMA.partitionKey),
      sortKey: str(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType[TABLE_SCHEMA.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE_SCHEMA.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: str(index.partitionKey),
        sortKey: str(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const secure = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies s3.BucketProps;

    // S3 server access logs can only be delivered to an SSE-S3 bucket, hence S3_MANAGED above.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.documents = new s3.Bucket(this, 'Documents', {
      ...secure,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        // Current invoices are kept (bookkeeping law asks for ten years); overwritten or deleted copies are not.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { id: 'expire-rejection-reports', prefix: DOCUMENT_PREFIXES.rejected, expiration: Duration.days(365) },
      ],
    });
  }
}
