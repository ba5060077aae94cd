/**
 * The data the stack keeps: the single table and the buckets, safe from mistakes and from the
 * public internet.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lambdas/adapters/dynamo/schema.js';
import { DOCUMENT_PREFIXES } from '../../infra/constructs/storage.js';
import { SYNTH_TIMEOUT_MS, refersTo, stackTemplate, type Json, type StackTemplate, type Statement } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('table', () => {
  it('is the single table of TABLE_SCHEMA: keys, both GSIs with ALL projection, stream with both images', () => {
    t.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith(
        Object.values(TABLE_SCHEMA.indexes).map((ix) =>
          Match.objectLike({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      ),
    });
  });

  it('survives mistakes: point-in-time recovery, deletion protection, KMS encryption, retained on stack delete', () => {
    t.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('expires items on `ttl`, the attribute Powertools idempotency records use', () => {
    t.template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  });
});

describe('buckets', () => {
  it('every bucket blocks public access, is versioned, encrypted and retained', () => {
    const buckets = t.ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [id, b] of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toMatch(/^(AES256|aws:kms)$/);
      expect(b.DeletionPolicy, id).toBe('Retain');
      expect(JSON.stringify(b.Properties.LifecycleConfiguration), id).toContain('AbortIncompleteMultipartUpload');
    }
  });

  it('every bucket denies requests that do not use TLS', () => {
    for (const [id] of t.ofType('AWS::S3::Bucket')) {
      const policies = t.ofType('AWS::S3::BucketPolicy').filter(([, p]) => refersTo(p.Properties.Bucket, id));
      const denies = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]).filter((st) => st.Effect === 'Deny');
      expect(
        denies.some((st) => JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })),
        `${id} has no Deny on aws:SecureTransport=false`,
      ).toBe(true);
    }
  });

  it('the documents bucket logs its access to the log bucket and expires old versions', () => {
    const docs = t.idOf(t.stack.storage.documents);
    const logBucket = t.idOf(t.stack.storage.accessLogs);
    const props = t.resources[docs]!.Properties;
    expect(props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucket });
    expect(props.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: expect.objectContaining({ NoncurrentDays: expect.any(Number) }) })]),
    );
    // No rule ever deletes a current invoice.
    for (const rule of props.LifecycleConfiguration.Rules as Json[]) {
      if (rule.ExpirationInDays !== undefined) expect(rule.Prefix).toBe(DOCUMENT_PREFIXES.rejected);
    }
  });
});
