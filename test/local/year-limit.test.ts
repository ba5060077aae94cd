/**
 * A pause as long as the API allows (365 days) through the whole local stack (`npm start`'s) with
 * the Step Functions emulator at AWS's real quotas (one year per execution): the run that plans
 * the pause ends Closed, not TIMED_OUT, after recording its wake-up; when the clock reaches the
 * wake-up the local stand-in of the hourly schedule invokes wake-timelines, whose raised `run`
 * makes the table stream start the next run; that run waits out the pause within its own year and
 * carries on the timeline: the next reminder leaves once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type LocalStack } from '../../local/stack.js';
import { seedOneInvoice, stackApi } from '../support/local-stack-api.js';
import { STANDARD_QUOTAS } from '../../local/services/sfn-emulator.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { EXECUTION_HORIZON_DAYS, RESUME_LEAD_DAYS } from '../../lambdas/domain/timeline/execution-year.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoTimelineWakeUps } from '../../lambdas/adapters/dynamo-timeline-wake-ups.js';

const DAY = 86_400_000;
const TODAY = '2026-01-12';
const PAUSE_UNTIL = '2027-01-12'; // 365 days: PAUSE_HORIZON_DAYS

let stack: LocalStack;
let invoiceId: string;
const problems: string[] = [];

type LogEntry = { type: string; stage?: string; channel?: string; outcome?: string; at: string };
type InvoiceBody = { invoice: { invoiceId: string; status: string; run: number; revision: number; failure?: unknown }; log: LogEntry[]; parked: { resumesAt: string; due: boolean; reason: string } | null };

const api = stackApi(() => stack);
const invoice = async () => (await api<InvoiceBody>(`/v1/invoices/${invoiceId}`)).body;
const runOf = (revision: number, run: number) => stack.sfn.list().find((e) => e.name === executionName('demo', invoiceId, revision, run));
const emails = (log: LogEntry[]) => log.filter((e) => e.type === 'message' && e.channel === 'email' && e.outcome === 'sent');
/** The stored invoice's resumeAt. */
const resumeAtOf = async () => (await dynamoRepositories().invoices.getInvoice('demo', invoiceId))?.resumeAt;

beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'sollecito-year-'));
  stack = await startStack({ mode: 'discrete', today: TODAY, outDir, quotas: STANDARD_QUOTAS, onError: (where, err) => problems.push(`${where}: ${String(err)}`) });
  invoiceId = await seedOneInvoice(stack, outDir, 'YEAR/0001');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a pause of 365 days under Step Functions\' one-year limit', () => {
  let paused: InvoiceBody['invoice'];
  let wakeAt: string;

  it('ends the run that plans it Closed, with the next run\'s wake-up recorded a week before the pause ends', async () => {
    const res = await api<InvoiceBody>(`/v1/invoices/${invoiceId}/pause`, { method: 'POST', body: { until: PAUSE_UNTIL, reason: 'contract review' } });
    expect(res.status).toBe(200);
    await stack.settle();
    paused = (await invoice()).invoice;
    expect(paused.status).toBe('paused');
    const planning = runOf(paused.revision, paused.run)!;
    expect(planning.status).toBe('SUCCEEDED');
    expect(planning.history.some((h) => h.state === 'WaitPromiseCheck')).toBe(false);

    const recorded = await resumeAtOf();
    expect(recorded).toBeDefined();
    wakeAt = recorded!;
    // Before the pause ends, within the year of the run it starts.
    expect(Date.parse(wakeAt)).toBeLessThan(Date.parse(`${PAUSE_UNTIL}T00:00:00Z`));
    expect(Date.parse(`${PAUSE_UNTIL}T00:00:00Z`) - Date.parse(wakeAt)).toBeLessThanOrEqual((RESUME_LEAD_DAYS + 1) * DAY);
    expect(await new DynamoTimelineWakeUps({ doc: dynamoRepositories().doc, name: dynamoRepositories().name }).first('demo')).toBe(wakeAt);
    // The admin API says so: parked until the wake-up, and why.
    expect((await invoice()).parked).toMatchObject({ resumesAt: wakeAt, due: false, reason: expect.stringContaining(`a new run starts at ${wakeAt}`) });
    expect(problems).toEqual([]);
  });

  it('starts the next run when the clock reaches the wake-up, once, and that run waits out the pause', async () => {
    // Every sleeper up to the wake-up (the weekly report) fires on the way; nothing else runs.
    for (let step = 0; step < 80 && !runOf(paused.revision, paused.run + 1); step++) {
      const next = stack.clock.nextWakeUp();
      if (next === undefined || next > Date.parse(wakeAt)) break;
      stack.clock.advanceTo(next);
      await stack.settle();
    }
    const next = runOf(paused.revision, paused.run + 1);
    expect(next?.status).toBe('RUNNING');
    expect(next!.startDate).toBeGreaterThanOrEqual(Date.parse(wakeAt));
    expect(next!.history.some((h) => h.state === 'WaitPromiseCheck')).toBe(true);
    const now = (await invoice()).invoice;
    expect(now.run).toBe(paused.run + 1);
    expect(now.status).toBe('paused');
    expect(await resumeAtOf()).toBeUndefined();
    expect((await invoice()).parked).toBeNull();
    // The wake-up is spent: a second turn of the schedule starts nothing.
    const wake = (await import('../../lambdas/handlers/wake-timelines.js')).handler;
    expect(await wake({ scheduledTime: new Date(stack.clock.nowMs()).toISOString() }, { functionName: 'wake-timelines' } as never)).toEqual({ due: 0, started: 0 });
    await stack.settle();
    expect((await invoice()).invoice.run).toBe(paused.run + 1);
    expect(problems).toEqual([]);
  });

  it('carries on the timeline when the pause ends: the next reminder leaves once, and no execution timed out', async () => {
    const sentBefore = emails((await invoice()).log).length;
    const resumed = runOf(paused.revision, paused.run + 1)!;
    // Step to the pause's end and the reminder after it (bounded).
    for (let step = 0; step < 40 && emails((await invoice()).log).length === sentBefore; step++) {
      const next = stack.clock.nextWakeUp();
      if (next === undefined) break;
      stack.clock.advanceTo(next);
      await stack.settle();
    }
    const body = await invoice();
    expect(body.invoice.status).toBe('open');
    const after = emails(body.log).slice(sentBefore);
    expect(after).toHaveLength(1);
    // No stage was sent twice over the whole life of the invoice.
    const stages = emails(body.log).map((e) => e.stage);
    expect(new Set(stages).size).toBe(stages.length);
    expect(stack.sfn.list().filter((e) => e.status === 'TIMED_OUT')).toEqual([]);
    expect(resumed.startDate + EXECUTION_HORIZON_DAYS * DAY).toBeGreaterThan(stack.clock.nowMs());
    expect(body.invoice.failure).toBeUndefined();
    expect(problems).toEqual([]);
  });
});
