/**
 * Least privilege, read from the template itself: no wildcard actions, resources named, object
 * access by prefix, sends scoped to their identities, executions to their state machine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_PREFIXES } from '../../infra/constructs/storage.js';
import { HANDLER_ACCESS, tableActionsOf } from '../../infra/constructs/handler-access.js';
import { TEST_ENV } from '../support/synth.js';
import { SYNTH_TIMEOUT_MS, list, refersTo, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('least privilege', () => {
  it('no Allow statement anywhere has a wildcard action', () => {
    const offending = t.allStatements()
      .filter(({ st }) => st.Effect === 'Allow')
      .flatMap(({ where, st }) => list(st.Action).filter((a) => a.includes('*')).map((a) => `${where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('Resource "*" appears only with actions that support no resource-level permission', () => {
    const allowed = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'dynamodb:ListStreams',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);
    const offending = t.allStatements()
      // In a key policy, "*" means the key itself.
      .filter(({ type, st }) => type !== 'AWS::KMS::Key' && st.Effect === 'Allow' && list(st.Resource).includes('*'))
      .flatMap(({ where, st }) => list(st.Action).filter((a) => !allowed.has(a)).map((a) => `${where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('no role carries an AWS managed policy, except CDK\'s bucket-notification helper', () => {
    for (const [id, role] of t.ofType('AWS::IAM::Role')) {
      if (role.Properties.ManagedPolicyArns) expect(id).toMatch(/^BucketNotificationsHandler/);
    }
  });

  it('every DynamoDB statement names the table (its ARN, indexes or stream)', () => {
    const table = t.idOf(t.stack.storage.table);
    const dynamo = t.allStatements().filter(({ st }) => list(st.Action).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams'));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const { where, st } of dynamo) for (const r of list(st.Resource)) expect(refersTo(r, table), `${where} ${JSON.stringify(r)}`).toBe(true);
  });

  it('the planner updates only the tenant\'s items (the planned policy version, a later run\'s wake-up) and deletes nothing; the writers do not get DeleteTable-class rights', () => {
    const planner = t.actionsOf('plan-timeline');
    expect(planner.has('dynamodb:GetItem')).toBe(true);
    for (const a of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan']) expect(planner.has(a), a).toBe(false);
    for (const st of t.statementsOf('plan-timeline').filter((s) => list(s.Action).some((a) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:PutItem'))) {
      expect((st as { Condition?: unknown }).Condition).toMatchObject({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) } });
    }
    const everything = t.allStatements().flatMap(({ st }) => list(st.Action));
    for (const a of ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 's3:DeleteObject', 's3:DeleteBucket']) expect(everything).not.toContain(a);
  });

  it('what the local stack enforces on the table is what every function is granted here (local/services/table-access.ts)', () => {
    const table = t.idOf(t.stack.storage.table);
    for (const fn of Object.keys(HANDLER_ACCESS)) {
      const onTable = t
        .statementsOf(fn)
        .filter((st) => list(st.Resource).some((r) => refersTo(r, table) && !JSON.stringify(r).includes('StreamArn')))
        .flatMap((st) => list(st.Action).filter((a) => a.startsWith('dynamodb:')).map((a) => a.slice('dynamodb:'.length)));
      expect(new Set(onTable), fn).toEqual(new Set(tableActionsOf(HANDLER_ACCESS[fn]!)));
    }
  });

  it('S3 object access is by prefix: nobody reads or writes the whole bucket', () => {
    const bucket = t.idOf(t.stack.storage.documents);
    // The documents bucket's readers and writers (the console's deployment writes its own bucket: test/infra/console.test.ts).
    const objectStatements = t.allStatements().filter(
      ({ type, st }) =>
        type === 'AWS::IAM::Policy' && st.Effect === 'Allow' && list(st.Action).some((a) => a === 's3:GetObject' || a === 's3:PutObject') && refersTo(st.Resource, bucket),
    );
    expect(objectStatements.length).toBeGreaterThan(0);
    const prefixes = Object.values(DOCUMENT_PREFIXES);
    for (const { where, st } of objectStatements) {
      for (const r of list(st.Resource)) {
        const parts = (r as Json)['Fn::Join']?.[1] as unknown[] | undefined;
        expect(refersTo(parts?.[0], bucket), where).toBe(true);
        const suffix = String(parts?.[1]);
        // A prefix, or one file under one (the bank's CSV column names, config/bank-csv-mapping.json).
        expect(prefixes.some((p) => suffix === `/${p}*` || new RegExp(`^/${p}[\\w.-]+\\.json\\*$`).test(suffix)), `${where}: ${suffix}`).toBe(true);
      }
    }
    // The bank-statements function reads its statements and that one config file, nothing else of config/.
    const bankReads = t.statementsOf('bank-statements').filter((st) => list(st.Action).includes('s3:GetObject'));
    expect(bankReads.flatMap((st) => list(st.Resource)).map((r) => String((r as Json)['Fn::Join'][1][1])).sort()).toEqual([`/${DOCUMENT_PREFIXES.bank}*`, `/${DOCUMENT_PREFIXES.config}bank-csv-mapping.json*`]);
    // Ingest and bank-statements read the object version their S3 event named (the bucket is versioned), under the prefixes they read; nobody else reads versions.
    const versionReads = t.allStatements().filter(({ st }) => list(st.Action).includes('s3:GetObjectVersion'));
    const ownVersionReads = (fn: string) => t.statementsOf(fn).filter((st) => list(st.Action).includes('s3:GetObjectVersion'));
    expect(versionReads.map(({ st }) => st)).toEqual(expect.arrayContaining([...ownVersionReads('ingest'), ...ownVersionReads('bank-statements')]));
    expect(versionReads).toHaveLength(ownVersionReads('ingest').length + ownVersionReads('bank-statements').length);
    expect(versionReads.flatMap(({ st }) => list(st.Resource)).map((r) => String((r as Json)['Fn::Join'][1][1])).sort()).toEqual(
      [...[DOCUMENT_PREFIXES.config, DOCUMENT_PREFIXES.customers, DOCUMENT_PREFIXES.invoices, DOCUMENT_PREFIXES.bank].map((p) => `/${p}*`), `/${DOCUMENT_PREFIXES.config}bank-csv-mapping.json*`].sort(),
    );
    // Ingest writes only its rejection reports.
    const ingestWrites = t.statementsOf('ingest').filter((st) => list(st.Action).includes('s3:PutObject'));
    expect(ingestWrites.flatMap((st) => list(st.Resource)).map((r) => String((r as Json)['Fn::Join'][1][1]))).toEqual([`/${DOCUMENT_PREFIXES.rejected}*`]);
  });

  it('SES sending is scoped to the sender identity and the configuration set', () => {
    const identity = t.idOf(t.stack.node.findChild('Messaging').node.findChild('SenderIdentity') as never);
    const configSet = t.idOf(t.stack.messaging.configurationSet);
    const ses = t.allStatements().filter(({ st }) => list(st.Action).some((a) => a.startsWith('ses:')));
    expect(ses.length).toBeGreaterThan(0);
    for (const { where, st } of ses) {
      expect(list(st.Action), where).toEqual(['ses:SendEmail']);
      const rs = list(st.Resource);
      expect(rs.length, where).toBe(2);
      expect(rs.some((r) => refersTo(r, identity)), where).toBe(true);
      expect(rs.some((r) => refersTo(r, configSet) && JSON.stringify(r).includes(':configuration-set/')), where).toBe(true);
    }
  });

  it('executions are started on the state machine and stopped only among its own executions', () => {
    const sm = t.idOf(t.stack.workflow.stateMachine);
    // The machine's own task that starts mailbox runs names it by its fixed name (a reference would be a cycle).
    const byName = `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:${t.stack.workflow.stateMachineName}`;
    for (const { st } of t.allStatements().filter(({ st }) => list(st.Action).includes('states:StartExecution'))) {
      expect([JSON.stringify({ Ref: sm }), JSON.stringify(byName)]).toContain(JSON.stringify(st.Resource));
    }
    const stops = t.allStatements().filter(({ st }) => list(st.Action).includes('states:StopExecution'));
    expect(stops.length).toBeGreaterThan(0);
    for (const { st } of stops) {
      expect(st.Resource).toBe(`arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:execution:${t.stack.workflow.stateMachineName}:*`);
    }
  });

  it('the functions that only start mailbox runs (a digest of internal notices) stop no execution', () => {
    for (const fn of ['credit-hold', 'hand-over-dossier']) {
      const actions = t.actionsOf(fn);
      expect(actions.has('states:StartExecution'), fn).toBe(true);
      expect(actions.has('states:StopExecution'), fn).toBe(false);
    }
    // The mailbox run itself delivers what waited: it starts and stops nothing.
    for (const a of ['states:StartExecution', 'states:StopExecution']) expect(t.actionsOf('deliver-mailbox').has(a)).toBe(false);
  });

  it('SMS short links: the senders keep them (one transaction of puts), the customer pages read them, by GetItem', () => {
    for (const sender of ['send-reminder', 'check-promise', 'credit-hold', 'escalate', 'table-stream']) {
      const actions = t.actionsOf(sender);
      for (const a of ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:ConditionCheckItem']) expect(actions.has(a), `${sender} ${a}`).toBe(true);
    }
    expect(t.actionsOf('customer-pages').has('dynamodb:GetItem')).toBe(true);
  });

  it("the customer pages touch only the tenant's items, never scan or batch-write, stop executions, and start only the dunning machine's mailbox runs", () => {
    const actions = t.actionsOf('customer-pages');
    // BatchGetItem: a case's customer and supplier are read as one (adapters/dynamo/consistent-gets.ts).
    for (const a of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'states:StopExecution', 'states:StartExecution']) expect(actions.has(a), a).toBe(true);
    for (const a of ['dynamodb:Scan', 'dynamodb:BatchWriteItem']) expect(actions.has(a), a).toBe(false);
    const dynamo = t.statementsOf('customer-pages').filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const st of dynamo) {
      expect(st.Condition, JSON.stringify(st)).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`T#${t.stack.config.tenantId}`, `T#${t.stack.config.tenantId}#*`] } });
    }
    const starts = t.statementsOf('customer-pages').filter((st) => list(st.Action).includes('states:StartExecution'));
    expect(starts.flatMap((st) => list(st.Resource)).map((r) => JSON.stringify(r))).toEqual([expect.stringMatching(/stateMachine:[^*]*-dunning/)]);
  });

  it('no SMS permission is granted while no origination identity is configured', () => {
    expect(t.allStatements().flatMap(({ st }) => list(st.Action)).filter((a) => a.startsWith('sms-voice:'))).toEqual([]);
  });
});
