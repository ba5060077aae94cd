import { createHash } from 'node:crypto';

/**
 * Step Functions execution names allow 80 characters of [A-Za-z0-9-_]. The name is a pure
 * function of tenant, invoice, revision and run, so a duplicate start of the same timeline
 * is rejected by Step Functions itself (ExecutionAlreadyExists) instead of chasing twice.
 */
export const executionName = (tenantId: string, invoiceId: string, revision: number, run: number): string => {
  const digest = createHash('sha256').update(`${tenantId}\u0000${invoiceId}\u0000${revision}\u0000${run}`).digest('hex');
  const readable = invoiceId.replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 32);
  return `${readable}-r${revision}-${run}-${digest.slice(0, 32)}`.slice(0, 80);
};
