/**
 * A Task's TimeoutSeconds counts from the moment its handler starts, as in AWS where every
 * invocation has its own Lambda: executions queued for the local engine's few task slots do not
 * time out for the wait, and a handler that runs too long still does (States.Timeout).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { untilSettled } from '../support/until.js';

polyfillWithResolvers();

const definition = {
  StartAt: 'Act',
  States: {
    Act: { Type: 'Task', Resource: '${ActFunctionArn}', TimeoutSeconds: 1, ResultPath: '$.last', End: true },
  },
} as unknown as StateMachineDefinition;

const clock = new VirtualClock({ start: new Date('2026-01-12T08:00:00Z'), mode: 'discrete' });
let running = 0;
let most = 0;
const emulator = new SfnEmulator({
  definition,
  stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:slots',
  clock,
  activity: new Activity(),
  taskConcurrency: 1,
  resolveTask: () => async (input) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, (input as { ms: number }).ms));
    running--;
    return { ok: true };
  },
});
afterAll(() => emulator.shutdown());
const status = (name: string) => emulator.list().find((e) => e.name === name)!;

describe('Task state timeouts on the local engine', () => {
  it('count from the handler start: four 400 ms tasks queued on one slot all succeed, though the last ends 1.6 s after it was asked', async () => {
    const started = Date.now();
    for (const n of [1, 2, 3, 4]) emulator.start(`q${n}`, JSON.stringify({ tenantId: 't', invoiceId: `q${n}`, revision: 1, run: 0, ms: 400 }));
    await untilSettled(emulator);
    while (emulator.list().some((e) => e.status === 'RUNNING')) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(most).toBe(1);
    expect([1, 2, 3, 4].map((n) => status(`q${n}`).status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('still time out a handler that itself runs past the state timeout, with States.Timeout', async () => {
    emulator.start('slow', JSON.stringify({ tenantId: 't', invoiceId: 'slow', revision: 1, run: 0, ms: 1_400 }));
    while (status('slow').status === 'RUNNING') await new Promise((r) => setTimeout(r, 20));
    expect(status('slow')).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
});
