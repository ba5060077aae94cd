/**
 * State transitions per invoice for each path, counted from the local engine's execution history
 * (the same ASL file as in AWS), and what 1,000 invoices on that path cost at list prices.
 * Paths: paid before the due date, paid after the first overdue reminder, full escalation.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { GetExecutionHistoryCommand, ListExecutionsCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startStack, TENANT_ID, type LocalStack } from '../local/stack.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { Customer, Invoice, Tenant } from '../lambdas/domain/model.js';
import { readFileSync } from 'node:fs';
import { ROOT } from '../local/stack.js';

/** Public list prices, eu-south-1 (Milan) where it differs, November 2026. */
export const PRICES = {
  /** Step Functions Standard, per state transition. */
  transition: 0.025 / 1000,
  /** Lambda arm64: per request and per GB-second. */
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write and read request unit. */
  write: 0.625 / 1_000_000,
  read: 0.125 / 1_000_000,
  /** SES outbound e-mail. */
  email: 0.1 / 1000,
  /** End User Messaging SMS to Italy, transactional, per message part. */
  sms: 0.0818,
} as const;

interface PathFigures {
  path: string;
  transitions: number;
  lambdaInvocations: number;
  emails: number;
  sms: number;
}

const STATE_ENTERED = /StateEntered$/;

const play = async (stack: LocalStack, untilMs: number, at: Map<number, () => Promise<void>>): Promise<void> => {
  const steps = [...at.entries()].sort((a, b) => a[0] - b[0]);
  for (;;) {
    await stack.settle();
    const next = [stack.clock.nextWakeUp(), steps[0]?.[0]].filter((t): t is number => t !== undefined && t <= untilMs);
    if (next.length === 0) break;
    stack.clock.advanceTo(Math.max(stack.clock.nowMs(), Math.min(...next)));
    while (steps[0] && steps[0][0] <= stack.clock.nowMs()) await steps.shift()![1]();
  }
};

export const benchTransitions = async (): Promise<string[]> => {
  const stack = await startStack({ mode: 'discrete', today: '2026-01-12', outDir: join(tmpdir(), 'sollecito-bench-transitions') });
  try {
    const store = dynamoRepositories();
    await store.tenants.putTenant(Tenant.parse(JSON.parse(readFileSync(join(ROOT, 'local/seed/tenant.json'), 'utf8'))));
    await store.customers.putCustomer(
      Customer.parse({
        tenantId: TENANT_ID,
        customerId: 'C-BENCH',
        name: 'Bench S.r.l.',
        country: 'IT',
        language: 'it',
        timeZone: 'Europe/Rome',
        email: 'ap@bench.example',
        phone: '+393470000001',
        policy: 'standard',
      }),
    );
    const paths = [
      { id: 'INV-BEFORE-DUE', path: 'paid before the due date', payOn: '2026-02-12' },
      { id: 'INV-AFTER-FIRST', path: 'paid after the first overdue reminder', payOn: '2026-02-25' },
      { id: 'INV-ESCALATED', path: 'full escalation (never paid)', payOn: undefined },
    ];
    for (const p of paths) {
      await store.invoices.putInvoice(
        Invoice.parse({
          tenantId: TENANT_ID,
          invoiceId: p.id,
          number: p.id,
          customerId: 'C-BENCH',
          issueDate: '2026-01-12',
          dueDate: '2026-02-16',
          currency: 'EUR',
          amount: 120_000,
          status: 'open',
          createdAt: '2026-01-12T08:00:00Z',
          updatedAt: '2026-01-12T08:00:00Z',
        }),
      );
    }
    const script = new Map<number, () => Promise<void>>();
    for (const p of paths) {
      if (!p.payOn) continue;
      script.set(Date.parse(`${p.payOn}T10:00:00Z`), async () => {
        const res = await fetch(`${stack.apiUrl}/v1/invoices/${p.id}/payments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.financeToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ amount: 120_000, date: p.payOn, method: 'bank_transfer', reference: p.id }),
        });
        if (!res.ok) throw new Error(`payment ${p.id}: ${res.status} ${await res.text()}`);
      });
    }
    await play(stack, Date.parse('2026-05-01T00:00:00Z'), script);

    const sfn = new SFNClient({});
    const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN! }))).executions ?? [];
    const figures: PathFigures[] = [];
    for (const p of paths) {
      const f: PathFigures = { path: p.path, transitions: 0, lambdaInvocations: 0, emails: 0, sms: 0 };
      for (const e of executions) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn! }));
        if ((JSON.parse(d.input ?? '{}') as { invoiceId?: string }).invoiceId !== p.id) continue;
        const h = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: e.executionArn! }))).events ?? [];
        f.transitions += h.filter((ev) => STATE_ENTERED.test(ev.type ?? '')).length;
        f.lambdaInvocations += h.filter((ev) => ev.type === 'TaskStateEntered').length;
      }
      const log = (await store.invoices.getInvoiceView(TENANT_ID, p.id))!.events.filter((ev) => ev.type === 'message' && ev.outcome === 'sent');
      f.emails = log.filter((ev) => ev.channel === 'email').length;
      f.sms = log.filter((ev) => ev.channel === 'sms').length;
      figures.push(f);
    }
    sfn.destroy();

    return figures.map((f) => {
      // Per invoice: ~6 DynamoDB writes per Lambda invocation (guard transaction + completion) and 3 reads; 256 MB × 300 ms each.
      const cost =
        1000 *
        (f.transitions * PRICES.transition +
          f.lambdaInvocations * (PRICES.lambdaRequest + 0.25 * 0.3 * PRICES.lambdaGbSecond + 6 * PRICES.write + 3 * PRICES.read) +
          f.emails * PRICES.email +
          f.sms * PRICES.sms);
      const target = f.transitions < 20 ? 'within target (<20)' : 'OVER target (<20)';
      return `${f.path}: ${f.transitions} state transitions (${target}), ${f.lambdaInvocations} task invocations, ${f.emails} e-mails, ${f.sms} SMS; ${cost.toFixed(2)} USD per 1,000 invoices`;
    });
  } finally {
    await stack.stop();
  }
};
