/**
 * Table-stream records (NEW_AND_OLD_IMAGES) read into the domain's shapes: the invoice images the
 * reactions need, and the whole invoice where its image parses as one.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { Invoice, InvoiceStatus } from '../../domain/model.js';
import type { InvoiceImage } from '../../domain/timeline/invoice-reactions.js';
import type { InvoiceStreamChange } from '../../app/timeline/invoice-change.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

/** The few invoice fields the stream reacts to; the rest is read from the table when needed. */
const InvoiceImageSchema = lazySchema(() => z.object({
  entity: z.literal('invoice'),
  tenantId: z.string(),
  invoiceId: z.string(),
  status: InvoiceStatus,
  revision: z._default(z.int(), 1),
  run: z._default(z.int(), 0),
  needsContact: z._default(z.boolean(), false),
  amountPaid: z._default(z.int(), 0),
}));

const STORAGE_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', 'sendingUntil', 'ttl']);

type RawImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** An item image as plain values; the stream's attribute values are the SDK's own type. */
const plain = (raw: RawImage | undefined): Record<string, unknown> | undefined =>
  raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;

const imageOf = (item: Record<string, unknown> | undefined): InvoiceImage | undefined => {
  if (!item) return undefined;
  const out = z.safeParse(InvoiceImageSchema, item);
  return out.success ? out.data : undefined;
};

const invoiceOf = (item: Record<string, unknown> | undefined): Invoice | undefined => {
  if (!item) return undefined;
  const out = Invoice.safeParse(Object.fromEntries(Object.entries(item).filter(([k]) => !STORAGE_FIELDS.has(k))));
  return out.success ? out.data : undefined;
};

/** 'other': not an invoice item; 'unreadable': an invoice item whose new image does not parse (a retry will not mend it). */
export const invoiceChangeOf = (record: DynamoDBRecord): InvoiceStreamChange | 'other' | 'unreadable' => {
  const raw = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  if (raw?.entity?.S !== 'invoice') return 'other';
  const oldItem = plain(record.dynamodb?.OldImage);
  const newItem = plain(record.dynamodb?.NewImage);
  const before = imageOf(oldItem);
  const after = imageOf(newItem);
  if (record.eventName !== 'REMOVE' && !after) return 'unreadable';
  const beforeInvoice = invoiceOf(oldItem);
  const afterInvoice = invoiceOf(newItem);
  return {
    change: record.eventName,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    ...(beforeInvoice ? { beforeInvoice } : {}),
    ...(afterInvoice ? { afterInvoice } : {}),
  };
};
