/**
 * The local engine enforces what Step Functions enforces (STANDARD_QUOTAS): an execution that
 * would time out, outgrow its history or carry too large a state in AWS ends the same way here,
 * and the status-change event (EventBridge in AWS) reports it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { STANDARD_QUOTAS, SfnEmulator, type ExecutionStatusChange } from '../../local/services/sfn-emulator.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { untilSettled } from '../support/until.js';

polyfillWithResolvers();

const definition = {
  StartAt: 'Route',
  States: {
    Route: { Type: 'Choice', Choices: [{ Variable: '$.mode', StringEquals: 'loop', Next: 'Act' }], Default: 'WaitLong' },
    WaitLong: { Type: 'Wait', TimestampPath: '$.at', Next: 'Act' },
    Act: { Type: 'Task', Resource: '${ActFunctionArn}', ResultPath: '$.last', Next: 'Again' },
    Again: { Type: 'Choice', Choices: [{ Variable: '$.mode', StringEquals: 'loop', Next: 'Act' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
} as unknown as StateMachineDefinition;

const DAY = 86_400_000;
const start = new Date('2026-01-12T08:00:00Z');
const clock = new VirtualClock({ start, mode: 'discrete' });
const changes: ExecutionStatusChange[] = [];
let outputSize = 10;
const emulator = new SfnEmulator({
  definition,
  stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:quotas',
  clock,
  activity: new Activity(),
  quotas: { ...STANDARD_QUOTAS, maxHistoryEvents: 500 },
  onStatusChange: (c) => changes.push(c),
  resolveTask: () => async () => ({ blob: 'x'.repeat(outputSize) }),
});
const settle = () => untilSettled(emulator);
const described = (name: string) => emulator.list().find((e) => e.name === name)!;

afterAll(() => emulator.shutdown());

describe('the local engine enforces the Standard workflow quotas', () => {
  it('keeps to the service figures by default: one year, 25,000 events, 256 KiB', () => {
    expect(STANDARD_QUOTAS).toEqual({ maxExecutionMs: 365 * DAY, maxHistoryEvents: 25_000, maxPayloadBytes: 262_144 });
  });

  it('times out an execution whose Wait reaches past one year from its start, at the year, without running the rest', async () => {
    const input = JSON.stringify({ tenantId: 't', invoiceId: 'far', revision: 1, run: 0, mode: 'wait', at: new Date(start.getTime() + 366 * DAY).toISOString() });
    emulator.start('far', input);
    await settle();
    clock.advanceTo(clock.nextWakeUp()!);
    await settle();
    const e = described('far');
    expect(e.status).toBe('TIMED_OUT');
    expect(e.stopDate).toBe(start.getTime() + 365 * DAY);
    expect(e.history.some((h) => h.state === 'Act')).toBe(false);
    expect(changes.find((c) => c.name === 'far')).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', input });
  });

  it('lets a Wait inside the year run as before', async () => {
    emulator.start('near', JSON.stringify({ tenantId: 't', invoiceId: 'near', revision: 1, run: 0, mode: 'wait', at: new Date(clock.nowMs() + 300 * DAY).toISOString() }));
    await settle();
    clock.advanceTo(clock.nextWakeUp()!);
    await settle();
    expect(described('near').status).toBe('SUCCEEDED');
    expect(changes.find((c) => c.name === 'near')?.status).toBe('SUCCEEDED');
  });

  it('fails a loop that outgrows the history limit with States.Runtime, as the service does', async () => {
    emulator.start('loop', JSON.stringify({ tenantId: 't', invoiceId: 'loop', revision: 1, run: 0, mode: 'loop' }));
    await settle();
    const e = described('loop');
    expect(e.status).toBe('FAILED');
    expect(e.error).toBe('States.Runtime');
    expect(e.history.length).toBeGreaterThanOrEqual(500);
    expect(e.history.length).toBeLessThan(520);
  });

  it('fails an execution whose task answers more than 256 KiB with States.DataLimitExceeded, past any Catch', async () => {
    outputSize = 300 * 1024;
    try {
      emulator.start('big', JSON.stringify({ tenantId: 't', invoiceId: 'big', revision: 1, run: 0, mode: 'wait', at: clock.now().toISOString() }));
      await settle();
    } finally {
      outputSize = 10;
    }
    const e = described('big');
    expect(e.status).toBe('FAILED');
    expect(e.error).toBe('States.DataLimitExceeded');
    expect(e.cause).toMatch(/output of Act is \d+ bytes/);
  });
});
