/**
 * The reminder path at volume: N invoices (one per customer) whose pre-due reminder falls at the
 * same instant, on the local stack (stream -> executions -> Wait -> send-reminder -> SES local).
 * Prints messages per second from the wake-up to the last completed send, and checks that every
 * invoice got exactly one logged e-mail and the inbox holds no duplicate.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, ROOT, TENANT_ID } from '../local/stack.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { customerToItem, invoiceToItem } from '../lambdas/adapters/dynamo/items.js';
import { keys } from '../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, Tenant } from '../lambdas/domain/model.js';

const N = Number(process.env.BENCH_THROUGHPUT_INVOICES ?? 10_000);
const TODAY = '2026-03-02';
const DUE = '2026-03-16';
/** The standard policy's pre-due reminder: 7 days before, Monday 9 March at 09:00 Rome. */
const PRE_DUE = '2026-03-09T08:00:00Z';

const batches = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export const benchThroughput = async (): Promise<string[]> => {
  const stack = await startStack({ mode: 'discrete', today: TODAY, outDir: join(tmpdir(), 'sollecito-bench-throughput') });
  try {
    const store = dynamoRepositories();
    await store.tenants.putTenant(Tenant.parse(JSON.parse(readFileSync(join(ROOT, 'local/seed/tenant.json'), 'utf8'))));
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < N; i++) {
      const customerId = `C-${String(i).padStart(6, '0')}`;
      items.push(
        customerToItem(
          Customer.parse({ tenantId: TENANT_ID, customerId, name: `Cliente ${i} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap${i}@bench.example`, policy: 'standard' }),
        ),
        invoiceToItem(
          Invoice.parse({
            tenantId: TENANT_ID,
            invoiceId: `INV-${i}`,
            number: `2026/${i}`,
            customerId,
            issueDate: '2026-02-14',
            dueDate: DUE,
            currency: 'EUR',
            amount: 100_000 + i,
            status: 'open',
            createdAt: `${TODAY}T08:00:00Z`,
            updatedAt: `${TODAY}T08:00:00Z`,
          }),
        ),
      );
    }
    const loadStarted = performance.now();
    for (const group of batches(batches(items, 25), 16)) {
      await Promise.all(group.map((b) => store.doc.send(new BatchWriteCommand({ RequestItems: { [store.name]: b.map((Item) => ({ PutRequest: { Item } })) } }))));
    }
    // Every execution planned and asleep on its first Wait.
    await stack.settle();
    const loaded = (performance.now() - loadStarted) / 1000;

    // Monday's ageing report (08:00 Rome) goes first, so the figure covers the reminders alone.
    stack.clock.advanceTo(Date.parse(PRE_DUE) - 1);
    await stack.settle();
    const before = stack.ses.messages().length;
    const started = performance.now();
    stack.clock.advanceTo(Date.parse(PRE_DUE));
    await stack.settle();
    const seconds = (performance.now() - started) / 1000;

    const mails = stack.ses.messages().slice(before);
    const recipients = new Set(mails.flatMap((m) => m.destination?.to ?? []));
    let logged = 0;
    for (const group of batches(Array.from({ length: N }, (_, i) => i), 200)) {
      const counts = await Promise.all(
        group.map(async (i) => {
          const out = await store.doc.send(
            new QueryCommand({
              TableName: store.name,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
              ExpressionAttributeValues: { ':pk': keys.invoice(TENANT_ID, `INV-${i}`).pk, ':log': 'LOG#' },
            }),
          );
          return (out.Items ?? []).filter((e) => e.type === 'message' && e.outcome === 'sent' && e.channel === 'email').length;
        }),
      );
      logged += counts.filter((c) => c === 1).length;
    }
    return [
      `load: ${N.toLocaleString('en')} customers and invoices written and their executions planned in ${loaded.toFixed(1)} s`,
      `reminder path: ${mails.length.toLocaleString('en')} e-mails in ${seconds.toFixed(1)} s = ${(mails.length / seconds).toFixed(0)} messages/s (local stack, one process, DynamoDB Local)`,
      `duplicates: ${mails.length - recipients.size} (inbox ${mails.length}, distinct recipients ${recipients.size}); invoices with exactly one logged e-mail: ${logged}/${N}`,
    ];
  } finally {
    await stack.stop();
  }
};
