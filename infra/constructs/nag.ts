/**
 * cdk-nag 3 reads acknowledgments from CDK's own Validations metadata: one per rule id, or per
 * finding as `RuleId[FindingId]` (e.g. `AwsSolutions-IAM5[Resource::*]`). An acknowledgment covers
 * the construct and everything under it, so each is placed on the narrowest construct that has
 * the finding, and every reason says exactly what is accepted and why.
 *
 * AwsSolutions-IAM5 (wildcard permissions) is never acknowledged by hand: a role declares the
 * wildcards it is meant to hold (acknowledgeWildcardResources, acknowledgeResourcelessActions),
 * and at synthesis, once every grant is in, an Aspect reads the role's own policies and
 * acknowledges only the findings that are there and were declared, each with its reason. A role
 * with no wildcard gets no acknowledgment; a new wildcard (a `*` resource for an action that has
 * resource-level permissions, a new wildcard ARN, a wildcard action) is left for cdk-nag to report.
 */
import { Aspects, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

const IAM5 = 'AwsSolutions-IAM5';

export const acknowledge = (scope: IConstruct, reason: string, ...ids: string[]): void => {
  for (const id of ids) {
    if (id === IAM5 || id.startsWith(`${IAM5}[`)) {
      throw new Error(`${id}: wildcards are acknowledged per role from its policies (acknowledgeWildcardResources, acknowledgeResourcelessActions), never by hand`);
    }
    Validations.of(scope).acknowledge({ id, reason });
  }
};

/**
 * The actions that support no resource-level permission (IAM takes only Resource "*" for them) a
 * role of this stack may hold, each with why. An action on "*" not listed here is a finding.
 */
export const RESOURCELESS_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray active tracing sends the trace segments',
  'xray:PutTelemetryRecords': 'X-Ray active tracing sends its telemetry',
  'xray:GetSamplingRules': "X-Ray tracing of the state machine reads the sampling rules",
  'xray:GetSamplingTargets': "X-Ray tracing of the state machine reads the sampling targets",
  'dynamodb:ListStreams': "the table-stream event source mapping lists the table's streams",
  'logs:CreateLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:GetLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:UpdateLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:DeleteLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:ListLogDeliveries': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:PutResourcePolicy': 'Step Functions logging to CloudWatch Logs (the log group resource policy)',
  'logs:DescribeResourcePolicies': 'Step Functions logging to CloudWatch Logs (the log group resource policy)',
  'logs:DescribeLogGroups': 'Step Functions logging to CloudWatch Logs (finds its log group)',
};

/** The IAM5 finding id cdk-nag reports for one wildcard resource ARN (a token or a literal). */
export const wildcardFinding = (scope: IConstruct, resourceArn: string): string =>
  `${IAM5}[Resource::${flattenCfnReference(Stack.of(scope).resolve(resourceArn))}]`;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The Allow statements of the role's own policies (its default policy, other policies under it, inline ones), as cdk-nag reads them. */
const allowStatements = (role: IConstruct): Statement[] => {
  const stack = Stack.of(role);
  const docs: unknown[] = [];
  for (const c of role.node.findAll()) {
    if (c instanceof iam.CfnPolicy) docs.push(stack.resolve(c.policyDocument));
    if (c instanceof iam.CfnRole) {
      for (const p of list(stack.resolve(c.policies) as unknown[] | undefined)) docs.push(stack.resolve((stack.resolve(p) as { policyDocument?: unknown }).policyDocument));
    }
  }
  return docs.flatMap((d) => list((d as { Statement?: Statement[] } | undefined)?.Statement)).filter((s) => s.Effect === 'Allow');
};

interface Declared {
  /** Finding id -> reason, for wildcard ARNs (declared ARNs, resolved at synthesis). */
  resources: { arns: string[]; reason: string }[];
  /** Whose role it is, for the Resource "*" reason; undefined: the role may hold no action on "*". */
  resourcelessOwner?: string;
}

/** Acknowledges the role's wildcard findings that are present and declared; anything else stays a finding. */
class RoleWildcards implements IAspect {
  readonly declared: Declared = { resources: [] };
  constructor(private readonly role: IConstruct) {}

  visit(node: IConstruct): void {
    if (node !== this.role) return;
    const statements = allowStatements(node);
    const present = new Set(
      statements.flatMap((s) =>
        list(s.Resource)
          .map((r) => flattenCfnReference(r))
          .filter((r) => r.includes('*'))
          .map((r) => `${IAM5}[Resource::${r}]`),
      ),
    );
    for (const { arns, reason } of this.declared.resources) {
      for (const id of new Set(arns.map((arn) => wildcardFinding(node, arn)))) if (present.has(id)) Validations.of(node).acknowledge({ id, reason });
    }
    const onStar = [...new Set(statements.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action)))].sort();
    const owner = this.declared.resourcelessOwner;
    // A role holding an action on "*" that has resource-level permissions gets no acknowledgment at all:
    // cdk-nag reports its Resource::* finding until the grant names its resources.
    if (onStar.length === 0 || owner === undefined || !onStar.every((a) => Object.hasOwn(RESOURCELESS_ACTIONS, a))) return;
    Validations.of(node).acknowledge({
      id: `${IAM5}[Resource::*]`,
      reason: `${owner}: Resource "*" only for actions that support no resource-level permission: ${onStar.map((a) => `${a} (${RESOURCELESS_ACTIONS[a]})`).join('; ')}.`,
    });
  }
}

const registry = new WeakMap<IConstruct, RoleWildcards>();
const wildcardsOf = (role: IConstruct): RoleWildcards => {
  let w = registry.get(role);
  if (!w) {
    w = new RoleWildcards(role);
    registry.set(role, w);
    Aspects.of(role).add(w);
  }
  return w;
};

/** Declares these wildcard resource ARNs on `role`, with one reason: acknowledged at synthesis where the role's policies hold them. */
export const acknowledgeWildcardResources = (role: IConstruct, reason: string, resourceArns: Iterable<string>): void => {
  wildcardsOf(role).declared.resources.push({ arns: [...resourceArns], reason });
};

/**
 * Declares that `role` may hold actions on Resource "*", only those of RESOURCELESS_ACTIONS: the
 * acknowledgment names the actions the role holds at synthesis, and is not given when it holds none
 * or holds any other action on "*".
 */
export const acknowledgeResourcelessActions = (role: IConstruct, owner: string): void => {
  wildcardsOf(role).declared.resourcelessOwner = owner;
};
