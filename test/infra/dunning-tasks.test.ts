/**
 * statemachines/dunning.tasks.ts and statemachines/dunning.asl.json agree both ways: every Task
 * state is listed with the substitution its Resource names, every entry serves a state, and every
 * handler and use case file it names exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, handlerExists } from '../../infra/constructs/defaults.js';
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
});
