/**
 * `$$.State.RetryCount` on the local engine (local/services/retry-count.ts): aws-local-stepfunctions
 * leaves `State` out of its context object, so the local stacks count a Task's retries themselves,
 * as its Retry makes them. A Task whose handler reads the count sees 0 on its first attempt, one
 * more on each retry whichever retrier took it, and 0 again when the state is entered anew.
 */
import { describe, expect, it } from 'vitest';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { LocalRetryCounts, RETRY_COUNT_PATH, withLocalRetryCount } from '../../local/services/retry-count.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';

polyfillWithResolvers();

const fail = (name: string) => Object.assign(new Error(name), { name });

const definition = {
  StartAt: 'Send',
  States: {
    Send: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-south-1:000000000000:function:send',
      Parameters: { 'retryCount.$': RETRY_COUNT_PATH },
      Retry: [
        { ErrorEquals: ['Test.Transient'], MaxAttempts: 2 },
        { ErrorEquals: ['Test.Blocked'], MaxAttempts: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Replan' }],
      End: true,
    },
    Replan: { Type: 'Task', Resource: 'arn:aws:lambda:eu-south-1:000000000000:function:replan', Parameters: { 'retryCount.$': RETRY_COUNT_PATH }, Next: 'Send' },
  },
} as unknown as StateMachineDefinition;

describe('$$.State.RetryCount on the local engine', () => {
  it('counts every retry of the state across its retriers, and starts again from 0 when the state is entered anew', async () => {
    const retries = new LocalRetryCounts(definition.States);
    const local = { ...definition, States: Object.fromEntries(Object.entries(definition.States).map(([n, s]) => [n, withLocalRetryCount(n, s)])) } as StateMachineDefinition;
    const seen: { state: string; retryCount: number }[] = [];
    // Transient, transient, blocked (retried by the second retrier), transient again (the first is out): caught.
    const outcomes = [fail('Test.Transient'), fail('Test.Transient'), fail('Test.Blocked'), fail('Test.Transient'), undefined];
    const handler = (state: string) => (input: unknown) =>
      retries.attempt(state, async (): Promise<Record<string, boolean>> => {
        seen.push({ state, retryCount: (input as { retryCount: number }).retryCount });
        if (state === 'Replan') return {};
        const out = outcomes.shift();
        if (out) throw out;
        return { sent: true };
      });
    const run = new StateMachine(local, { validationOptions: { checkArn: false, checkPaths: true } }).run(
      {},
      { overrides: { taskResourceLocalHandlers: { Send: handler('Send'), Replan: handler('Replan') }, retryIntervalOverrides: { Send: 0, Replan: 0 } }, context: retries.context() },
    );
    await expect(run.result).resolves.toMatchObject({ sent: true });
    expect(seen).toEqual([
      { state: 'Send', retryCount: 0 },
      { state: 'Send', retryCount: 1 },
      { state: 'Send', retryCount: 2 },
      { state: 'Send', retryCount: 3 },
      { state: 'Replan', retryCount: 0 },
      { state: 'Send', retryCount: 0 },
    ]);
  });
});
