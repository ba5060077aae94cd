/**
 * Ingest and bank statements: the S3 notifications that feed them, and what the bank-statements
 * function may touch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

const notificationTargets = (): Map<string, unknown> => {
  const [, notifications] = t.ofType('Custom::S3BucketNotifications')[0]!;
  const configs = notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations as Json[];
  for (const c of configs) expect(c.Events).toEqual(['s3:ObjectCreated:*']);
  return new Map(configs.map((c) => [c.Filter.Key.FilterRules[0].Value as string, c.LambdaFunctionArn]));
};

describe('ingest', () => {
  it('is notified of new objects under invoices/, customers/ and config/, and bank-statements under bank/ only', () => {
    const targets = notificationTargets();
    expect([...targets.keys()].sort()).toEqual(['bank/', 'config/', 'customers/', 'invoices/']);
    for (const prefix of ['config/', 'customers/', 'invoices/']) expect(targets.get(prefix)).toEqual({ 'Fn::GetAtt': [t.fnId('ingest'), 'Arn'] });
    expect(targets.get('bank/')).toEqual({ 'Fn::GetAtt': [t.fnId('bank-statements'), 'Arn'] });
  });
});
