/** A running local stack (local/stack.ts) as a test drives it: the finance user's admin API calls, and the seed with one invoice. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack } from '../../local/stack.js';
import { SEED_DIR, s3Client, upload } from '../../local/seed.js';

export type StackApi = <T>(path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: T }>;

/** Calls the stack's admin API as the finance user (each call its own Idempotency-Key); `stack` is read at each call. */
export const stackApi =
  (stack: () => LocalStack): StackApi =>
  async <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
    const s = stack();
    const res = await fetch(`${s.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${s.financeToken}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

/**
 * The seed company and its customers uploaded, then one invoice of C-BIANCHI (issued 9 January,
 * due 27 February 2026, 1,200.00 EUR) numbered `number`, each upload settled; the invoice's id.
 */
export const seedOneInvoice = async (stack: LocalStack, outDir: string, number: string): Promise<string> => {
  const s3 = s3Client();
  await upload(s3, stack.bucket, 'config/tenant.json', join(SEED_DIR, 'tenant.json'));
  await stack.settle();
  await upload(s3, stack.bucket, 'customers/customers.json', join(SEED_DIR, 'customers.json'));
  await stack.settle();
  const file = join(outDir, 'one-invoice.json');
  writeFileSync(file, JSON.stringify({ number, customerId: 'C-BIANCHI', issueDate: '2026-01-09', dueDate: '2026-02-27', amount: '1200.00', currency: 'EUR' }));
  await upload(s3, stack.bucket, 'invoices/one-invoice.json', file);
  s3.destroy();
  await stack.settle();
  const list = await stackApi(() => stack)<{ items: { invoiceId: string; number: string }[] }>('/v1/invoices?customerId=C-BIANCHI');
  return list.body.items.find((i) => i.number === number)!.invoiceId;
};
