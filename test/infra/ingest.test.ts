/**
 * Ingest: the S3 notifications that feed it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('ingest', () => {
  it('is notified of new objects under invoices/, customers/ and config/ only', () => {
    const [, notifications] = t.ofType('Custom::S3BucketNotifications')[0]!;
    const configs = notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations as Json[];
    expect(configs.map((c) => c.Filter.Key.FilterRules[0].Value).sort()).toEqual(['config/', 'customers/', 'invoices/']);
    for (const c of configs) {
      expect(c.Events).toEqual(['s3:ObjectCreated:*']);
      expect(c.LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [t.fnId('ingest'), 'Arn'] });
    }
  });
});
