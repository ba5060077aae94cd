/**
 * statemachines/dunning.asl.json as the CDK deploys it: every `${…FunctionArn}` of
 * statemachines/dunning.tasks.ts filled with a stand-in function ARN (the local engine validates
 * Task resources as ARNs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { REPO_ROOT } from '../../infra/constructs/defaults.js';
import { DUNNING_TASKS } from '../../statemachines/dunning.tasks.js';

export const standInFunctionArn = (functionId: string): string => `arn:aws:lambda:eu-south-1:000000000000:function:${functionId}`;

export const substitutedDunningDefinition = (): StateMachineDefinition => {
  let text = readFileSync(join(REPO_ROOT, 'statemachines', 'dunning.asl.json'), 'utf8');
  for (const task of DUNNING_TASKS) text = text.replaceAll(`\${${task.substitution}}`, standInFunctionArn(task.id));
  return JSON.parse(text) as StateMachineDefinition;
};

/** The Task states of statemachines/dunning.asl.json as written, with their Resource. */
export const dunningTaskStates = (): { state: string; resource: string }[] => {
  const asl = JSON.parse(readFileSync(join(REPO_ROOT, 'statemachines', 'dunning.asl.json'), 'utf8')) as { States: Record<string, { Type: string; Resource?: string }> };
  return Object.entries(asl.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([state, s]) => ({ state, resource: s.Resource ?? '' }));
};
