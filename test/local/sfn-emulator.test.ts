import { afterAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { freePort } from '../../local/services/ports.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { untilSettled } from '../support/until.js';

polyfillWithResolvers();

// Two timed steps, like the dunning timeline: Wait on a timestamp from the input, then act.
const definition = {
  StartAt: 'WaitFirst',
  States: {
    WaitFirst: { Type: 'Wait', TimestampPath: '$.at.first', Next: 'ActFirst' },
    ActFirst: { Type: 'Task', Resource: '${ActFunctionArn}', Parameters: { step: 'first', 'invoiceId.$': '$.invoiceId' }, ResultPath: '$.first', Next: 'WaitSecond' },
    WaitSecond: { Type: 'Wait', TimestampPath: '$.at.second', Next: 'ActSecond' },
    ActSecond: { Type: 'Task', Resource: '${ActFunctionArn}', Parameters: { step: 'second', 'invoiceId.$': '$.invoiceId' }, ResultPath: '$.second', End: true },
  },
} as unknown as StateMachineDefinition;

const clock = new VirtualClock({ start: new Date('2026-01-12T08:00:00Z'), mode: 'discrete' });
const acted: { invoiceId: string; step: string; at: string }[] = [];
const emulator = new SfnEmulator({
  definition,
  stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:test',
  clock,
  activity: new Activity(),
  resolveTask: () => async (input) => {
    const { step, invoiceId } = input as { step: string; invoiceId: string };
    acted.push({ invoiceId, step, at: clock.now().toISOString() });
    return { done: step };
  },
});
const endpoint = await emulator.listen(await freePort());
const sfn = new SFNClient({ endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const stateMachineArn = 'arn:aws:states:eu-south-1:000000000000:stateMachine:test';

const settle = () => untilSettled(emulator);

afterAll(async () => {
  await emulator.shutdown();
  sfn.destroy();
});

describe('local Step Functions emulator', () => {
  it('runs Wait states on the virtual clock: nothing acts before its instant, each acts at it', async () => {
    const input = JSON.stringify({ tenantId: 't', invoiceId: 'a', revision: 1, run: 0, at: { first: '2026-01-20T08:00:00Z', second: '2026-02-03T09:30:00Z' } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'exec-a', input }));
    await settle();
    expect(acted).toEqual([]);
    expect(clock.nextWakeUp()).toBe(Date.parse('2026-01-20T08:00:00Z'));

    clock.advanceTo(clock.nextWakeUp()!);
    await settle();
    expect(acted).toEqual([{ invoiceId: 'a', step: 'first', at: '2026-01-20T08:00:00.000Z' }]);

    clock.advanceTo(clock.nextWakeUp()!);
    await settle();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(acted.map((a) => a.at)).toEqual(['2026-01-20T08:00:00.000Z', '2026-02-03T09:30:00.000Z']);
  });

  it('treats a repeated start with the same name and input as the same execution, and a different input as ExecutionAlreadyExists', async () => {
    const input = JSON.stringify({ tenantId: 't', invoiceId: 'b', revision: 1, run: 0, at: { first: '2026-12-01T08:00:00Z', second: '2026-12-02T08:00:00Z' } });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'exec-b', input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'exec-b', input }));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'exec-b', input: input.replace('"run":0', '"run":1') })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('stops a sleeping execution at once and keeps the cause in its history', async () => {
    const input = JSON.stringify({ tenantId: 't', invoiceId: 'c', revision: 1, run: 0, at: { first: '2026-12-10T08:00:00Z', second: '2026-12-11T08:00:00Z' } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'exec-c', input }));
    await settle();
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Paid', cause: 'payment recorded by finance' }));
    clock.advanceTo(Date.parse('2026-12-31T00:00:00Z'));
    await settle();
    expect(acted.filter((a) => a.invoiceId === 'c')).toEqual([]);
    expect(acted.filter((a) => a.invoiceId === 'b').map((a) => a.step)).toEqual(['first', 'second']);
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(status).toBe('ABORTED');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(JSON.stringify(history.events)).toContain('payment recorded by finance');
  });
});
