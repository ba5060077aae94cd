/**
 * `npm run demo`: boots the local stack on a discrete-event clock, ingests the sample company,
 * plays N days of virtual time with the scripted customer behaviour, prints what happened.
 * Each business morning the company's bank statement (camt.053, local/demo-bank.ts) of the day
 * before lands in the demo's inbox/bank/ and is uploaded to bank/, as `npm start`'s inbox watcher
 * does: the scripted customers' money reaches Sollecito only that way.
 * Deterministic: virtual time only jumps to the next pending wake-up once nothing is in flight.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, ROOT, TENANT_ID, type LocalStack } from './stack.js';
import { SEED_DIR, s3Client, seedCompany, upload } from './seed.js';
import { DEMO_BANK, DEMO_SCRIPT, type BankMovement, type ScriptStep } from './demo-script.js';
import { bookingDayOf, demoStatements, minorOf, type DemoStatementFile } from './demo-bank.js';
import { collectReport, formatReport, type DemoCredit, type DemoReport } from './report.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { amountDue } from '../lambdas/domain/model.js';
import { StartupError } from './services/ports.js';

export interface DemoOptions {
  today: string;
  days: number;
  invoicesDir?: string;
  script?: ScriptStep[];
  /** The customers' money, read by the bank into the statements (DEMO_BANK by default). */
  bank?: BankMovement[];
  /** Where SMS, call tasks, events and the bank statements (inbox/bank/) are written; .sollecito/demo by default. */
  outDir?: string;
  /** Called with every problem a handler reported (the demo still finishes). */
  onError?: (where: string, err: unknown) => void;
}

const SCRIPT_ZONE = 'Europe/Rome';

/** A scripted movement beside the credit the statements made of it: did the matcher do what the customer meant? */
export interface DemoMovementOutcome {
  shows: BankMovement['shows'];
  customerId: string;
  /** What the customer meant to pay. */
  numbers: string[];
  bookingDate: string;
  /** The stored credit (or return) of it; absent when it was not found. */
  creditId?: string;
  status?: string;
  decidedBy?: string;
  appliedBy?: 'matcher' | 'finance';
  /** What it was applied to. */
  invoices: string[];
  /** Applied to something else than the customer meant (target: never). */
  wrong: boolean;
}

/** An e-mail as SES accepted it (the product's clock), and a text as the SMS stand-in did. */
export interface DemoMail {
  at: string;
  to: string[];
  subject: string;
  tags: Record<string, string>;
}
export interface DemoText {
  at: string;
  to: string;
  context: Record<string, string>;
}

export type DemoRun = DemoReport & { problems: string[]; movements: DemoMovementOutcome[]; outbox: DemoMail[]; texts: DemoText[] };

/**
 * A customer beside the sample company whose address is SES's mailbox simulator: every e-mail to it
 * bounces, so the demo walks the bounce path (the chase waits, an SMS instead, the address fixed).
 */
const BOUNCING_CUSTOMER = {
  customerId: 'C-SOUTHDOWNS',
  name: 'Southdowns Catering Ltd',
  vatId: 'GB555123456',
  country: 'GB',
  language: 'en',
  timeZone: 'Europe/London',
  email: 'bounce@simulator.amazonses.com',
  phone: '+447700900789',
  salesRep: { name: 'Marco Rossi', email: 'marco.rossi@officinerossi.example' },
  policy: 'standard',
  salesNotes: ['New customer since December; ordered by phone.'],
};
const BOUNCING_INVOICE = { number: 'SDC-2026-01', customerId: 'C-SOUTHDOWNS', issueDate: '2026-01-09', dueDate: '2026-02-09', amount: '1840.00', currency: 'GBP', paymentReference: 'OR-SDC-01' };

const seedBouncingCustomer = async (stack: LocalStack, s3: ReturnType<typeof s3Client>, dir: string): Promise<void> => {
  mkdirSync(dir, { recursive: true });
  const customers = join(dir, 'customers-southdowns.json');
  writeFileSync(customers, JSON.stringify([BOUNCING_CUSTOMER], null, 2));
  await upload(s3, stack.bucket, 'customers/customers-southdowns.json', customers);
  await stack.settle();
  const invoices = join(dir, '2026-01-southdowns.ndjson');
  writeFileSync(invoices, `${JSON.stringify(BOUNCING_INVOICE)}\n`);
  await upload(s3, stack.bucket, 'invoices/2026-01-southdowns.ndjson', invoices);
  await stack.settle();
};

/** Each scripted movement found among the stored credits by booking day, amount, currency and debtor account. */
const outcomes = (movements: readonly BankMovement[], credits: readonly DemoCredit[], lastDay: string): DemoMovementOutcome[] =>
  movements
    .filter((m) => bookingDayOf(m.at) < lastDay)
    .map((m) => {
      const bookingDate = bookingDayOf(m.at);
      const returned = m.kind === 'directDebitReturn';
      const c = credits.find(
        (x) => x.bookingDate === bookingDate && x.amount === minorOf(m.amount) && x.currency === m.currency && x.debtorIban === m.debtor.iban && (x.returned !== undefined) === returned,
      );
      const applied = c?.invoices ?? [];
      const meant = returned ? [] : m.numbers;
      return {
        shows: m.shows,
        customerId: m.customerId,
        numbers: m.numbers,
        bookingDate,
        ...(c ? { creditId: c.creditId, status: c.status, ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}), ...(c.appliedBy ? { appliedBy: c.appliedBy } : {}) } : {}),
        invoices: applied,
        wrong: applied.length > 0 && [...applied].sort().join(',') !== [...meant].sort().join(','),
      };
    });

export const runDemo = async (opts: DemoOptions): Promise<DemoRun> => {
  const problems: string[] = [];
  const outDir = opts.outDir ?? join(ROOT, '.sollecito', 'demo');
  const stack = await startStack({
    mode: 'discrete',
    today: opts.today,
    outDir,
    onError: (where, err) => {
      problems.push(`${where}: ${(err as Error)?.message ?? String(err)}`);
      opts.onError?.(where, err);
    },
  });
  const s3 = s3Client();
  try {
    await seedCompany({ bucket: stack.bucket, invoicesDir: opts.invoicesDir, settle: stack.settle });
    if (!opts.invoicesDir) await seedBouncingCustomer(stack, s3, join(outDir, 'seed-extra'));
    const endAt = DateTime.fromISO(opts.today, { zone: SCRIPT_ZONE }).plus({ days: opts.days });
    const end = endAt.toMillis();
    const lastDay = endAt.toISODate()!;
    const company = JSON.parse(readFileSync(join(SEED_DIR, 'tenant.json'), 'utf8')) as { iban: string; name: string; bic?: string };
    const movements = opts.bank ?? DEMO_BANK;
    const inbox = join(outDir, 'inbox', 'bank');
    mkdirSync(inbox, { recursive: true });
    // What happens at an instant: the bank's statement first (07:30), then the finance team's actions.
    type Due = { ms: number; order: number; done: boolean; label: string; run: () => Promise<void> };
    const statementDue = (f: DemoStatementFile): Due => ({
      ms: f.deliverAt,
      order: 0,
      done: false,
      label: `statement ${f.name}`,
      run: async () => {
        // Dropped into inbox/bank/ and uploaded to bank/<name>, as npm start's inbox watcher does.
        const file = join(inbox, f.name);
        writeFileSync(file, f.xml);
        await upload(s3, stack.bucket, `bank/${f.name}`, file);
      },
    });
    const steps: Due[] = [
      ...demoStatements({ movements, today: opts.today, lastDay, company: { iban: company.iban, ownerName: company.name, ...(company.bic ? { bic: company.bic } : {}) } }).map(statementDue),
      ...(opts.script ?? DEMO_SCRIPT).map((s): Due => ({ ms: DateTime.fromISO(s.at, { zone: SCRIPT_ZONE }).toMillis(), order: 1, done: false, label: `script ${s.customerId} ${s.number}`, run: () => perform(stack, s) })),
    ]
      .filter((s) => s.ms <= end)
      .sort((a, b) => a.ms - b.ms || a.order - b.order);
    // Executions due at the same instant take turns in a fixed order (local/clock.ts): the run is reproducible.
    stack.clock.wakeOneAtATime = true;
    for (;;) {
      await stack.settle();
      const now = stack.clock.nowMs();
      // The bank's statement and the finance team's scripted actions of this instant come before the timelines due at it.
      const due = steps.find((s) => !s.done && s.ms <= now);
      if (due) {
        due.done = true;
        await due.run().catch((err: unknown) => problems.push(`${due.label}: ${(err as Error).message}`));
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
    const outbox = stack.ses.sent().map((m) => ({ at: m.at, to: m.to, subject: m.subject, tags: m.tags }));
    const texts = stack.sms.messages().map((m) => ({ at: m.at, to: m.to, context: m.context }));
    return { ...report, problems, movements: outcomes(movements, report.bank.credits, lastDay), outbox, texts };
  } finally {
    s3.destroy();
    await stack.stop();
  }
};

/** A scripted customer behaviour, recorded by the finance team through the admin API. */
const perform = async (stack: LocalStack, step: ScriptStep): Promise<void> => {
  if (step.action.kind === 'fixContact') {
    await api(stack, 'PATCH', `/v1/customers/${encodeURIComponent(step.customerId)}`, { email: step.action.email }, `demo-${step.at}-${step.customerId}-contact`);
    return;
  }
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
  if (a.kind === 'confirmCredit') return confirmSuggestedCredit(stack, step, id);
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

const api = async (stack: LocalStack, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, key?: string): Promise<unknown> => {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.financeToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
};

/** The finance team opens the credits to confirm, finds the one suggested for this invoice, and applies that suggestion. */
const confirmSuggestedCredit = async (stack: LocalStack, step: ScriptStep, invoiceId: string): Promise<void> => {
  const { items } = (await api(stack, 'GET', '/v1/bank-credits?status=suggested')) as { items: { creditId: string; suggestions: { invoiceIds: string[] }[] }[] };
  const credit = items.find((c) => c.suggestions.some((s) => s.invoiceIds.includes(invoiceId)));
  if (!credit) throw new Error('no suggested bank credit for this invoice');
  const suggestion = credit.suggestions.findIndex((s) => s.invoiceIds.includes(invoiceId));
  await api(stack, 'POST', `/v1/bank-credits/${encodeURIComponent(credit.creditId)}/confirm`, { suggestion }, `demo-${step.at}-${credit.creditId}-confirm`);
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
    const wrong = report.movements.filter((m) => m.wrong);
    const missing = report.movements.filter((m) => m.creditId === undefined);
    process.stdout.write(
      `${formatReport(report)}\nScripted transfers applied to another invoice than the customer meant: ${wrong.length === 0 ? 'none' : wrong.map((m) => `${m.customerId} ${m.numbers.join('+')} -> ${m.invoices.join('+')}`).join('; ')}` +
        `${missing.length ? `; not found among the stored credits: ${missing.map((m) => `${m.customerId} ${m.numbers.join('+')}`).join('; ')}` : ''}` +
        `\nStatements in ${join(values.out ?? join(ROOT, '.sollecito', 'demo'), 'inbox', 'bank')}\n\nPlayed ${days} days from ${values.today} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
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
