/**
 * The shape of statemachines/dunning.asl.json: the contract the CDK stack, the local emulator,
 * dashboards and the finance team's reading of an execution history rely on.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { EXTRA_AFTER, STAGE_IDS, STAGE_ACTION, stageAfter, stateSuffix } from '../../lambdas/domain/timeline/stages.js';

const ROOT = resolve(import.meta.dirname, '../..');
type State = Record<string, any>;
const asl = JSON.parse(readFileSync(join(ROOT, 'statemachines/dunning.asl.json'), 'utf8')) as { StartAt: string; States: Record<string, State>; QueryLanguage?: string };
const states = asl.States;
const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
/** The known stages an extra reminder may come before (state-name suffixes): PhoneCall, Escalation. */
const EXTRA_PLACES = EXTRA_AFTER.map((a) => stateSuffix(stageAfter(a)!));

const TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Sollecito.Transient',
];

/** The Tasks that send a customer message (through the customer's gate) or a waiting one. */
const SENDING_TASKS = ['SendReceiptCheck', 'SendPreDue', 'SendDueDate', 'SendFirstOverdue', 'SendSecondOverdue', 'SendExtraReminder', 'CheckPromise', 'PlaceCreditHold', 'EscalateToAgency', 'DeliverMailbox'];
/** An account-level SES refusal stays until someone acts on the account: few attempts, far apart. */
const SENDER_BLOCKED_RETRY = { ErrorEquals: ['Sollecito.SenderBlocked'], IntervalSeconds: 900, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 3600, JitterStrategy: 'FULL' };

const nextOf = (s: State): string[] => [
  ...(s.Next ? [s.Next] : []),
  ...(s.Choices ?? []).map((c: State) => c.Next),
  ...(s.Default ? [s.Default] : []),
  ...(s.Catch ?? []).map((c: State) => c.Next),
];

describe('dunning.asl.json', () => {
  it('is JSONPath and valid for the local engine', () => {
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    // As DefinitionSubstitutions fills them at deploy time.
    const substituted = JSON.parse(
      JSON.stringify(asl).replace(/\$\{(\w+)FunctionArn\}/g, (_m, fn: string) => `arn:aws:lambda:eu-south-1:123456789012:function:${fn}`),
    ) as StateMachineDefinition;
    expect(() => new StateMachine(substituted, { validationOptions: { checkPaths: true } })).not.toThrow();
  });

  it('sends a mailbox run to its wait, and plans every other run first', () => {
    expect(asl.StartAt).toBe('Begin');
    expect(states.Begin).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.mailbox', IsPresent: true, Next: 'WaitMailbox' }], Default: 'PlanTimeline' });
    expect(states.WaitMailbox).toMatchObject({ Type: 'Wait', TimestampPath: '$.mailbox.sendAt', Next: 'DeliverMailbox' });
    expect(states.DeliverMailbox).toMatchObject({ Type: 'Task', ResultPath: '$.mailbox', Next: 'MailboxDelivered' });
    // Not delivered yet (the gate named a later moment): it waits again.
    expect(states.MailboxDelivered).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.mailbox.done', BooleanEquals: true, Next: 'Delivered' }], Default: 'WaitMailbox' });
  });

  it('plans first, then routes on the plan with one Choice (and the branches to extra reminders)', () => {
    expect(states.PlanTimeline).toMatchObject({ Type: 'Task', ResultPath: '$.plan', Next: 'Route' });
    // The re-plan bound counts from the execution's start (domain/timeline/replan-bound.ts): no extra state.
    expect(states.PlanTimeline!.Parameters['startedAt.$']).toBe('$$.Execution.StartTime');
    expect(Object.entries(states).filter(([n, s]) => s.Type === 'Choice' && !['Begin', 'MailboxDelivered'].includes(n)).map(([n]) => n).sort()).toEqual(
      ['Route', ...EXTRA_PLACES.flatMap((p) => [`Before${p}`, `ExtraBefore${p}`])].sort(),
    );
    const route = states.Route!;
    const target = (variable: string, value: string) =>
      route.Choices.find((c: State) => c.Variable === variable && c.StringEquals === value)?.Next as string | undefined;
    expect(target('$.plan.mode', 'closed')).toBe('Closed');
    expect(target('$.plan.mode', 'promise')).toBe('WaitPromiseCheck');
    for (const stage of STAGE_IDS) expect(target('$.plan.next', stage), stage).toBe(`${EXTRA_PLACES.includes(stateSuffix(stage)) ? 'Before' : 'Wait'}${stateSuffix(stage)}`);
    // Mode is tested before the stage: a closed or promise plan never enters a stage.
    const modeIdx = route.Choices.findIndex((c: State) => c.Variable === '$.plan.mode');
    const stageIdx = route.Choices.findIndex((c: State) => c.Variable === '$.plan.next');
    expect(modeIdx).toBeLessThan(stageIdx);
    expect(route.Default).toBe('Closed');
  });

  it('waits for the promise check, then re-plans through Route', () => {
    expect(states.WaitPromiseCheck).toMatchObject({ Type: 'Wait', TimestampPath: '$.plan.checkAt', Next: 'CheckPromise' });
    expect(states.CheckPromise).toMatchObject({ Type: 'Task', ResultPath: '$.plan', Next: 'Route', Resource: '${CheckPromiseFunctionArn}' });
    // Its plans keep within the execution's year too (domain/timeline/execution-year.ts).
    expect(states.CheckPromise!.Parameters['startedAt.$']).toBe('$$.Execution.StartTime');
  });

  it('has one named Wait per stage, in timeline order, each followed by its action Task', () => {
    const expectedTask: Record<string, string> = { phoneCall: 'PlacePhoneCall', creditHold: 'PlaceCreditHold', escalation: 'EscalateToAgency' };
    const expectedResource = { email: '${SendReminderFunctionArn}', call: '${PlaceCallFunctionArn}', creditHold: '${CreditHoldFunctionArn}', escalation: '${EscalateFunctionArn}' };
    STAGE_IDS.forEach((stage, i) => {
      const wait = states[`Wait${stateSuffix(stage)}`];
      const taskName = expectedTask[stage] ?? `Send${stateSuffix(stage)}`;
      expect(wait, stage).toMatchObject({ Type: 'Wait', TimestampPath: `$.plan.at.${stage}`, Next: taskName });
      const task = states[taskName]!;
      expect(task.Type).toBe('Task');
      expect(task.Resource).toBe(expectedResource[STAGE_ACTION[stage]]);
      expect(task.ResultPath).toBe('$.last');
      expect(task.Parameters).toEqual({
        'tenantId.$': '$.tenantId',
        'invoiceId.$': '$.invoiceId',
        'revision.$': '$.revision',
        'run.$': '$.run',
        stage,
        'plan.$': '$.plan',
        // The call sends no e-mail: nothing for SES to refuse.
        ...(SENDING_TASKS.includes(taskName) ? { 'retryCount.$': '$$.State.RetryCount', lastRetry: 6 } : {}),
      });
      const next = STAGE_IDS[i + 1];
      expect(task.Next).toBe(next ? `${EXTRA_PLACES.includes(stateSuffix(next)) ? 'Before' : 'Wait'}${stateSuffix(next)}` : 'Escalated');
    });
    expect(states.Escalated?.Type).toBe('Succeed');
    expect(states.Closed?.Type).toBe('Succeed');
  });

  it('gives every Task the transient-only Retry and the Closed / RecordFailure Catch', () => {
    for (const [name, task] of tasks) {
      const sends = SENDING_TASKS.includes(name);
      expect(task.Retry, name).toEqual([
        { ErrorEquals: TRANSIENT, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, JitterStrategy: 'FULL' },
        ...(sends ? [SENDER_BLOCKED_RETRY] : []),
      ]);
      for (const r of task.Retry) {
        expect(r.ErrorEquals, name).not.toContain('States.ALL');
        expect(r.ErrorEquals, name).not.toContain('States.TaskFailed');
      }
      if (name === 'DeliverMailbox') {
        // A waiting message has no invoice timeline to re-plan or to mark failed.
        expect(task.Catch).toEqual([
          { ErrorEquals: ['Sollecito.InvoiceClosed'], ResultPath: '$.closed', Next: 'Closed' },
          { ErrorEquals: ['Sollecito.SenderBlocked'], ResultPath: '$.senderBlocked', Next: 'WaitMailboxSenderUnblocked' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MailboxFailed' },
        ]);
        continue;
      }
      if (name === 'RecordFailure') {
        // Its own failure must not loop back into itself.
        expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: 'Failed' }]);
        expect(task.Next).toBe('Failed');
        continue;
      }
      // A stage held back (the customer's contact limits, the bank truth) is re-planned, not failed;
      // the planner and the promise check have nothing to hold.
      const deferrable = !['PlanTimeline', 'CheckPromise'].includes(name);
      expect(task.Catch, name).toEqual([
        ...(deferrable ? [{ ErrorEquals: ['Sollecito.Deferred'], ResultPath: '$.deferred', Next: 'PlanTimeline' }] : []),
        { ErrorEquals: ['Sollecito.InvoiceClosed'], ResultPath: '$.closed', Next: 'Closed' },
        ...(sends ? [{ ErrorEquals: ['Sollecito.SenderBlocked'], ResultPath: '$.senderBlocked', Next: 'WaitSenderUnblocked' }] : []),
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
      ]);
    }
    expect(states.Failed?.Type).toBe('Fail');
  });

  it('parks a message SES refused for the sending account, then re-plans: the stage is neither failed nor advanced past (issue 20, item 4)', () => {
    // Tries again over 15 + 30 + 60 minutes, then waits six hours before re-planning the same stage.
    expect(states.WaitSenderUnblocked).toMatchObject({ Type: 'Wait', Seconds: 21_600, Next: 'PlanTimeline' });
    expect(states.WaitMailboxSenderUnblocked).toMatchObject({ Type: 'Wait', Seconds: 21_600, Next: 'DeliverMailbox' });
    const parkedBy = tasks.filter(([, t]) => (t.Catch ?? []).some((c: State) => c.ErrorEquals.includes('Sollecito.SenderBlocked'))).map(([n]) => n);
    expect(parkedBy.sort()).toEqual([...SENDING_TASKS].sort());
  });

  it('tells every sending Task where it stands in its Retry, so the last attempt defers a send SES keeps refusing for its rate', () => {
    for (const [name, task] of tasks) {
      if (!SENDING_TASKS.includes(name)) {
        expect(task.Parameters['retryCount.$'], name).toBeUndefined();
        continue;
      }
      expect(task.Parameters['retryCount.$'], name).toBe('$$.State.RetryCount');
      // The handler reads the Retry's own MaxAttempts from here: the two may not drift apart.
      const transient = task.Retry.find((r: State) => r.ErrorEquals.includes('Sollecito.Transient'));
      expect(task.Parameters.lastRetry, name).toBe(transient.MaxAttempts);
    }
  });

  it('names every Task resource after an existing handler file', () => {
    for (const [name, task] of tasks) {
      const m = /^\$\{(\w+)FunctionArn\}$/.exec(task.Resource);
      expect(m, name).not.toBeNull();
      const file = m![1]!.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      expect(existsSync(join(ROOT, 'lambdas/handlers', `${file}.ts`)), `${name} -> ${file}.ts`).toBe(true);
    }
  });

  it('has no dangling or unreachable state', () => {
    const seen = new Set<string>();
    const stack = [asl.StartAt];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      expect(states[name], `target ${name}`).toBeDefined();
      seen.add(name);
      stack.push(...nextOf(states[name]!));
    }
    expect([...seen].sort()).toEqual(Object.keys(states).sort());
  });

  it('branches to the extra reminders before the call and the hand-off only, and comes back through PlanTimeline', () => {
    for (const place of EXTRA_PLACES) {
      expect(states[`Before${place}`]).toMatchObject({ Choices: [{ Variable: '$.plan.extra', IsPresent: true, Next: `ExtraBefore${place}` }], Default: `Wait${place}` });
      const stage = place.charAt(0).toLowerCase() + place.slice(1);
      expect(states[`ExtraBefore${place}`]).toMatchObject({ Choices: [{ Variable: '$.plan.extra.before', StringEquals: stage, Next: 'WaitExtraReminder' }], Default: `Wait${place}` });
    }
    expect(states.WaitExtraReminder).toMatchObject({ Type: 'Wait', TimestampPath: '$.plan.extra.at', Next: 'SendExtraReminder' });
    expect(states.SendExtraReminder).toMatchObject({ Type: 'Task', Resource: '${SendReminderFunctionArn}', ResultPath: '$.last', Next: 'PlanTimeline' });
    expect(states.SendExtraReminder!.Parameters['stage.$']).toBe('$.plan.extra.step');
  });

  it('walks the full escalation path in at most 22 states (20 before the two places an extra reminder may stand)', () => {
    const path: string[] = [];
    let name: string | undefined = asl.StartAt;
    while (name) {
      path.push(name);
      const s: State = states[name]!;
      name = name === 'Begin' || name.startsWith('Before') ? s.Default : s.Type === 'Choice' ? `Wait${stateSuffix(STAGE_IDS[0])}` : s.Next;
    }
    expect(path.at(-1)).toBe('Escalated');
    expect(path).toHaveLength(1 + 1 + 1 + 2 * STAGE_IDS.length + EXTRA_PLACES.length + 1);
    expect(path.length).toBeLessThanOrEqual(22);
  });
});
