/** The SMS-message references (keys.smsMessage), one item each, expired by the table's TTL. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { SentSms, SmsMessageRepository } from '../app/ports/sms-messages.js';
import type { Table } from './dynamo/client.js';
import { keys } from './dynamo/keys.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const SmsMessageItem = lazySchema(() => z.object({
  tenantId: z.string(),
  messageId: z.optional(z.string()),
  invoiceId: z.string(),
  customerId: z.string(),
  to: z.optional(z.string()),
}));

export class DynamoSmsMessages implements SmsMessageRepository {
  constructor(private readonly table: Table) {}

  async remember(sms: SentSms, keepUntil: Date): Promise<void> {
    // A plain put: a redelivered status event writes the same reference again.
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.name,
        Item: {
          ...keys.smsMessage(sms.tenantId, sms.messageId),
          entity: 'smsMessage',
          ...sms,
          ttl: Math.floor(keepUntil.getTime() / 1000),
        },
      }),
    );
  }

  async find(tenantId: string, messageId: string): Promise<SentSms | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.smsMessage(tenantId, messageId), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const item = SmsMessageItem.parse(out.Item);
    return { ...item, messageId };
  }
}
