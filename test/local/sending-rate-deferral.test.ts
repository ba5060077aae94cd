/**
 * A reminder SES keeps refusing for the sending rate, on the whole local stack (`npm start`'s):
 * the Step Functions emulator runs the dunning state machine with its own Retry (retries at once
 * here) and `$$.State.RetryCount` (local/services/retry-count.ts), SES local sits behind the rate
 * proxy (local/services/ses-rate-limit.ts) turned down to 0 messages a second when the reminder is
 * due. On the Task's last attempt the reminder is deferred with the reason, the execution re-plans
 * and parks in the stage's Wait (no RecordFailure, no failure on the invoice); once SES has room
 * again the reminder leaves once, at the deferral's moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type LocalStack } from '../../local/stack.js';
import { seedOneInvoice, stackApi } from '../support/local-stack-api.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { RATE_LATER_TODAY } from '../../lambdas/domain/timeline/rate-deferral.js';

const TODAY = '2026-01-12';
let stack: LocalStack;
let invoiceId: string;
const problems: string[] = [];

type LogEntry = { type: string; stage?: string; channel?: string; outcome?: string; at: string; details?: Record<string, unknown> };
type InvoiceBody = { invoice: { revision: number; run: number; failure?: unknown }; next: { step: string; at: string; reason: string } | null; log: LogEntry[] };

const api = stackApi(() => stack);
const invoice = async () => (await api<InvoiceBody>(`/v1/invoices/${invoiceId}`)).body;

/** Moves the clock from one wake-up to the next, each settled, up to `until`. */
const runUntil = async (until: number) => {
  for (let step = 0; step < 100; step++) {
    const next = stack.clock.nextWakeUp();
    if (next === undefined || next > until) break;
    stack.clock.advanceTo(next);
    await stack.settle();
  }
  stack.clock.advanceTo(until);
  await stack.settle();
};

beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sollecito-rate-'));
  stack = await startStack({ mode: 'discrete', today: TODAY, outDir, sesMaxSendRate: 14, onError: (where, err) => problems.push(`${where}: ${String(err)}`) });
  invoiceId = await seedOneInvoice(stack, outDir, 'RATE/0001');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a reminder SES refuses for the sending rate through every retry, on the local stack', () => {
  let due: { step: string; at: string };
  let deferredUntil: string;

  it('is deferred with the reason and the execution waits in the stage, not in RecordFailure', async () => {
    due = (await invoice()).next!;
    expect(due).toBeTruthy();
    await runUntil(Date.parse(due.at) - 1);
    stack.sesRate!.setRate(0);
    const refusedBefore = stack.sesRate!.throttled();
    await runUntil(Date.parse(due.at));

    const body = await invoice();
    const deferrals = body.log.filter((e) => e.type === 'deferred' && e.stage === due.step);
    expect(deferrals.map((d) => d.details?.reason)).toEqual([RATE_LATER_TODAY]);
    deferredUntil = String(deferrals[0]!.details?.until);
    expect(body.log.filter((e) => e.type === 'message' && e.stage === due.step && e.outcome === 'skipped')).toHaveLength(7);
    expect(body.log.some((e) => e.type === 'failure')).toBe(false);
    expect(body.invoice.failure).toBeUndefined();
    // The API's next step is the same stage, held until the deferral's moment, with why.
    expect(body.next).toMatchObject({ step: due.step, at: deferredUntil });
    expect(body.next!.reason).toContain(RATE_LATER_TODAY);

    const run = stack.sfn.list().find((e) => e.name === executionName('demo', invoiceId, body.invoice.revision, body.invoice.run))!;
    expect(run.status).toBe('RUNNING');
    const entered = run.history.filter((h) => h.type === 'StateEntered').map((h) => h.state);
    expect(entered.slice(-3)).toEqual(['PlanTimeline', 'Route', `Wait${due.step.charAt(0).toUpperCase()}${due.step.slice(1)}`]);
    expect(entered).not.toContain('RecordFailure');
    expect(stack.sesRate!.throttled() - refusedBefore).toBeGreaterThanOrEqual(7);
  }, 120_000);

  it('leaves once at the deferral’s moment when SES has room again', async () => {
    stack.sesRate!.setRate(14);
    await runUntil(Date.parse(deferredUntil));
    const body = await invoice();
    const sent = body.log.filter((e) => e.type === 'message' && e.stage === due.step && e.channel === 'email' && e.outcome === 'sent');
    expect(sent.map((e) => e.at)).toEqual([deferredUntil]);
    expect(stack.ses.sent().filter((m) => m.tags.invoice === invoiceId && m.tags.stage === due.step)).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 120_000);
});
