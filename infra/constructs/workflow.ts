/**
 * The dunning timeline: statemachines/dunning.asl.json deployed as it is (the local stack runs the
 * same file), with one Lambda per entry of statemachines/dunning.tasks.ts, the list of its Task
 * states and the function serving each. Standard workflow (executions wait for weeks), X-Ray
 * tracing, every event logged without execution data (it names customers and amounts).
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DUNNING_TASKS } from '../../statemachines/dunning.tasks.js';
import { accessOf, applyAccess, dunningStateMachineName, type AccessResources } from './access.js';
import { HandlerFunction, REPO_ROOT, handlerExists } from './defaults.js';
import { acknowledgeResourcelessActions } from './nag.js';

export const ASL_PATH = join(REPO_ROOT, 'statemachines', 'dunning.asl.json');

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
    const tasks = new Map<string, HandlerFunction>();
    const substitutions: Record<string, string> = {};
    for (const task of DUNNING_TASKS) {
      if (!handlerExists(task.handler)) {
        throw new Error(`statemachines/dunning.tasks.ts lists ${task.id} but lambdas/handlers/${task.handler}.ts does not exist`);
      }
      const fn = new HandlerFunction(this, task.id, {
        handler: task.handler,
        description: `Dunning task ${task.id.replace(/Function$/, '')}`,
        logRetention: props.logRetention,
        ...(task.memorySize ? { memorySize: task.memorySize } : {}),
        ...(task.timeoutSeconds ? { timeout: Duration.seconds(task.timeoutSeconds) } : {}),
      });
      applyAccess(fn, accessOf(task.handler), props.resources);
      tasks.set(task.handler, fn);
      substitutions[task.substitution] = fn.functionArn;
    }
    this.tasks = tasks;

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The /aws/vendedlogs/ prefix keeps the Logs resource policy Step Functions needs small.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-dunning`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachineName = dunningStateMachineName(this);
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
    // Logging and tracing: CloudWatch Logs vended-log delivery and X-Ray, actions on "*" only (nag.ts).
    acknowledgeResourcelessActions(this.stateMachine.role, 'the dunning state machine');
  }
}
