/**
 * cdk-nag 3 reads acknowledgments from CDK's own Validations metadata: one per rule id, or per
 * finding as `RuleId[FindingId]` (e.g. `AwsSolutions-IAM5[Resource::*]`). An acknowledgment covers
 * the construct and everything under it, so each is placed on the narrowest construct that has
 * the finding, and every reason says exactly what is accepted and why.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export const acknowledge = (scope: IConstruct, reason: string, ...ids: string[]): void => {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
};

/** The IAM5 finding id cdk-nag reports for one wildcard resource ARN (a token or a literal). */
export const wildcardFinding = (scope: IConstruct, resourceArn: string): string =>
  `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resourceArn))}]`;

/** Acknowledges exactly these wildcard resources on `scope`, with one reason. */
export const acknowledgeWildcardResources = (scope: IConstruct, reason: string, resourceArns: Iterable<string>): void => {
  acknowledge(scope, reason, ...new Set([...resourceArns].map((arn) => wildcardFinding(scope, arn))));
};
