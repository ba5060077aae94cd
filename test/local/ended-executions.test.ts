/**
 * An invoice whose execution ends without any step saying why, through the whole local stack
 * (`npm start`'s): the real ingest, the table stream starting statemachines/dunning.asl.json on
 * the Step Functions emulator, whose maximum execution time is lowered to three days here so the
 * chase's first Wait outlives it. The emulator ends the execution TIMED_OUT, as Step Functions
 * would; its status change goes to the ended-executions handler, as the EventBridge rule sends it
 * in AWS; the admin API then shows the invoice's timeline as stopped, and resume restarts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type LocalStack } from '../../local/stack.js';
import { seedOneInvoice, stackApi } from '../support/local-stack-api.js';
import { STANDARD_QUOTAS } from '../../local/services/sfn-emulator.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';

const DAY = 86_400_000;
const MAX_EXECUTION_MS = 3 * DAY;

let stack: LocalStack;
let invoiceId: string;

type Failure = { at: string; state: string; status?: string; error: string; cause: string; execution?: string };
type InvoiceBody = { invoice: { invoiceId: string; status: string; run: number; revision: number; failure?: Failure }; log: { type: string; details?: Record<string, unknown> }[] };

const api = stackApi(() => stack);
const chaseOf = (inv: InvoiceBody['invoice']) => stack.sfn.list().find((e) => e.name === executionName('demo', inv.invoiceId, inv.revision, inv.run));

const problems: string[] = [];

beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sollecito-ended-'));
  stack = await startStack({
    mode: 'discrete',
    today: '2026-01-12',
    outDir,
    quotas: { ...STANDARD_QUOTAS, maxExecutionMs: MAX_EXECUTION_MS },
    onError: (where, err) => problems.push(`${where}: ${String(err)}`),
  });
  // Due at the end of February: the reminder before the due date waits well past three days.
  invoiceId = await seedOneInvoice(stack, outDir, 'E2E/0001');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('an execution that outlives Step Functions\' maximum duration', () => {
  it('times out, and the invoice then shows its timeline stopped, with why and when', async () => {
    const before = (await api<InvoiceBody>(`/v1/invoices/${invoiceId}`)).body.invoice;
    expect(before.failure).toBeUndefined();
    const chase = chaseOf(before)!;
    expect(chase.status).toBe('RUNNING');

    // The virtual clock jumps from one wake-up to the next until the engine ends the chase (a bounded walk).
    for (let step = 0; step < 20 && chaseOf(before)!.status === 'RUNNING'; step++) {
      const wake = stack.clock.nextWakeUp();
      if (wake === undefined) break;
      stack.clock.advanceTo(wake);
      await stack.settle();
    }
    await stack.settle();
    const ended = chaseOf(before)!;
    expect(ended.status).toBe('TIMED_OUT');
    expect(ended.stopDate! - ended.startDate).toBe(MAX_EXECUTION_MS);

    const { status, body } = await api<InvoiceBody>(`/v1/invoices/${invoiceId}`);
    expect(status).toBe(200);
    expect(body.invoice.status).toBe('open');
    expect(body.invoice.failure).toMatchObject({
      at: new Date(ended.stopDate!).toISOString(),
      state: 'Execution',
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      execution: ended.name,
    });
    expect(body.invoice.failure!.cause).toMatch(/maximum duration/);
    expect(body.log.filter((e) => e.type === 'failure')).toEqual([expect.objectContaining({ details: expect.objectContaining({ state: 'Execution', status: 'TIMED_OUT' }) })]);
    expect(problems).toEqual([]);
  });

  it('is restarted by resume: a new run, the failure cleared', async () => {
    const res = await api<InvoiceBody>(`/v1/invoices/${invoiceId}/resume`, { method: 'POST', body: { reason: 'restart after the timeout' } });
    expect(res.status).toBe(200);
    await stack.settle();
    const after = (await api<InvoiceBody>(`/v1/invoices/${invoiceId}`)).body.invoice;
    expect(after.failure).toBeUndefined();
    expect(after.run).toBe(1);
    expect(chaseOf(after)?.status).toBe('RUNNING');
    expect(problems).toEqual([]);
  });
});
