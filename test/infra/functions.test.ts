/**
 * Every Lambda of the app: the defaults of infra/constructs/defaults.ts, and the configuration
 * each one gets only together with the permission that makes it usable.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../infra/constructs/config.js';
import { handlerExists } from '../../infra/constructs/defaults.js';
import { SYNTH_TIMEOUT_MS, list, stackTemplate, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('functions', () => {
  it('every function of the app is Node.js 22 on arm64 with active tracing, its own log group and source maps', () => {
    expect([...t.functionIds.keys()].sort()).toEqual(
      expect.arrayContaining(['plan-timeline', 'send-reminder', 'table-stream', 'ingest', 'admin-api'].filter(handlerExists)),
    );
    for (const [handler, id] of t.functionIds) {
      const p = t.resources[id]!.Properties;
      expect({ handler, runtime: p.Runtime, arch: p.Architectures, tracing: p.TracingConfig }).toEqual({
        handler,
        runtime: 'nodejs22.x',
        arch: ['arm64'],
        tracing: { Mode: 'Active' },
      });
      expect(p.Handler, handler).toBe('index.handler');
      expect(p.LoggingConfig.LogGroup, handler).toEqual({ Ref: expect.any(String) });
      // Source maps ship but are not loaded at start: that would cost every cold start (npm run decode-stack reads them).
      expect(p.Environment.Variables.NODE_OPTIONS, handler).toBeUndefined();
    }
  });

  it('every Lambda in the template is one of ours, except CDK\'s own bucket-notification and console-deployment helpers', () => {
    const ours = new Set(t.functionIds.values());
    const others = t.ofType('AWS::Lambda::Function').filter(([id]) => !ours.has(id));
    // The console's BucketDeployment handler runs with our role (infra/constructs/console.ts), checked by access.test.ts.
    for (const [id] of others) expect(id).toMatch(/^(BucketNotificationsHandler|CustomCDKBucketDeployment)/);
  });

  it('log groups keep their logs for the configured retention', () => {
    for (const [id, g] of t.ofType('AWS::Logs::LogGroup')) expect(g.Properties.RetentionInDays, id).toBe(DEFAULT_CONFIG.logRetentionDays);
  });

  it('gets the configuration its adapters read, and only with the permission that makes it usable', () => {
    const pairs: [env: string, action: string][] = [
      ['SENDER_EMAIL', 'ses:SendEmail'],
      ['EVENT_BUS_NAME', 'events:PutEvents'],
      ['LINK_SECRET_ARN', 'secretsmanager:GetSecretValue'],
    ];
    for (const handler of t.functionIds.keys()) {
      const env = t.envOf(handler);
      const actions = t.actionsOf(handler);
      expect(env.TABLE_NAME, handler).toEqual({ Ref: t.idOf(t.stack.storage.table) });
      expect(env.TENANT_ID, handler).toBe(DEFAULT_CONFIG.tenantId);
      for (const [name, action] of pairs) expect({ handler, name, has: name in env }).toEqual({ handler, name, has: actions.has(action) });
      // The state machine's ARN goes with starting (every run, or only mailbox runs) or stopping its executions.
      expect({ handler, sm: 'STATE_MACHINE_ARN' in env }).toEqual({ handler, sm: actions.has('states:StartExecution') || actions.has('states:StopExecution') });
      expect({ handler, bucket: 'BUCKET_NAME' in env }).toEqual({ handler, bucket: actions.has('s3:GetObject') || actions.has('s3:PutObject') });
      // The links in customer messages need both the key and the base URL (lambdas/handlers/lib/message-links.ts).
      expect({ handler, url: 'PUBLIC_BASE_URL' in env }).toEqual({ handler, url: 'LINK_SECRET_ARN' in env });
    }
  });

  it('the functions that send customer messages carry the signing key and the API URL; the planner carries neither', () => {
    for (const handler of ['send-reminder', 'check-promise', 'credit-hold', 'escalate', 'table-stream']) {
      expect(t.envOf(handler).LINK_SECRET_ARN, handler).toEqual({ Ref: t.idOf(t.stack.messaging.linkSecret) });
      expect(JSON.stringify(t.envOf(handler).PUBLIC_BASE_URL), handler).toContain(t.idOf(t.stack.api.httpApi));
    }
    expect(t.envOf('plan-timeline')).not.toHaveProperty('LINK_SECRET_ARN');
    expect(t.envOf('plan-timeline')).not.toHaveProperty('SENDER_EMAIL');
  });

  it('table-stream may publish CreditHoldReleased on the domain bus, and only there', () => {
    const bus = t.idOf(t.stack.messaging.bus);
    expect(t.envOf('table-stream').EVENT_BUS_NAME).toEqual({ Ref: bus });
    const puts = t.statementsOf('table-stream').filter((st) => list(st.Action).includes('events:PutEvents'));
    expect(puts.flatMap((st) => list(st.Resource))).toEqual([{ 'Fn::GetAtt': [bus, 'Arn'] }]);
  });

  it('every function that queries the table may query its indexes too (send-reminder reads gsi2 by customer)', () => {
    const table = t.idOf(t.stack.storage.table);
    const indexes = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] };
    expect(t.actionsOf('send-reminder').has('dynamodb:Query')).toBe(true);
    for (const handler of t.functionIds.keys()) {
      const queries = t.statementsOf(handler).filter((st) => list(st.Action).includes('dynamodb:Query'));
      expect(queries.length, handler).toBeGreaterThan(0);
      for (const st of queries) expect(list(st.Resource), handler).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [table, 'Arn'] }, indexes]));
    }
  });

  it('ingest has a dead-letter queue for failed asynchronous invocations', () => {
    const dlq = t.resources[t.fnId('ingest')]!.Properties.DeadLetterConfig;
    expect(dlq).toEqual({ TargetArn: { 'Fn::GetAtt': [t.idOf(t.stack.ingest.deadLetters), 'Arn'] } });
  });
});
