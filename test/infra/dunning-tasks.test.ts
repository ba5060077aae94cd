/**
 * statemachines/dunning.tasks.ts and statemachines/dunning.asl.json agree both ways: every Task
 * state is listed with the substitution its Resource names, every entry serves a state, and every
 * handler and use case file it names exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_DEFAULTS, REPO_ROOT, handlerExists } from '../../infra/constructs/defaults.js';
import { ASL_PATH } from '../../infra/constructs/workflow.js';
import { readFileSync } from 'node:fs';
import { DUNNING_TASKS } from '../../statemachines/dunning.tasks.js';
import { dunningTaskStates } from '../support/dunning-definition.js';

const taskStates = dunningTaskStates();

describe('statemachines/dunning.tasks.ts', () => {
  it('lists exactly the Task states of the ASL, each once', () => {
    const listed = DUNNING_TASKS.flatMap((t) => t.states);
    expect([...listed].sort()).toEqual(taskStates.map((s) => s.state).sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('names, for every Task state, the substitution its Resource is', () => {
    for (const { state, resource } of taskStates) {
      const task = DUNNING_TASKS.find((t) => t.states.includes(state));
      expect({ state, resource }).toEqual({ state, resource: `\${${task?.substitution}}` });
    }
  });

  it('uses every entry: each substitution is the Resource of at least one Task state', () => {
    const resources = new Set(taskStates.map((s) => s.resource));
    for (const task of DUNNING_TASKS) expect(resources.has(`\${${task.substitution}}`), task.substitution).toBe(true);
  });

  it('gives every entry its own function id, substitution and handler', () => {
    for (const field of ['id', 'substitution', 'handler'] as const) {
      const values = DUNNING_TASKS.map((t) => t[field]);
      expect(new Set(values).size, field).toBe(values.length);
    }
    for (const task of DUNNING_TASKS) expect(task.substitution, task.id).toBe(`${task.id}Arn`);
  });

  it('names handler and use case files that exist', () => {
    for (const task of DUNNING_TASKS) {
      expect(handlerExists(task.handler), `lambdas/handlers/${task.handler}.ts`).toBe(true);
      expect(existsSync(join(REPO_ROOT, task.useCase)), task.useCase).toBe(true);
      expect(task.useCase, task.id).toMatch(/^lambdas\/(app|handlers)\/.+\.ts$/);
    }
  });

  it("gives every Task state more time than its function has, so a slow run ends as the function's own timeout (caught, recorded) and never as States.Timeout while the function still acts", () => {
    const states = (JSON.parse(readFileSync(ASL_PATH, 'utf8')) as { States: Record<string, { Type: string; TimeoutSeconds?: number }> }).States;
    const tooShort = DUNNING_TASKS.flatMap((t) => {
      const fnSeconds = t.timeoutSeconds ?? LAMBDA_DEFAULTS.timeout.toSeconds();
      // 10 s beyond the function: the invoke's own overhead and a cold start.
      return t.states.filter((s) => (states[s]?.TimeoutSeconds ?? 60) < fnSeconds + 10).map((s) => `${s}: state ${states[s]?.TimeoutSeconds}s, function ${fnSeconds}s`);
    });
    expect(tooShort).toEqual([]);
  });
});
