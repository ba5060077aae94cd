/**
 * The dunning timeline: statemachines/dunning.asl.json deployed as it is (the local stack runs the
 * same file), with one Lambda per `${XxxFunctionArn}` placeholder, found by scanning the file, so a
 * new task needs a handler file and no infra edit. Standard workflow (executions wait for weeks),
 * X-Ray tracing, every event logged without execution data (it names customers and amounts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, REPO_ROOT, handlerExists } from './defaults.js';
import { acknowledge } from './nag.js';

export const ASL_PATH = join(REPO_ROOT, 'statemachines', 'dunning.asl.json');

const PLACEHOLDER = /\$\{([A-Z][A-Za-z0-9]*)FunctionArn\}/g;

/** PlanTimeline -> plan-timeline: the handler file a placeholder stands for. */
export const handlerOfPlaceholder = (name: string): string => name.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();

/** PlanTimeline -> PlanTimelineFunctionArn, for every distinct task placeholder in the definition. */
export const taskPlaceholders = (definition: string): string[] => [...new Set([...definition.matchAll(PLACEHOLDER)].map((m) => m[1]!))];

/** Memory and time beyond the defaults, where a task does more than a few reads and one send. */
const TASK_SIZING: Readonly<Record<string, { memorySize?: number; timeout?: Duration }>> = {
  // Builds the collection dossier (zip with the invoice copies) before the hand-over e-mail.
  escalate: { timeout: Duration.seconds(60) },
};

export const pascal = (handler: string): string => handler.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

export interface WorkflowProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Fixed, so execution ARNs (arn:…:execution:<name>:<execution>) can be granted before the machine exists. */
  readonly stateMachineName: string;
  /** Task handler name (plan-timeline…) -> its function. */
  readonly tasks: ReadonlyMap<string, HandlerFunction>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const definition = readFileSync(ASL_PATH, 'utf8');
    const placeholders = taskPlaceholders(definition);
    if (placeholders.length === 0) throw new Error(`${ASL_PATH}: no \${XxxFunctionArn} placeholder found`);

    const tasks = new Map<string, HandlerFunction>();
    const substitutions: Record<string, string> = {};
    for (const placeholder of placeholders) {
      const handler = handlerOfPlaceholder(placeholder);
      if (!handlerExists(handler)) {
        throw new Error(`statemachines/dunning.asl.json uses \${${placeholder}FunctionArn} but lambdas/handlers/${handler}.ts does not exist`);
      }
      const fn = new HandlerFunction(this, `${placeholder}Function`, {
        handler,
        description: `Dunning task ${placeholder}`,
        logRetention: props.logRetention,
        ...TASK_SIZING[handler],
      });
      applyAccess(fn, accessOf(handler), props.resources);
      tasks.set(handler, fn);
      substitutions[`${placeholder}FunctionArn`] = fn.functionArn;
    }
    this.tasks = tasks;

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The /aws/vendedlogs/ prefix keeps the Logs resource policy Step Functions needs small.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-dunning`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachineName = `${Stack.of(this).stackName}-dunning`;
    this.stateMachine = new sfn.StateMachine(this, 'Dunning', {
      stateMachineName: this.stateMachineName,
      comment: 'Sollecito dunning timeline, one execution per invoice revision and run',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(ASL_PATH),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The ASL calls the functions by ARN (no lambda:invoke integration, no version): exactly these ARNs.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...tasks.values()].map((f) => f.functionArn) }),
    );
    acknowledge(
      this.stateMachine.role,
      'Resource "*" only for actions that support no resource-level permission: the CloudWatch Logs vended-log delivery APIs Step Functions logging calls (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSamplingRules/GetSamplingTargets.',
      'AwsSolutions-IAM5[Resource::*]',
    );
  }
}
