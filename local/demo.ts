/**
 * `npm run demo`: boots the local stack on a discrete-event clock, ingests the sample company,
 * plays N days of virtual time with the scripted customer behaviour, prints what happened.
 * Deterministic: virtual time only jumps to the next pending wake-up once nothing is in flight.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, ROOT, TENANT_ID, type LocalStack } from './stack.js';
import { seedCompany } from './seed.js';
import { DEMO_SCRIPT, type ScriptStep } from './demo-script.js';
import { collectReport, formatReport, type DemoReport } from './report.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { amountDue } from '../lambdas/domain/model.js';
import { StartupError } from './services/ports.js';

export interface DemoOptions {
  today: string;
  days: number;
  invoicesDir?: string;
  script?: ScriptStep[];
  /** Where SMS, call tasks and events are written; .sollecito/demo by default. */
  outDir?: string;
  /** Called with every problem a handler reported (the demo still finishes). */
  onError?: (where: string, err: unknown) => void;
}

const SCRIPT_ZONE = 'Europe/Rome';

export const runDemo = async (opts: DemoOptions): Promise<DemoReport & { problems: string[] }> => {
  const problems: string[] = [];
  const stack = await startStack({
    mode: 'discrete',
    today: opts.today,
    outDir: opts.outDir ?? join(ROOT, '.sollecito', 'demo'),
    onError: (where, err) => {
      problems.push(`${where}: ${(err as Error)?.message ?? String(err)}`);
      opts.onError?.(where, err);
    },
  });
  try {
    await seedCompany({ bucket: stack.bucket, invoicesDir: opts.invoicesDir, settle: stack.settle });
    const end = DateTime.fromISO(opts.today, { zone: SCRIPT_ZONE }).plus({ days: opts.days }).toMillis();
    const steps = (opts.script ?? DEMO_SCRIPT)
      .map((s) => ({ ...s, ms: DateTime.fromISO(s.at, { zone: SCRIPT_ZONE }).toMillis(), done: false }))
      .filter((s) => s.ms <= end)
      .sort((a, b) => a.ms - b.ms);
    // Executions due at the same instant take turns in a fixed order (local/clock.ts): the run is reproducible.
    stack.clock.wakeOneAtATime = true;
    for (;;) {
      await stack.settle();
      const now = stack.clock.nowMs();
      // The finance team's scripted actions of this instant come before the timelines due at it.
      const due = steps.find((s) => !s.done && s.ms <= now);
      if (due) {
        due.done = true;
        await perform(stack, due).catch((err: unknown) => problems.push(`script ${due.customerId} ${due.number}: ${(err as Error).message}`));
        continue;
      }
      const nextStep = steps.find((s) => !s.done);
      const wake = stack.clock.nextWakeUp();
      const candidates = [wake, nextStep?.ms].filter((t): t is number => t !== undefined && t <= end);
      if (candidates.length === 0) {
        stack.clock.advanceTo(end);
        await stack.settle();
        break;
      }
      const to = Math.min(...candidates);
      // A step at the instant runs (next turn) before the timelines due at it wake.
      stack.clock.advanceTo(to, !(nextStep && nextStep.ms === to));
    }
    const report = await collectReport(stack.tableName, TENANT_ID, stack.bucket);
    return { ...report, problems };
  } finally {
    await stack.stop();
  }
};

/** A scripted customer behaviour, recorded by the finance team through the admin API. */
const perform = async (stack: LocalStack, step: ScriptStep): Promise<void> => {
  const store = dynamoRepositories();
  const out = await store.doc.send(
    new ScanCommand({
      TableName: stack.tableName,
      FilterExpression: 'entity = :e AND customerId = :c AND #n = :n',
      ExpressionAttributeNames: { '#n': 'number' },
      ExpressionAttributeValues: { ':e': 'invoice', ':c': step.customerId, ':n': step.number },
    }),
  );
  const id = out.Items?.[0]?.invoiceId as string | undefined;
  if (!id) throw new Error('invoice not found');
  const invoice = (await store.invoices.getInvoice(TENANT_ID, id))!;
  const day = stack.clock.now().toISOString().slice(0, 10);
  const a = step.action;
  const [path, body] =
    a.kind === 'payment'
      ? ['payments', { amount: amountDue(invoice), date: day, method: 'bank_transfer', reference: `demo ${step.number}` }]
      : a.kind === 'promise'
        ? ['promises', { date: a.promiseDate, by: a.by, note: step.story }]
        : ['disputes', { reason: a.reason, text: a.text }];
  const res = await fetch(`${stack.apiUrl}/v1/invoices/${encodeURIComponent(id)}/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.financeToken}`, 'content-type': 'application/json', 'idempotency-key': `demo-${step.at}-${id}-${path}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: '75' },
      today: { type: 'string', default: '2026-01-12' },
      invoices: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new StartupError('--days takes a whole number of days from 1 to 400.');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today!)) throw new StartupError('--today takes a date as YYYY-MM-DD.');
  const started = Date.now();
  const report = await runDemo({
    today: values.today!,
    days,
    invoicesDir: values.invoices,
    ...(values.out ? { outDir: values.out } : {}),
    onError: (where, err) => process.stderr.write(`[${where}] ${(err as Error)?.message ?? String(err)}\n`),
  });
  if (values.json) {
    const { problems: _p, ...doc } = report;
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  } else {
    process.stdout.write(`${formatReport(report)}\n\nPlayed ${days} days from ${values.today} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    if (report.problems.length) process.stdout.write(`Problems:\n${report.problems.map((p) => `  ${p}`).join('\n')}\n`);
  }
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof StartupError ? err.message : (err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
