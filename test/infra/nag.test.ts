/**
 * cdk-nag's AwsSolutions pack over the whole app: no unacknowledged error or warning, with the
 * default settings and with every optional feature on (SMS, SES sandbox identities, alarm e-mail,
 * a pre-verified sender domain). cdk-nag 3 is a CDK policy-validation plugin: its findings are
 * read from the pack's own report (validateScope) rather than from Annotations, and acknowledgments
 * are CDK Validations metadata (infra/constructs/nag.ts).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HandlerFunction } from '../../infra/constructs/defaults.js';
import { acknowledge, RESOURCELESS_ACTIONS } from '../../infra/constructs/nag.js';
import { SollecitoStack } from '../../infra/stack.js';
import { CDK_JSON_CONTEXT, TEST_ENV, synthStack, type Synthesized } from '../support/synth.js';

const FULL_OPTIONS = {
  tenantId: 'rossi',
  senderEmail: 'crediti@officinerossi.example',
  senderIdentity: 'officinerossi.example',
  createSenderIdentity: false,
  financeInboxes: ['amministrazione@officinerossi.example'],
  agencyEmail: 'pratiche@agenzia.example',
  smsOriginationIdentity: 'pool-0123456789abcdef0123456789abcdef',
  alarmEmail: 'it@officinerossi.example',
  sesSandbox: true,
};

/** "severity rule: construct path" for every finding the pack reports. */
const findings = (app: App): string[] =>
  new AwsSolutionsChecks(app, { verbose: true })
    .validateScope(app)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName}: ${r.constructPath}`));

/** Every acknowledgment in the tree: where it sits, the rule and the reason. */
const acknowledgments = (root: IConstruct): { path: string; construct: IConstruct; id: string; reason: string }[] =>
  root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, construct: c, id, reason }))),
  );

// Synthesis of the whole app can take tens of seconds on a busy 2-core machine.
const SLOW = 120_000;

describe('cdk-nag AwsSolutions', () => {
  let defaults: Synthesized;
  let everything: Synthesized;
  beforeAll(() => {
    defaults = synthStack({ bundle: false });
    everything = synthStack({ bundle: false, context: FULL_OPTIONS });
  }, SLOW);

  it('reports nothing unacknowledged with the default settings', () => {
    expect(findings(defaults.app)).toEqual([]);
  }, SLOW);

  it('reports nothing unacknowledged with SMS, sandbox identities, alarm e-mail and an existing sender domain', () => {
    expect(findings(everything.app)).toEqual([]);
  }, SLOW);

  it('acknowledges narrowly: never on the app or a whole stack, always with a specific reason', () => {
    const { app } = defaults;
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.construct === app || Stack.isStack(a.construct), `${a.id} acknowledged on ${a.path}`).toBe(false);
      expect(a.reason.length, `${a.id} on ${a.path}: reason too short to say why`).toBeGreaterThanOrEqual(60);
    }
    // IAM5 is acknowledged finding by finding (RuleId[Resource::…]), never as a whole rule.
    expect(acks.filter((a) => a.id.replace(/^annotation::/i, '') === 'AwsSolutions-IAM5')).toEqual([]);
  });

  it('acknowledges a wildcard only on a role whose own policies hold it; Resource "*" naming the exact actions', () => {
    const iam5 = acknowledgments(defaults.app)
      .map((a) => ({ ...a, id: a.id.replace(/^annotation::/i, '') }))
      .filter((a) => a.id.startsWith('AwsSolutions-IAM5['));
    expect(iam5.length).toBeGreaterThan(0);
    for (const a of iam5) {
      expect(a.construct, `${a.id} on ${a.path}`).toBeInstanceOf(iam.Role);
      const statements = allowStatements(a.construct);
      const finding = a.id.slice('AwsSolutions-IAM5['.length, -1);
      const present = statements.flatMap((s) => [s.Resource].flat().map((r) => `Resource::${flattenCfnReference(r)}`));
      expect(present, `${a.id} acknowledged on ${a.path}, which does not hold it`).toContain(finding);
      if (finding === 'Resource::*') {
        const onStar = [...new Set(statements.filter((s) => [s.Resource].flat().includes('*')).flatMap((s) => [s.Action].flat()))];
        for (const action of onStar) expect(a.reason, `${a.path}`).toContain(`${action} (${RESOURCELESS_ACTIONS[action]})`);
      }
    }
  });

  it('refuses an IAM5 acknowledgment by hand', () => {
    const stack = new Stack(new App(), 'ByHand');
    expect(() => acknowledge(stack, 'a reason long enough to pass any length check there could be here', 'AwsSolutions-IAM5[Resource::*]')).toThrow(/per role/);
  });
});

/** The Allow statements of a role's own policies, resolved as cdk-nag reads them. */
const allowStatements = (role: IConstruct): { Action: string | string[]; Resource: unknown }[] =>
  role.node
    .findAll()
    .filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy)
    .flatMap((p) => (Stack.of(p).resolve(p.policyDocument) as { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] }).Statement)
    .filter((s) => s.Effect === 'Allow');

describe('cdk-nag AwsSolutions over a stack given new wildcard grants', () => {
  let errors: string[];
  let paths: { reminder: string; ingest: string; dunning: string };
  beforeAll(() => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new SollecitoStack(app, 'SollecitoNewWildcards', { env: TEST_ENV });
    const fn = (name: string) => stack.node.findAll().find((c): c is HandlerFunction => c instanceof HandlerFunction && c.handlerName === name)!;
    const reminder = fn('send-reminder');
    const ingest = fn('ingest');
    // A "*" resource for an action that has resource-level permissions, on a role that already holds
    // X-Ray's actions on "*" (acknowledged before as a whole: this grant would have slipped through).
    reminder.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: ['*'] }));
    // A new wildcard ARN, and a wildcard action, on another role.
    ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::someone-elses-bucket/*'] }));
    ingest.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['arn:aws:sqs:eu-south-1:123456789012:one-queue'] }));
    const machine = stack.node.findAll().find((c) => c.node.path.endsWith('/Workflow/Dunning/Role'))!;
    (machine as iam.Role).addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    app.synth();
    paths = { reminder: reminder.role!.node.path, ingest: ingest.role!.node.path, dunning: machine.node.path };
    errors = new AwsSolutionsChecks(app, { verbose: true })
      .validateScope(app)
      .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
      .flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName}: ${r.constructPath}`));
  }, SLOW);

  it('reports a new "*" resource on a function role and on the state machine role as errors', () => {
    expect(errors).toContain(`error AwsSolutions-IAM5[Resource::*]: ${paths.reminder}/DefaultPolicy/Resource`);
    expect(errors).toContain(`error AwsSolutions-IAM5[Resource::*]: ${paths.dunning}/DefaultPolicy/Resource`);
  });

  it('reports a new wildcard ARN and a wildcard action', () => {
    expect(errors).toContain(`error AwsSolutions-IAM5[Resource::arn:aws:s3:::someone-elses-bucket/*]: ${paths.ingest}/DefaultPolicy/Resource`);
    expect(errors).toContain(`error AwsSolutions-IAM5[Action::sqs:*]: ${paths.ingest}/DefaultPolicy/Resource`);
    // Only the new findings: its declared wildcards (object prefixes, GSIs) and X-Ray stay acknowledged.
    expect(errors.filter((e) => e.endsWith(`${paths.ingest}/DefaultPolicy/Resource`))).toHaveLength(2);
  });

  it('reports no other role: the wildcards declared elsewhere are still acknowledged', () => {
    expect(errors.filter((e) => ![paths.reminder, paths.ingest, paths.dunning].some((p) => e.endsWith(`: ${p}/DefaultPolicy/Resource`)))).toEqual([]);
  });
});
