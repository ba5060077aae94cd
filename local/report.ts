/**
 * What `npm run demo` prints: every invoice with its contacts and final status, the rejected
 * files and the totals. Read straight from the local table and bucket (local tooling: a Scan
 * is fine here; the product itself never scans).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { amountDue } from '../lambdas/domain/model.js';
import { s3Client } from './seed.js';

export interface DemoContact {
  at: string;
  stage: string;
  channel: string;
  to?: string;
  type: string;
  messageId?: string;
  outcome?: string;
}

export interface DemoInvoice {
  id: string;
  number: string;
  customerId: string;
  currency: string;
  amount: number;
  amountDue: number;
  dueDate: string;
  status: string;
  needsContact: boolean;
  contacts: DemoContact[];
}

export interface DemoReport {
  invoices: DemoInvoice[];
  rejected: { file: string; errors: unknown[] }[];
  totals: { emails: number; sms: number; calls: number; creditHolds: number; escalations: number };
}

const CONTACT_TYPES = new Set(['message', 'call_task', 'credit_hold', 'escalation']);

export const collectReport = async (tableName: string, tenantId: string, bucket: string): Promise<DemoReport> => {
  const store = dynamoRepositories();
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :e AND tenantId = :t',
        ExpressionAttributeValues: { ':e': 'invoice', ':t': tenantId },
        ExclusiveStartKey: start,
      }),
    );
    for (const i of out.Items ?? []) ids.push(String(i.invoiceId));
    start = out.LastEvaluatedKey;
  } while (start);

  const invoices: DemoInvoice[] = [];
  for (const id of ids) {
    const view = await store.invoices.getInvoiceView(tenantId, id);
    if (!view) continue;
    const inv = view.invoice;
    invoices.push({
      id: inv.invoiceId,
      number: inv.number,
      customerId: inv.customerId,
      currency: inv.currency,
      amount: inv.amount,
      amountDue: amountDue(inv),
      dueDate: inv.dueDate,
      status: inv.status,
      needsContact: inv.needsContact,
      contacts: view.events
        .filter((e) => CONTACT_TYPES.has(e.type) && e.outcome !== 'skipped')
        .map((e) => ({
          at: e.at,
          stage: e.stage ?? e.type,
          channel: e.channel,
          type: e.type,
          ...(e.to ? { to: e.to } : {}),
          ...(e.messageId ? { messageId: e.messageId } : {}),
          ...(e.outcome ? { outcome: e.outcome } : {}),
        }))
        .sort((a, b) => a.at.localeCompare(b.at) || a.stage.localeCompare(b.stage) || a.channel.localeCompare(b.channel)),
    });
  }
  invoices.sort((a, b) => a.customerId.localeCompare(b.customerId) || a.number.localeCompare(b.number));

  const s3 = s3Client();
  const rejected: DemoReport['rejected'] = [];
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'rejected/' }));
  for (const o of listed.Contents ?? []) {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
    const doc = JSON.parse(await body.Body!.transformToString()) as { file?: string; errors?: unknown[] };
    rejected.push({ file: doc.file ?? o.Key!, errors: doc.errors ?? [] });
  }
  s3.destroy();

  const all = invoices.flatMap((i) => i.contacts);
  const uniqueMessages = (channel: string) =>
    new Set(all.filter((c) => c.type === 'message' && c.channel === channel).map((c) => c.messageId ?? `${c.at}|${c.stage}|${c.to}`)).size;
  return {
    invoices,
    rejected,
    totals: {
      emails: uniqueMessages('email'),
      sms: uniqueMessages('sms'),
      // One call per customer and day covers several invoices: count the calls, not their log entries.
      calls: new Set(all.filter((c) => c.type === 'call_task').map((c) => c.messageId ?? `${c.at}|${c.to}`)).size,
      creditHolds: all.filter((c) => c.type === 'credit_hold').length,
      escalations: all.filter((c) => c.type === 'escalation').length,
    },
  };
};

/** The readable summary: one block per invoice. */
export const formatReport = (r: DemoReport): string => {
  const lines: string[] = [];
  for (const inv of r.invoices) {
    const amount = (inv.amountDue / 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency: inv.currency }).resolvedOptions().maximumFractionDigits ?? 2)).toFixed(2);
    lines.push(`${inv.customerId.padEnd(15)} ${inv.number.padEnd(13)} due ${inv.dueDate}  ${inv.currency} ${amount.padStart(10)} due  -> ${inv.status}${inv.needsContact ? ' (needs a contact)' : ''}`);
    for (const c of inv.contacts) lines.push(`    ${c.at.slice(0, 16).replace('T', ' ')}  ${c.stage.padEnd(16)} ${c.channel.padEnd(6)} ${c.to ?? ''}`);
  }
  for (const rej of r.rejected) lines.push(`REJECTED ${rej.file}: ${rej.errors.length} error(s)`);
  const t = r.totals;
  lines.push('', `Totals: ${t.emails} e-mails, ${t.sms} SMS, ${t.calls} call tasks, ${t.creditHolds} credit holds, ${t.escalations} escalations`);
  return lines.join('\n');
};
