/**
 * cdk-nag's AwsSolutions pack over the whole app: no unacknowledged error or warning, with the
 * default settings and with every optional feature on (SMS, SES sandbox identities, alarm e-mail,
 * a pre-verified sender domain). cdk-nag 3 is a CDK policy-validation plugin: its findings are
 * read from the pack's own report (validateScope) rather than from Annotations, and acknowledgments
 * are CDK Validations metadata (infra/constructs/nag.ts).
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack, type Synthesized } from '../support/synth.js';

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
});
