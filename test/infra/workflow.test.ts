/**
 * The workflow contract with statemachines/dunning.asl.json: one function per entry of
 * statemachines/dunning.tasks.ts behind its substitution, invoked by exactly the state machine,
 * the file deployed as it is.
 */
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGE_IDS, stateSuffix } from '../../lambdas/domain/timeline/stages.js';
import { LAMBDA_DEFAULTS } from '../../infra/constructs/defaults.js';
import { DUNNING_TASKS } from '../../statemachines/dunning.tasks.js';
import { dunningTaskStates } from '../support/dunning-definition.js';
import { SYNTH_TIMEOUT_MS, list, stackTemplate, type Json, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('workflow', () => {
  it('substitutes every ${…FunctionArn} of the definition with the function of its statemachines/dunning.tasks.ts entry', () => {
    const sm = t.resources[t.idOf(t.stack.workflow.stateMachine)]!.Properties;
    const placeholders = [...new Set(dunningTaskStates().map((s) => s.resource.replace(/^\$\{(.+)\}$/, '$1')))];
    expect(Object.keys(sm.DefinitionSubstitutions).sort()).toEqual(placeholders.sort());
    for (const task of DUNNING_TASKS) {
      expect(sm.DefinitionSubstitutions[task.substitution], task.substitution).toEqual({ 'Fn::GetAtt': [t.fnId(task.handler), 'Arn'] });
    }
  });

  it('may invoke exactly its task functions', () => {
    const roleId = (t.resources[t.idOf(t.stack.workflow.stateMachine)]!.Properties.RoleArn as Json)['Fn::GetAtt'][0] as string;
    const granted = t.policiesOfRole(roleId)
      .filter((st) => list(st.Action).includes('lambda:InvokeFunction'))
      .flatMap((st) => list(st.Resource))
      .map((r) => (r as Json)['Fn::GetAtt'][0] as string);
    const tasks = DUNNING_TASKS.map((task) => t.fnId(task.handler));
    expect(granted.sort()).toEqual(tasks.sort());
  });

  it('gives each task the sizing of its entry', () => {
    for (const task of DUNNING_TASKS) {
      const p = t.resources[t.fnId(task.handler)]!.Properties;
      expect({ handler: task.handler, memory: p.MemorySize, timeout: p.Timeout }).toEqual({
        handler: task.handler,
        memory: task.memorySize ?? LAMBDA_DEFAULTS.memorySize,
        timeout: task.timeoutSeconds ?? LAMBDA_DEFAULTS.timeout.toSeconds(),
      });
    }
    expect(DUNNING_TASKS.find((task) => task.handler === 'escalate')?.timeoutSeconds).toBe(60);
  });

  it('is a Standard workflow that logs every event without execution data, and is traced', () => {
    t.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('deploys the ASL file as it is: one named Wait state per stage', () => {
    const sm = t.resources[t.idOf(t.stack.workflow.stateMachine)]!.Properties;
    const file = t.synthesized.assetPath(sm.DefinitionS3Location.Key as string);
    expect(file, 'the definition asset in the cloud assembly').toBeDefined();
    const deployed = JSON.parse(readFileSync(file!, 'utf8')) as { States: Record<string, { Type: string }> };
    for (const stage of STAGE_IDS) expect(deployed.States[`Wait${stateSuffix(stage)}`]?.Type, stage).toBe('Wait');
    expect(deployed.States.WaitPromiseCheck?.Type).toBe('Wait');
  });
});
