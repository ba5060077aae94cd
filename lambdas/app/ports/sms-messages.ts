/** The SMS we sent, kept for a while so a STOP or a reply can be traced to its invoice (DynamoDB: adapters/dynamo-sms-messages.ts). */
export interface SentSms {
  tenantId: string;
  /** The provider's message id, which an inbound SMS names as the one it answers. */
  messageId: string;
  invoiceId: string;
  customerId: string;
  to?: string;
}

export interface SmsMessageRepository {
  /** Records (or records again, unchanged) a sent SMS until `keepUntil`. */
  remember(sms: SentSms, keepUntil: Date): Promise<void>;
  /** The SMS, read consistently; undefined when it is not ours or no longer kept. */
  find(tenantId: string, messageId: string): Promise<SentSms | undefined>;
}
