/** A table-stream record read as a move of the invoice's ageing share (app/reports/apply-ageing-change.ts). */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { shareOf } from '../../domain/reports/ageing-days.js';
import type { AgeingChange } from '../../app/reports/apply-ageing-change.js';
import { sourceOf } from '../dynamo-ageing-days.js';

type RawImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const plain = (raw: RawImage | undefined): Record<string, unknown> | undefined => (raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined);

/** undefined: not an invoice item. */
export const ageingChangeOf = (record: DynamoDBRecord): AgeingChange | undefined => {
  const oldItem = plain(record.dynamodb?.OldImage);
  const newItem = plain(record.dynamodb?.NewImage);
  const item = newItem ?? oldItem;
  if (item?.entity !== 'invoice' || typeof item.tenantId !== 'string' || typeof item.invoiceId !== 'string') return undefined;
  const sequence = record.dynamodb?.SequenceNumber;
  if (!sequence) throw new TypeError(`stream record ${record.eventID ?? ''} has no sequence number`);
  const before = oldItem ? shareOf(sourceOf(oldItem)) : undefined;
  const after = newItem && record.eventName !== 'REMOVE' ? shareOf(sourceOf(newItem)) : undefined;
  return { tenantId: item.tenantId, invoiceId: item.invoiceId, sequence, ...(before ? { before } : {}), ...(after ? { after } : {}) };
};
